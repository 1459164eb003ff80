/**
 * Convert one Compose project the way `compose-cdk8s synth` does (load → settings → plan → cdk8s
 * render of dist/: lib/output/render/dist.ts renderDist), check the manifests with the independent Kubernetes oracle, and classify the outcome:
 *
 *   ok        manifests rendered and schema-valid
 *   refused   a ComposeError after loading (settings or plan stage): a feature we refuse by name
 *   rejected  a ComposeError from the loader: the input itself is invalid
 *   crashed   any other exception, or manifests the Kubernetes checks reject (a converter bug)
 *
 * Shared by scripts/corpus.ts, scripts/fuzz.ts and the tests under test/corpus and test/fuzz.
 */
import { loadProject, LoaderIO } from '../../lib/compose';
import type { ComposeProject } from '../../lib/compose/model';
import { ComposeError, Diagnostic } from '../../lib/diagnostics';
import { loadRelease, renderDist } from '../../lib/output/render/dist';
import { planConversion } from '../../lib/pipeline';
import { validateManifests } from '../oracles/k8s';

export type OutcomeKind = 'ok' | 'refused' | 'rejected' | 'crashed';

export interface Outcome {
  readonly kind: OutcomeKind;
  /** One line: object count for ok; the first diagnostic for refused/rejected; the error or first schema problem for crashed. */
  readonly detail: string;
  /** Grouping key: the refused feature, the rejection cause, or the crash message (normalized). */
  readonly reason: string;
  readonly diagnostics?: readonly Diagnostic[];
  /** Schema problems of the manifests (crashed only). */
  readonly problems?: readonly string[];
  /** The rendered YAML (ok only). */
  readonly yaml?: string;
  readonly objects?: number;
  /** ok only: the services left out of the cluster (a conversion in part), sorted. */
  readonly leftOut?: readonly string[];
  /** ok only: how many workloads the plan holds (0: every service was left out). */
  readonly workloads?: number;
}

export interface ConvertOneOptions {
  readonly files: readonly string[];
  readonly cwd: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly projectDirectory?: string;
  /** Skip the Kubernetes schema check (fuzzing speed); crashes are still caught. */
  readonly skipSchema?: boolean;
  readonly io?: LoaderIO;
}

/** A fixed tag so nothing shells out to git and outputs do not depend on the checkout. */
export const FIXED_SHA = '0123456789abcdef0123456789abcdef01234567';

export const CORPUS_ENV: Readonly<Record<string, string>> = { HOME: '/home/user' };

export function convertOne(opts: ConvertOneOptions): Outcome {
  let project: ComposeProject;
  try {
    project = loadProject({ files: [...opts.files], cwd: opts.cwd, env: opts.env ?? CORPUS_ENV, projectDirectory: opts.projectDirectory }, opts.io);
  } catch (e) {
    if (e instanceof ComposeError) return fromComposeError('rejected', e);
    return crashed(e);
  }
  let yaml: string;
  let objects: readonly Record<string, unknown>[];
  let leftOut: string[] = [];
  let workloads = 0;
  try {
    const { settings, plan } = planConversion(project, { env: opts.env ?? CORPUS_ENV, gitSha: () => FIXED_SHA });
    leftOut = (plan.leftOut ?? []).map((l) => l.service);
    workloads = plan.workloads.length;
    // What `synth` writes to dist/: the manifests with release metadata, plus the Kustomization.
    const rendered = renderDist(plan, loadRelease(settings.tag));
    yaml = Object.keys(rendered.files).sort().map((f) => rendered.files[f]).join('');
    objects = rendered.objects;
  } catch (e) {
    if (e instanceof ComposeError) return fromComposeError('refused', e);
    return crashed(e);
  }
  if (!opts.skipSchema) {
    const problems = [...validateManifests(objects), ...oversized(objects)];
    if (problems.length > 0) {
      return { kind: 'crashed', detail: `schema-invalid output: ${problems[0]}${problems.length > 1 ? ` (+${problems.length - 1} more)` : ''}`, reason: `schema-invalid: ${normalizeReason(problems[0].replace(/^[^:]*: /, ''))}`, problems };
    }
  }
  return {
    kind: 'ok', detail: `${objects.length} objects${leftOut.length ? `, left out: ${leftOut.join(', ')}` : ''}`, reason: '', yaml, objects: objects.length,
    ...(leftOut.length ? { leftOut } : {}),
    workloads,
  };
}

/**
 * etcd stores an object in at most 1.5 MiB (and a ConfigMap or Secret holds at most 1 MiB of data):
 * larger objects pass the schema but the API server refuses them.
 */
export const MAX_OBJECT_BYTES = 1024 * 1024;

function oversized(objects: readonly Record<string, unknown>[]): string[] {
  return objects
    .map((o) => ({ o, size: Buffer.byteLength(JSON.stringify(o)) }))
    .filter((x) => x.size > MAX_OBJECT_BYTES)
    .map(({ o, size }) => `${String(o.kind)}/${String((o.metadata as { name?: string } | undefined)?.name)}: object is ${size} bytes, over the ${MAX_OBJECT_BYTES}-byte limit the API server and etcd accept`);
}

function fromComposeError(kind: 'refused' | 'rejected', e: ComposeError): Outcome {
  const errors = e.diagnostics.filter((d) => d.severity === 'error');
  const first = errors[0] ?? e.diagnostics[0];
  const where = first?.location ? `${first.location.file}:${first.location.line}:${first.location.col} ` : '';
  return {
    kind,
    detail: first ? `${where}${first.path ? `${first.path}: ` : ''}${first.message}` : e.message,
    reason: first ? reasonOf(first) : normalizeReason(e.message),
    diagnostics: e.diagnostics,
  };
}

function crashed(e: unknown): Outcome {
  const msg = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  const frame = e instanceof Error ? (e.stack ?? '').split('\n').find((l) => /\/lib\//.test(l))?.trim() : undefined;
  return { kind: 'crashed', detail: `${msg}${frame ? ` (${frame})` : ''}`, reason: `exception: ${normalizeReason(msg)}` };
}

/** The Compose key a diagnostic is about, without service names or indexes: `services.*.volumes`. */
function keyOf(path: string | undefined): string {
  if (!path) return '';
  const parts = path.replace(/\[[^\]]*\]/g, '').split('.');
  if (['services', 'volumes', 'networks', 'secrets', 'configs'].includes(parts[0]) && parts.length > 1) parts[1] = '*';
  return parts.slice(0, 3).join('.');
}

/** Strip the specifics (quoted values, paths, numbers) so similar messages group together. */
export function normalizeReason(message: string): string {
  return message
    .replace(/"[^"]*"/g, '"…"')
    .replace(/'[^']*'/g, "'…'")
    .replace(/(^|[\s(])(\.{0,2}\/|~\/)[^\s,:)]*/g, '$1<path>')
    .replace(/(?<![-\w])\d+\b/g, 'N')
    .replace(/\bservices? [A-Za-z0-9_.-]+/g, 'service …')
    .slice(0, 110);
}

function reasonOf(d: Diagnostic): string {
  const key = keyOf(d.path);
  return `${key ? `${key}: ` : ''}${normalizeReason(d.message)}`;
}
