/**
 * The differential run: for one corpus file, load it with Docker Compose v2 (the oracle) and with
 * our loader under the same clean environment and project directory, then compare field by field
 * after normalizing both sides (normalize.ts). Differences listed in allow-list.ts are counted as
 * agreeing-by-design and reported separately.
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadProject } from '../../../lib/compose';
import { ComposeError, Diagnostic } from '../../../lib/diagnostics';
import { toolPath } from '../../oracles/tools';
import { modelJson, projectCompose } from './model-json';
import { SERVICE_FIELDS, SERVICE_NORMALIZERS, normTopNamed, normTopResource, stableJson, TOP_FIELDS, unescapeDollars, usedResources, usedVolumes } from './normalize';

export const CORPUS = path.resolve(__dirname, '../../fixtures/corpus');

/** The environment both loaders see (Compose also gets PATH and a throwaway DOCKER_CONFIG). */
export const CLEAN_ENV: Readonly<Record<string, string>> = { HOME: '/home/test' };

export interface CorpusEntry {
  /** Path relative to the corpus root, as in INDEX.md. */
  readonly file: string;
  /** Listed under "invalid" in INDEX.md. */
  readonly invalid: boolean;
}

/** Every compose file listed in INDEX.md (valid and invalid sections). */
export function corpusEntries(): CorpusEntry[] {
  const text = fs.readFileSync(path.join(CORPUS, 'INDEX.md'), 'utf8');
  const out: CorpusEntry[] = [];
  let invalid = false;
  for (const line of text.split('\n')) {
    if (/^## invalid/.test(line)) invalid = true;
    else if (/^## /.test(line)) invalid = false;
    const m = /^- `([^`]+)`/.exec(line);
    if (m) out.push({ file: m[1], invalid });
  }
  return out;
}

export interface OracleResult {
  readonly ok: boolean;
  readonly json: any;
  readonly stderr: string;
}

/** `docker-compose -f <file> config --format json`, asynchronously (for a small worker pool). */
export function runCompose(absFile: string): Promise<OracleResult> {
  const bin = toolPath('docker-compose');
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'diff-compose-'));
  return new Promise((resolve) => {
    execFile(
      bin,
      ['-f', absFile, 'config', '--format', 'json'],
      {
        cwd: path.dirname(absFile),
        timeout: 30000,
        maxBuffer: 64 * 1024 * 1024,
        env: { PATH: '/usr/bin:/bin', DOCKER_CONFIG: path.join(home, '.docker'), ...CLEAN_ENV },
      },
      (err, stdout, stderr) => {
        fs.rmSync(home, { recursive: true, force: true });
        let json: any;
        if (!err) {
          try {
            json = JSON.parse(stdout);
          } catch {
            json = undefined;
          }
        }
        resolve({ ok: !err && json !== undefined, json, stderr: String(stderr) });
      },
    );
  });
}

export interface OursResult {
  readonly ok: boolean;
  readonly json?: Record<string, any>;
  readonly diagnostics: readonly Diagnostic[];
  /** A non-ComposeError exception (a loader crash). */
  readonly crash?: string;
}

export function runOurs(absFile: string): OursResult {
  try {
    const p = loadProject({ files: [absFile], env: { ...CLEAN_ENV }, cwd: path.dirname(absFile) });
    // From the typed model only (model-json.ts), never from the raw input.
    return { ok: true, json: modelJson(p) as Record<string, any>, diagnostics: [] };
  } catch (e) {
    if (e instanceof ComposeError) return { ok: false, diagnostics: e.diagnostics };
    return { ok: false, diagnostics: [], crash: String(e instanceof Error ? e.stack : e) };
  }
}

/** One compared field: `services.web.ports`, `secrets.token`, or `services` (the name set). */
export interface FieldResult {
  readonly path: string;
  readonly agree: boolean;
  /** The difference is listed in the allow-list (counts as agreeing; reason attached). */
  readonly allowed?: string;
  readonly compose: string;
  readonly ours: string;
}

export type FileOutcome = 'agree' | 'both-reject' | 'disagree' | 'only-compose-rejects' | 'only-we-reject';

export interface FileResult {
  readonly file: string;
  readonly outcome: FileOutcome;
  /** For a one-sided rejection: the allow-list reason, if listed. */
  readonly allowed?: string;
  readonly fields: readonly FieldResult[];
  readonly compose: OracleResult;
  readonly ours: OursResult;
  /** Keys of Compose's output the typed model has no field for (dotted path → count), left out of the comparison. */
  readonly unmodelled: ReadonlyMap<string, number>;
}

export type AllowList = Readonly<Record<string, Readonly<Record<string, string>>>>;

/**
 * Field-by-field comparison of two successful loads. Compose's output is first cut to the keys the
 * typed model carries (model-json.ts); the keys cut away are counted in `unmodelled`.
 */
export function compareProjects(file: string, composeRaw: any, ours: Record<string, any>, allow: AllowList, unmodelled: Map<string, number> = new Map()): FieldResult[] {
  const compose = projectCompose(unescapeDollars(composeRaw), unmodelled) as any;
  const fields: FieldResult[] = [];
  const allowed = allow[file] ?? {};
  const push = (p: string, c: unknown, o: unknown) => {
    const cj = stableJson(c);
    const oj = stableJson(o);
    const agree = cj === oj;
    fields.push({ path: p, agree, allowed: agree ? undefined : allowed[p], compose: cj, ours: oj });
  };
  const cs: Record<string, any> = compose.services ?? {};
  const os_: Record<string, any> = ours.services ?? {};
  push('services', Object.keys(cs).sort(), Object.keys(os_).sort());
  for (const name of Object.keys(cs).sort()) {
    if (!(name in os_)) continue;
    for (const f of SERVICE_FIELDS) push(`services.${name}.${f}`, SERVICE_NORMALIZERS[f](cs[name][f]), SERVICE_NORMALIZERS[f](os_[name][f]));
  }
  for (const top of TOP_FIELDS) {
    const c: Record<string, unknown> = compose[top] ?? {};
    const o: Record<string, unknown> = ours[top] ?? {};
    if (top === 'secrets' || top === 'configs') {
      const used = new Set([...usedResources(compose, top), ...usedResources(ours, top)]);
      for (const k of [...new Set([...Object.keys(c), ...Object.keys(o)])].filter((x) => used.has(x)).sort()) push(`${top}.${k}`, normTopResource(c[k]), normTopResource(o[k]));
    } else {
      // Compose's `config` drops volumes no enabled service mounts; networks are all compared.
      const used = top === 'volumes' ? new Set([...usedVolumes(compose), ...usedVolumes(ours)]) : undefined;
      for (const k of [...new Set([...Object.keys(c), ...Object.keys(o)])].filter((x) => !used || used.has(x)).sort()) push(`${top}.${k}`, normTopNamed(c[k]), normTopNamed(o[k]));
    }
  }
  return fields;
}

/** Allow-list key for "Compose and we disagree on accepting the file at all". */
export const OUTCOME_KEY = '$outcome';

/**
 * Hand-written edge cases (cases/<name>/compose.yaml), run through the same harness; their
 * entries are `cases/<name>/compose.yaml`, relative to CASES_ROOT.
 */
export const CASES_ROOT = __dirname;

export function caseEntries(): CorpusEntry[] {
  return fs
    .readdirSync(path.join(CASES_ROOT, 'cases'), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => ({ file: `cases/${e.name}/compose.yaml`, invalid: false }))
    .sort((a, b) => (a.file < b.file ? -1 : 1));
}

/** `root`: the folder `entry.file` is relative to (the corpus, or CASES_ROOT). */
export async function compareFile(entry: CorpusEntry, allow: AllowList, root: string = CORPUS): Promise<FileResult> {
  const abs = path.join(root, entry.file);
  const compose = await runCompose(abs);
  const ours = runOurs(abs);
  const unmodelled = new Map<string, number>();
  if (!compose.ok && !ours.ok) return { file: entry.file, outcome: 'both-reject', fields: [], compose, ours, unmodelled };
  if (!compose.ok || !ours.ok) {
    const outcome = compose.ok ? 'only-we-reject' : 'only-compose-rejects';
    return { file: entry.file, outcome, allowed: allow[entry.file]?.[OUTCOME_KEY], fields: [], compose, ours, unmodelled };
  }
  const fields = compareProjects(entry.file, compose.json, ours.json!, allow, unmodelled);
  const outcome = fields.every((f) => f.agree || f.allowed) ? 'agree' : 'disagree';
  return { file: entry.file, outcome, fields, compose, ours, unmodelled };
}

/** Runs `fn` over `items` with at most `size` in flight; results in input order. */
export async function pool<T, R>(items: readonly T[], size: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
  return out;
}

export interface Summary {
  readonly files: number;
  /** Files where both accept and every field agrees, or both reject. */
  readonly agreeingFiles: number;
  /** Files that differ only in allow-listed ways. */
  readonly allowedFiles: number;
  readonly fields: number;
  readonly agreeingFields: number;
  readonly allowedFields: number;
  /** Compared fields where at least one side has a value (absent on both sides is not a comparison). */
  readonly nonEmptyFields: number;
  /** Of those, the ones that agree exactly. */
  readonly nonEmptyAgreeing: number;
}

export function summarize(results: readonly FileResult[]): Summary {
  let fields = 0;
  let agreeingFields = 0;
  let allowedFields = 0;
  let nonEmptyFields = 0;
  let nonEmptyAgreeing = 0;
  for (const r of results)
    for (const f of r.fields) {
      fields++;
      if (f.agree) agreeingFields++;
      else if (f.allowed) allowedFields++;
      if (f.compose !== 'undefined' || f.ours !== 'undefined') {
        nonEmptyFields++;
        if (f.agree) nonEmptyAgreeing++;
      }
    }
  return {
    files: results.length,
    agreeingFiles: results.filter((r) => r.outcome === 'both-reject' || (r.outcome === 'agree' && r.fields.every((f) => f.agree))).length,
    allowedFiles: results.filter((r) => (r.outcome === 'agree' && !r.fields.every((f) => f.agree)) || r.allowed).length,
    fields,
    agreeingFields,
    allowedFields,
    nonEmptyFields,
    nonEmptyAgreeing,
  };
}
