/**
 * Settings: the one home of configuration.
 *
 * Filled, strongest first, from CLI flags, environment variables, the top-level `x-k8s` block of
 * the Compose file, then defaults. Pure: the environment and the git lookup are passed in, so
 * tests control them. Resolved once per run (lib/pipeline.ts) and passed down as a value: no
 * writer reads the environment or re-derives a default.
 */
import type { ComposeProject } from './compose/model';
import { ComposeError, Diagnostic, error, SourceLocation } from './diagnostics';
import { gitHeadProblem, GitHeadProblem } from './git';

/** Host of DigitalOcean Container Registry. */
export const DOCR_HOST = 'registry.digitalocean.com';
/** Registry used when nothing else names one. */
export const DEFAULT_REGISTRY = 'the-shop';
/** Folder `synth` writes the manifests to when nothing names one. */
export const DEFAULT_OUTPUT = 'dist';
/** Folder the `helm` command writes to when nothing names one. */
export const DEFAULT_HELM_OUTPUT = 'helm';
/** Chart.yaml `version` when nothing names one. */
export const DEFAULT_CHART_VERSION = '0.1.0';
/** Environment variables of the chart settings. */
export const ENV_HELM_OUTPUT = 'COMPOSE_CDK8S_HELM';
export const ENV_CHART_VERSION = 'COMPOSE_CDK8S_CHART_VERSION';
/** Environment variables of a cdk8s app's output (ComposeApp): the manifests folder and the digests file. */
export const ENV_OUTPUT = 'COMPOSE_CDK8S_OUTPUT';
export const ENV_DIGESTS = 'COMPOSE_CDK8S_DIGESTS';

export interface Settings {
  /** DOCR registry name (`registry.digitalocean.com/<registry>/...`). */
  readonly registry: string;
  /**
   * Image tag for built services (a git sha unless set otherwise). Undefined when none is given
   * and the project is not in a git checkout: fine as long as nothing is built (see requireTag).
   */
  readonly tag?: string;
  /** Where the tag came from, for messages and the report. */
  readonly tagSource?: TagSource;
  /** Namespace stamped on every namespaced object; none when undefined. */
  readonly namespace?: string;
  /** Name of the dockerconfigjson Secret pods pull DOCR images with. */
  readonly pullSecretName: string;
  /** `--strict`: what would be a warning about a leak (a credential in `environment`) is an error. */
  readonly strict?: boolean;
  /** The Helm chart settings (`--helm` / `--chart-version`, env, `x-k8s.helm`, defaults). */
  readonly helm: HelmSettings;
}

export interface HelmSettings {
  /** Folder that holds the chart folder; undefined: only the `helm` command writes a chart. */
  readonly output?: string;
  readonly chartVersion: string;
}

/** Chart settings as given on the command line or in `x-k8s.helm`. */
export interface HelmFlags {
  readonly output?: string;
  readonly chartVersion?: string;
}

export type TagSource = '--sha' | 'IMAGE_TAG' | 'GITHUB_SHA' | 'git' | 'x-k8s.tag';

/** Settings as given on the command line (or cdk8s context); all optional. */
export interface SettingsFlags {
  readonly registry?: string;
  readonly sha?: string;
  readonly namespace?: string;
  readonly pullSecret?: string;
  /** Use the 7-character short sha instead of the full one. */
  readonly shortSha?: boolean;
  /** `--strict` (see Settings.strict). */
  readonly strict?: boolean;
  /** `--helm <dir>` (synth) or `-o <dir>` (helm): the folder of the chart folder. */
  readonly helmOutput?: string;
  /** `--chart-version`. */
  readonly chartVersion?: string;
}

/** The `x-k8s` top-level block keys this module reads. */
export interface XK8sTopLevel {
  readonly registry?: string;
  readonly tag?: string;
  readonly namespace?: string;
  readonly pullSecret?: string;
  readonly shortSha?: boolean;
}

export interface SettingsSources {
  readonly flags: SettingsFlags;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly xk8s?: XK8sTopLevel;
  /** Returns `git rev-parse HEAD` for the project, or undefined when not in a git checkout. */
  readonly gitSha: () => string | undefined;
  /** Where a key path (`x-k8s.registry`) is written, so a bad x-k8s value is reported there. */
  readonly locate?: (path: string) => SourceLocation | undefined;
  /** The `x-k8s.helm` block, read by `readXK8sHelm`. */
  readonly xk8sHelm?: HelmFlags;
}

const REGISTRY_NAME = /^[a-z][a-z0-9-]{0,61}[a-z0-9]$/;
/** An OCI / Docker image tag: 1-128 letters, digits, `_`, `.`, `-`, not starting with `.` or `-`. */
export const IMAGE_TAG_PATTERN = '^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$';
const TAG = new RegExp(IMAGE_TAG_PATTERN);
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SHA = /^[0-9a-f]{7,64}$/;

/** Where images are pulled from: what both `resolveSettings` and the `pull-secret` command need. */
export interface RegistryTarget {
  readonly registry: string;
  readonly namespace?: string;
  readonly pullSecretName: string;
}

type Problems = { readonly problems: Diagnostic[]; bad(message: string, from: string, hint: string): void };

function problemList(src: Pick<SettingsSources, 'locate'>): Problems {
  const problems: Diagnostic[] = [];
  return {
    problems,
    /** A problem with a value, located at its x-k8s key when that is where it came from. */
    bad: (message, from, hint) => {
      const at = from.startsWith('x-k8s.') ? { path: from, location: src.locate?.(from) } : {};
      problems.push(error(`${message} (from ${from})`, { ...at, hint }));
    },
  };
}

function sourceOfIn(src: Pick<SettingsSources, 'flags' | 'env' | 'xk8s'>) {
  const { flags, env, xk8s = {} } = src;
  return (flag: string, envVar: string, key: keyof XK8sTopLevel, fallback = 'default'): string =>
    (flags as Record<string, unknown>)[flag] !== undefined ? `--${flag.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`
      : env[envVar] !== undefined ? envVar : xk8s[key] !== undefined ? `x-k8s.${key}` : fallback;
}

/**
 * Registry, namespace and pull secret name (flags, env, x-k8s, defaults), validated; throws
 * ComposeError naming the bad value and where it came from.
 */
export function resolveRegistryTarget(src: Omit<SettingsSources, 'gitSha'>): RegistryTarget {
  const p = problemList(src);
  const target = registryTarget(src, p);
  if (p.problems.length > 0) throw new ComposeError(p.problems);
  return target;
}

function registryTarget(src: Omit<SettingsSources, 'gitSha'>, { bad }: Problems): RegistryTarget {
  const { flags, env, xk8s = {} } = src;
  const sourceOf = sourceOfIn(src);
  const registry = flags.registry ?? env.DOCR_REGISTRY ?? xk8s.registry ?? DEFAULT_REGISTRY;
  if (!REGISTRY_NAME.test(registry)) {
    bad(`registry name "${registry}" is not a valid DigitalOcean registry name`, sourceOf('registry', 'DOCR_REGISTRY', 'registry'),
      'use 2-63 lowercase letters, digits and hyphens, starting with a letter');
  }

  const namespace = flags.namespace ?? env.K8S_NAMESPACE ?? xk8s.namespace;
  if (namespace !== undefined && !DNS1123_LABEL.test(namespace)) {
    bad(`namespace "${namespace}" is not a valid Kubernetes namespace`, sourceOf('namespace', 'K8S_NAMESPACE', 'namespace'),
      'use at most 63 lowercase letters, digits and "-", starting and ending with a letter or digit');
  }

  const pullSecretName = flags.pullSecret ?? env.DOCR_PULL_SECRET ?? xk8s.pullSecret ?? `registry-${registry}`;
  const derived = flags.pullSecret === undefined && env.DOCR_PULL_SECRET === undefined && xk8s.pullSecret === undefined;
  // A name derived from a bad registry name is bad for the same reason, already reported.
  const checkPullSecret = !derived || REGISTRY_NAME.test(registry);
  if (checkPullSecret && (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(pullSecretName) || pullSecretName.length > 253)) {
    bad(`pull secret name "${pullSecretName}" is not a valid Kubernetes Secret name`, sourceOf('pullSecret', 'DOCR_PULL_SECRET', 'pullSecret', 'the registry name'),
      'use lowercase letters, digits, "-" and "."');
  }
  return { registry, namespace: namespace || undefined, pullSecretName };
}

/** Resolve settings; throws ComposeError naming the bad value and where it came from. */
export function resolveSettings(src: SettingsSources): Settings {
  const { flags, env, xk8s = {} } = src;
  const p = problemList(src);
  const { problems, bad } = p;
  // Registry problems first, then the tag's, then namespace and pull secret (as they always came).
  const registryProblems = problemList(src);
  const { registry, namespace, pullSecretName } = registryTarget(src, registryProblems);
  const registryFirst = registryProblems.problems.filter((d) => d.message.startsWith('registry name '));
  problems.push(...registryFirst);

  const shortSha = flags.shortSha ?? xk8s.shortSha ?? false;
  const candidates: Array<[TagSource, string | undefined]> = [
    ['--sha', flags.sha],
    ['IMAGE_TAG', env.IMAGE_TAG],
    ['GITHUB_SHA', env.GITHUB_SHA],
    ['x-k8s.tag', xk8s.tag],
  ];
  let found = candidates.find(([, v]) => v !== undefined && v !== '');
  if (!found) {
    const sha = src.gitSha();
    if (sha) found = ['git', sha];
  }
  // No tag is not a problem yet: only built images and release metadata need one (requireTag).
  let tag: string | undefined;
  let tagSource: TagSource | undefined;
  if (found) {
    [tagSource, tag] = found as [TagSource, string];
    if (shortSha && SHA.test(tag)) tag = tag.slice(0, 7);
    if (!TAG.test(tag)) {
      bad(`image tag "${tag}" is not a valid OCI tag`, tagSource,
        'a tag is 1-128 characters of letters, digits, "_", "." and "-", not starting with "." or "-"');
    }
  }

  problems.push(...registryProblems.problems.filter((d) => !registryFirst.includes(d)));

  if (problems.length > 0) throw new ComposeError(problems);
  const helm = resolveHelmSettings({ flags: { output: flags.helmOutput, chartVersion: flags.chartVersion }, env, xk8s: src.xk8sHelm ?? {} });
  return {
    registry, ...(tag !== undefined ? { tag, tagSource } : {}),
    namespace, pullSecretName, ...(flags.strict ? { strict: true } : {}), helm,
  };
}

/** Read `x-k8s.helm: { output, chartVersion }`; throws ComposeError with locations on bad input. */
export function readXK8sHelm(project: Pick<ComposeProject, 'extensions' | 'sourceMap'> | undefined): HelmFlags {
  const block = project?.extensions['x-k8s'];
  if (!block || typeof block !== 'object' || Array.isArray(block)) return {};
  const helm = (block as Record<string, unknown>).helm;
  if (helm === undefined || helm === null) return {};
  const at = (path: string) => ({ path, location: project!.sourceMap.nearest(path) });
  if (typeof helm !== 'object' || Array.isArray(helm)) {
    throw new ComposeError(error('must be a mapping with output and/or chartVersion', at('x-k8s.helm')));
  }
  const problems: Diagnostic[] = [];
  const out: { output?: string; chartVersion?: string } = {};
  for (const [key, value] of Object.entries(helm as Record<string, unknown>)) {
    if (key !== 'output' && key !== 'chartVersion') {
      problems.push(error(`unknown key "${key}"`, { ...at(`x-k8s.helm.${key}`), hint: 'known keys: output, chartVersion' }));
    } else if (typeof value !== 'string' || value === '') {
      problems.push(error('must be a non-empty string', at(`x-k8s.helm.${key}`)));
    } else {
      out[key] = value;
    }
  }
  if (problems.length > 0) throw new ComposeError(problems);
  return out;
}

/**
 * Chart settings, strongest first: flags, `COMPOSE_CDK8S_HELM` / `COMPOSE_CDK8S_CHART_VERSION`,
 * `x-k8s.helm`, defaults. `COMPOSE_CDK8S_HELM=<dir>` (or `x-k8s.helm.output`) asks `synth` /
 * `cdk8s synth` to write the chart to `<dir>/<chart>/` in the same run as dist/.
 */
export function resolveHelmSettings(src: { flags?: HelmFlags; env: Readonly<Record<string, string | undefined>>; xk8s: HelmFlags }): HelmSettings {
  const nonEmpty = (v: string | undefined) => (v === '' ? undefined : v);
  const output = src.flags?.output ?? nonEmpty(src.env[ENV_HELM_OUTPUT]) ?? src.xk8s.output;
  const chartVersion = src.flags?.chartVersion ?? nonEmpty(src.env[ENV_CHART_VERSION]) ?? src.xk8s.chartVersion ?? DEFAULT_CHART_VERSION;
  return { ...(output !== undefined ? { output } : {}), chartVersion };
}

/** Where a cdk8s app (ComposeApp) writes: the manifests folder and the digests file it records. */
export interface AppOutputSettings {
  readonly outputDir: string;
  readonly digestsFile?: string;
}

/**
 * A cdk8s app's output settings, strongest first: the app's props, `COMPOSE_CDK8S_OUTPUT` /
 * `COMPOSE_CDK8S_DIGESTS` (empty counts as unset), defaults (dist/, no digests file).
 */
export function resolveAppOutput(src: { props: { readonly outputDir?: string; readonly digestsFile?: string }; env: Readonly<Record<string, string | undefined>> }): AppOutputSettings {
  const nonEmpty = (v: string | undefined) => (v === '' ? undefined : v);
  const digestsFile = src.props.digestsFile ?? nonEmpty(src.env[ENV_DIGESTS]);
  return { outputDir: src.props.outputDir ?? nonEmpty(src.env[ENV_OUTPUT]) ?? DEFAULT_OUTPUT, ...(digestsFile !== undefined ? { digestsFile } : {}) };
}

/**
 * The error of a run that needs an image tag (a built service, release metadata) and has none.
 * With the project's folder, it says what git lacks there (a checkout, a commit, git itself).
 */
export function missingTagError(why?: string, projectDirectory?: string): ComposeError {
  const problem = projectDirectory !== undefined ? gitHeadProblem(projectDirectory) : 'no-checkout';
  const { lacks, hint } = NO_GIT_TAG[problem](projectDirectory ?? '.');
  return new ComposeError(error(`cannot tell which image tag to deploy${why ? ` (${why})` : ''}: no --sha, IMAGE_TAG or GITHUB_SHA, and ${lacks}`, { hint }));
}

/** What the "cannot tell which image tag" error says of git, and what to do. */
const NO_GIT_TAG: Readonly<Record<GitHeadProblem, (dir: string) => { lacks: string; hint: string }>> = {
  'no-checkout': () => ({ lacks: 'the project is not in a git checkout', hint: 'pass --sha <git-sha> or set IMAGE_TAG' }),
  'no-commit': () => ({ lacks: "the current branch of the project's git checkout has no commit yet", hint: 'commit first, or pass --sha <git-sha> or set IMAGE_TAG' }),
  'no-git': () => ({ lacks: 'git is not installed', hint: 'install git, or pass --sha <git-sha> or set IMAGE_TAG' }),
  'not-safe': (dir) => ({
    lacks: "git refuses to read the project's checkout, which another user owns",
    hint: `trust it with git config --global --add safe.directory ${dir}, or pass --sha <git-sha> or set IMAGE_TAG`,
  }),
};

/** The image tag, for what needs one; throws the "cannot tell which image tag" error without. */
export function requireTag(settings: Pick<Settings, 'tag'>): string {
  if (settings.tag === undefined) throw missingTagError();
  return settings.tag;
}

/** Where built images are pushed and pulled from: `registry.digitalocean.com/<registry>`. */
export function docrRegistry(settings: Pick<Settings, 'registry'>): string {
  return `${DOCR_HOST}/${settings.registry}`;
}

/** The DOCR image reference of a built service. */
export function docrImage(settings: Pick<Settings, 'registry' | 'tag'>, repository: string): string {
  return `${docrRegistry(settings)}/${repository}:${requireTag(settings)}`;
}
