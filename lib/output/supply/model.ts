/**
 * The supply-chain view of a conversion: which services CI builds and pushes to DOCR, from which
 * context and Dockerfile, under which repository; which workloads a rollout waits for. Every
 * supply output (Compose override, build matrix, workflows, GC, release metadata) reads this one
 * model, so they cannot disagree about which services are built.
 *
 * Paths are relative to the repository root (where `.github/workflows/` lives), `/`-separated.
 */
import * as path from 'path';
import type { ComposeProject } from '../../compose/model';
import { Diagnostic, error, warning } from '../../diagnostics';
import type { DeploymentPlan, WorkloadKind } from '../../plan/model';
import { repositoryOf } from '../../plan/image';
import { DOCR_HOST, docrImage, Settings } from '../../settings';

export interface BuiltService {
  /** Compose service name, unchanged. */
  readonly service: string;
  /** DOCR repository (`registry.digitalocean.com/<registry>/<repository>`). */
  readonly repository: string;
  /** Build context relative to the repository root (`.` for the root), or a remote context as written. */
  readonly context: string;
  /** Dockerfile relative to the repository root (what `docker build --file` and build-push-action `file` take). */
  readonly dockerfile: string;
  /** Build stage, when the Compose file names one. */
  readonly target?: string;
  /** Build args with a value, sorted by name (args without a value are dropped, with a warning). */
  readonly args: Readonly<Record<string, string>>;
  /** Image reference for this tag: `registry.digitalocean.com/<registry>/<repository>:<tag>`. */
  readonly image: string;
  /** Key of this service's digest among the build job's outputs (`[A-Za-z0-9_-]`). */
  readonly outputKey: string;
}

/**
 * A declared environment as the deploy workflow sees it (x-k8s.environments, in declared order):
 * the first one receives every push to the build branch; the others are promoted to.
 */
export interface DeployEnvironment {
  /** The environment's name: the folder `<output>/<name>/`, `synth --env <name>`, the GitHub Environment. */
  readonly name: string;
  /** The namespace its manifests go to (none: the project's namespace setting, if any). */
  readonly namespace?: string;
}

/** A workload that `kubectl rollout status` can wait for. */
export interface RolloutTarget {
  readonly kind: Extract<WorkloadKind, 'Deployment' | 'StatefulSet' | 'DaemonSet'>;
  readonly name: string;
}

export interface SupplyModel {
  /** Compose project name. */
  readonly project: string;
  readonly registry: string;
  /** Image tag of the built services; none when nothing is built and no tag was given. */
  readonly tag?: string;
  readonly namespace?: string;
  /** Compose files relative to the repository root, in merge order. */
  readonly composeFiles: readonly string[];
  /** Compose project directory relative to the repository root (`.` for the root). */
  readonly projectDirectory: string;
  /** Built services, sorted by Compose name. */
  readonly built: readonly BuiltService[];
  /** Workloads to wait for after `kubectl apply`, sorted by kind then name. */
  readonly rollouts: readonly RolloutTarget[];
  /** Warnings about the supply chain (dropped build args, shared repositories, ...). */
  readonly warnings: readonly Diagnostic[];
  /** Declared environments, in declared order; absent when the project declares none. */
  readonly environments?: readonly DeployEnvironment[];
}

export interface SupplyModelOptions {
  /** Absolute repository root; paths in the model are relative to it. */
  readonly repoRoot: string;
  /** The project's declared environments (x-k8s.environments), in declared order. */
  readonly environments?: readonly DeployEnvironment[];
}

const ROLLOUT_KINDS: ReadonlySet<string> = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);
/** Remote build contexts Compose accepts (git URLs, http tarballs): kept as written. */
const REMOTE_CONTEXT = /^(https?:\/\/|git@|git:\/\/|github\.com\/)/;

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

/** `target` relative to `root`, or undefined when it lies outside. */
function inside(root: string, target: string): string | undefined {
  const rel = path.relative(root, target);
  if (rel === '') return '.';
  if (rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  return toPosix(rel);
}

function outputKey(repository: string): string {
  return `digest_${repository.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

/**
 * Derive the supply model. Throws nothing: problems come back as diagnostics in `errors`
 * (a build context outside the repository cannot be built by CI) and `model.warnings`.
 */
export function supplyModel(
  project: ComposeProject,
  settings: Pick<Settings, 'registry' | 'tag' | 'namespace'>,
  plan: Pick<DeploymentPlan, 'workloads'> | undefined,
  opts: SupplyModelOptions,
): { model: SupplyModel; errors: Diagnostic[] } {
  const errors: Diagnostic[] = [];
  const warnings: Diagnostic[] = [];
  const root = path.resolve(opts.repoRoot);
  const built: BuiltService[] = [];
  const byRepository = new Map<string, string>();

  for (const name of Object.keys(project.services).sort()) {
    const svc = project.services[name];
    if (!svc.build) continue;
    const at = { path: `services.${name}.build`, location: project.sourceMap.nearest(`services.${name}.build`) };
    const repository = repositoryOf(svc);
    const clash = byRepository.get(repository);
    if (clash !== undefined) {
      errors.push(error(`services "${clash}" and "${name}" would push to the same DOCR repository "${repository}"`, {
        ...at, hint: 'rename one of the services so their lowercase names differ',
      }));
      continue;
    }
    byRepository.set(repository, name);

    let context: string;
    let dockerfile: string;
    if (REMOTE_CONTEXT.test(svc.build.context)) {
      context = svc.build.context;
      dockerfile = svc.build.dockerfile;
    } else {
      const rel = inside(root, path.resolve(project.projectDirectory, svc.build.context));
      if (rel === undefined) {
        errors.push(error(`build context ${svc.build.context} is outside the repository ${root}, so CI cannot build it`, {
          ...at, hint: 'move the build context into the repository, or pass --repo-root with the folder that holds .github/',
        }));
        continue;
      }
      context = rel;
      const df = path.isAbsolute(svc.build.dockerfile)
        ? svc.build.dockerfile
        : path.resolve(root, context, svc.build.dockerfile);
      const dfRel = inside(root, df);
      if (dfRel === undefined) {
        errors.push(error(`Dockerfile ${svc.build.dockerfile} is outside the repository ${root}`, {
          ...at, hint: 'keep the Dockerfile inside the repository',
        }));
        continue;
      }
      dockerfile = dfRel;
    }

    const args: Record<string, string> = {};
    for (const key of Object.keys(svc.build.args).sort()) {
      const value = svc.build.args[key];
      if (value === null) {
        warnings.push(warning(`build arg ${key} has no value; CI builds without it`, {
          path: `services.${name}.build.args.${key}`, location: project.sourceMap.nearest(`services.${name}.build.args`),
          hint: 'give it a value in the Compose file (secrets belong in build secrets, not args)',
        }));
        continue;
      }
      args[key] = value;
    }

    built.push({
      service: name,
      repository,
      context,
      dockerfile,
      ...(svc.build.target ? { target: svc.build.target } : {}),
      args,
      image: docrImage(settings, repository),
      outputKey: outputKey(repository),
    });
  }

  const rollouts: RolloutTarget[] = (plan?.workloads ?? [])
    .filter((w) => ROLLOUT_KINDS.has(w.kind))
    .map((w) => ({ kind: w.kind as RolloutTarget['kind'], name: w.name }))
    .sort((a, b) => (a.kind === b.kind ? cmp(a.name, b.name) : cmp(a.kind, b.kind)));

  const composeFiles: string[] = [];
  for (const f of project.files) {
    const rel = inside(root, f);
    if (rel === undefined) {
      errors.push(error(`Compose file ${f} is outside the repository ${root}`, { hint: 'run from the repository, or pass --repo-root' }));
      continue;
    }
    composeFiles.push(rel);
  }
  const projectDirectory = inside(root, project.projectDirectory) ?? '.';

  return {
    model: {
      project: project.name,
      registry: settings.registry,
      ...(settings.tag !== undefined ? { tag: settings.tag } : {}),
      ...(settings.namespace ? { namespace: settings.namespace } : {}),
      composeFiles,
      projectDirectory,
      built,
      rollouts,
      warnings,
      ...(opts.environments?.length ? { environments: opts.environments.map((e) => ({ name: e.name, ...(e.namespace ? { namespace: e.namespace } : {}) })) } : {}),
    },
    errors,
  };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The image reference prefix of this registry, for matching references in manifests. */
export function registryPrefix(registry: string): string {
  return `${DOCR_HOST}/${registry}/`;
}

/** DOCR plans by how many repositories they hold (docs: container-registry/details/pricing). */
export const DOCR_PLAN_REPOSITORIES = [
  { plan: 'Starter', repositories: 1 },
  { plan: 'Basic', repositories: 5 },
  { plan: 'Professional', repositories: Infinity },
] as const;

/**
 * One repository per built service: a warning when a Starter registry cannot hold them all
 * (pushes of the extra repositories would fail), naming the smallest plan that can.
 */
export function registryPlanWarning(model: Pick<SupplyModel, 'built'>): Diagnostic | undefined {
  const n = model.built.length;
  if (n <= 1) return undefined;
  const plan = DOCR_PLAN_REPOSITORIES.find((p) => p.repositories >= n)!;
  return warning(`${n} built services push to ${n} DOCR repositories; a Starter registry holds 1, so this needs the ${plan.plan} plan or larger`, {
    hint: 'list the plans with `doctl registry options subscription-tiers`; change yours in the DigitalOcean control panel',
  });
}
