/**
 * Renderers for `compose-cdk8s secrets`: the Secrets the manifests reference, as idempotent
 * `kubectl create secret generic ... --dry-run=client -o yaml | kubectl apply -f -` lines (file
 * secrets by `--from-file`, so their values never appear) or as Secret manifests. They print what
 * the command resolved (values read now); nothing here reads files or the environment.
 */
import * as path from 'path';
import { quote } from 'shell-quote';
import { stringify } from 'yaml';
import { LABEL_PART_OF } from '../../plan/labels';
import type { DeploymentPlan } from '../../plan/model';
import { renderManifests } from '../common/manifests';

export type SecretsFormat = 'kubectl' | 'manifest';


/** One key of a Secret to create: a value read now, or a file kubectl reads itself. */
export type SecretEntry =
  | { readonly key: string; readonly value: Buffer }
  | { readonly key: string; readonly file: string };

export interface SecretToCreate {
  readonly name: string;
  readonly entries: readonly SecretEntry[];
}

/**
 * A Helm release of the chart with `prefixNames` on: its prefix (what the chart's NOTES print,
 * `<release>-<chart>` by default) and the Service names its env values may name as hosts.
 */
export interface ReleasePrefix {
  readonly prefix: string;
  /** dist/'s Service names, sorted: the hosts the chart renames in env values. */
  readonly hosts: readonly string[];
}

/** The release prefix of `plan`'s chart: `prefix` and dist/'s Service names. */
export function releasePrefixOf(plan: DeploymentPlan, prefix: string): ReleasePrefix {
  const hosts = [...new Set(renderManifests(plan).objects.filter((o) => o.kind === 'Service').map((o) => String((o.metadata as { name: string }).name)))].sort();
  return { prefix, hosts };
}

/** The name the chart gives dist/'s object `name` with prefixNames on (its `objname` helper: trunc 63, trimSuffix "-"). */
export function prefixedName(prefix: string, name: string): string {
  const s = `${prefix}-${name}`.slice(0, 63);
  return s.endsWith('-') ? s.slice(0, -1) : s;
}

/**
 * An env value with each Service host name in it renamed as the chart's `envValue` helper renames
 * it with prefixNames on: after "://" or "@" (URLs), before ":<port>" at the start (host:port), or
 * as the whole value of a variable whose name says it holds a host (HOST, ADDR, SERVER, ENDPOINT).
 */
export function prefixedEnvValue(key: string, value: string, release: ReleasePrefix): string {
  let v = value;
  const bare = /(HOST|ADDR|SERVER|ENDPOINT)/i.test(key);
  for (const host of release.hosts) {
    const to = prefixedName(release.prefix, host);
    const h = host.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    v = v.replace(new RegExp(`(://|@)${h}([:/?#]|$)`, 'g'), (_m, a: string, b: string) => `${a}${to}${b}`);
    v = v.replace(new RegExp(`^${h}(:[0-9]+)`, 'g'), (_m, port: string) => `${to}${port}`);
    if (bare && v === host) v = to;
  }
  return v;
}

function shellWord(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : quote([arg]);
}

/** `file` as `./<relative>` when under `cwd`, else as given (for messages and `--from-file`). */
export function relativeTo(cwd: string, file: string): string {
  const rel = path.relative(cwd, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? `./${rel}` : file;
}

/** The Namespace object the workloads' namespace needs, exactly as dist/ writes it. */
export type NamespaceObject = Record<string, unknown>;

/**
 * The Namespace of the plan as dist/ renders it (so applying it here and then dist/ never strips a
 * label dist/ sets, as a bare `kubectl create namespace` re-applied later would), or none.
 */
export function namespaceObjectOf(plan: DeploymentPlan): NamespaceObject | undefined {
  if (!plan.namespace) return undefined;
  const rendered = renderManifests(plan).objects.find((o) => o.kind === 'Namespace');
  return rendered ?? { apiVersion: 'v1', kind: 'Namespace', metadata: { name: plan.namespace } };
}

/** Where the Secrets go, said in the output so nobody has to guess. */
function namespaceNote(plan: DeploymentPlan, environment: string | undefined): string {
  const folder = environment === undefined ? 'dist/' : `dist/${environment}/`;
  return plan.namespace
    ? `# Namespace ${plan.namespace} (the one the manifests use) is created first, the same object ${folder} holds.`
    : `# No namespace is set (--namespace, K8S_NAMESPACE or x-k8s.namespace): the Secrets go to the current kubectl context's namespace, where \`kubectl apply -k ${folder}\` puts the workloads too.`;
}

function header(plan: DeploymentPlan, format: SecretsFormat, prefix: string | undefined, environment: string | undefined): string[] {
  const external = plan.secretRefs.filter((r) => r.external);
  const command = environment === undefined ? 'compose-cdk8s secrets' : `compose-cdk8s secrets --env ${environment}`;
  const lines = [
    `# Secrets referenced by the manifests of Compose project "${plan.project}"${environment === undefined ? '' : `, environment ${environment}`}, created from your local files.`,
    format === 'kubectl'
      ? `# Run with: ${command} | sh    (this output may hold secret values: never save it in the repository)`
      : `# Apply with: ${command} --format manifest | kubectl apply -f -    (holds secret values: never save it in the repository)`,
    namespaceNote(plan, environment),
    ...(prefix === undefined ? [] : [`# Named for a Helm release of the chart with prefixNames on: every name starts with ${prefix}-, and Service host names in env values follow, as in the chart (external Secrets keep their own name).`]),
  ];
  // External Secrets exist in the cluster under their own name, which the chart keeps with prefixNames on.
  for (const r of external) lines.push(`# ${r.name}: external (secrets.${r.composeName ?? r.name}), expected to exist in the cluster already`);
  return lines;
}

/**
 * One idempotent line creating the Namespace with the labels and annotations dist/ gives it:
 * `kubectl create namespace X --dry-run=client -o yaml`, then `kubectl label --local` /
 * `kubectl annotate --local` for each, then `kubectl apply -f -`. Applying it without them would let
 * a later run strip what `kubectl apply -k dist/` set (apply removes fields it applied before).
 */
export function namespaceCommand(namespace: NamespaceObject): string {
  const meta = (namespace.metadata ?? {}) as { name?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  const pairs = (m: Record<string, string> | undefined): string[] => Object.keys(m ?? {}).sort().map((k) => `${k}=${m![k]}`);
  const stages = [['kubectl', 'create', 'namespace', String(meta.name), '--dry-run=client', '-o', 'yaml']];
  const labels = pairs(meta.labels);
  if (labels.length) stages.push(['kubectl', 'label', '--local', '-f', '-', ...labels, '-o', 'yaml']);
  const annotations = pairs(meta.annotations);
  if (annotations.length) stages.push(['kubectl', 'annotate', '--local', '-f', '-', ...annotations, '-o', 'yaml']);
  stages.push(['kubectl', 'apply', '-f', '-']);
  return stages.map((words) => words.map(shellWord).join(' ')).join(' | ');
}

/** `kubectl create secret generic` lines, one per Secret, after the Namespace (when the plan has one). */
export function kubectlScript(plan: DeploymentPlan, secrets: readonly SecretToCreate[], cwd: string, namespace: NamespaceObject | undefined = namespaceObjectOf(plan), prefix?: string, environment?: string): string {
  const lines = header(plan, 'kubectl', prefix, environment);
  if (namespace) lines.push(namespaceCommand(namespace));
  for (const s of secrets) {
    const args = ['kubectl', 'create', 'secret', 'generic', s.name];
    if (plan.namespace) args.push(`--namespace=${plan.namespace}`);
    for (const e of s.entries) {
      args.push('value' in e ? `--from-literal=${e.key}=${e.value.toString('utf8')}` : `--from-file=${e.key}=${relativeTo(cwd, e.file)}`);
    }
    args.push('--dry-run=client', '-o', 'yaml');
    lines.push(`${args.map(shellWord).join(' ')} | kubectl apply -f -`);
  }
  return `${lines.join('\n')}\n`;
}

/** Secret manifests (YAML, one document each), after the Namespace when the plan has one. */
export function secretManifests(plan: DeploymentPlan, secrets: readonly SecretToCreate[], namespace: NamespaceObject | undefined = namespaceObjectOf(plan), prefix?: string, environment?: string): string {
  const docs = secrets.map((s) => stringify({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: s.name,
      ...(plan.namespace ? { namespace: plan.namespace } : {}),
      labels: { [LABEL_PART_OF]: plan.project },
    },
    type: 'Opaque',
    data: Object.fromEntries(s.entries.map((e) => [e.key, 'value' in e ? e.value.toString('base64') : ''])),
  }));
  if (namespace) docs.unshift(stringify(namespace));
  return `${header(plan, 'manifest', prefix, environment).join('\n')}\n${docs.map((d) => `---\n${d}`).join('')}`;
}
