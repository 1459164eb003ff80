/**
 * Phase 3: validation against the official compose-spec JSON schema (vendored in schema/) with ajv,
 * with ajv's errors turned into one friendly diagnostic per problem, placed at file:line:col.
 */
import type { ErrorObject, Options } from 'ajv';
import type { Diagnostic } from '../diagnostics';
import { error } from '../diagnostics';
import { SchemaSet, validatorsOf } from '../schemas/schema-set';
import rawSchema from './schema/compose-spec.json';
import { childPath, MutableSourceMap, pointerToPath, splitPath } from './source-map';
import type { MergeTag } from './parse';

/** ajv options of the Compose and x-k8s schemas (verbose: the diagnostics read `parentSchema`). */
export const AJV_OPTIONS: Readonly<Options> = { allErrors: true, strict: false, allowUnionTypes: true, verbose: true };

function withoutUniqueItems(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutUniqueItems);
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) if (k !== 'uniqueItems') out[k] = withoutUniqueItems(x);
  return out;
}

/** The vendored compose-spec schema as ajv compiles it. */
export function composeSpecSchema(): Record<string, unknown> {
  // Without `uniqueItems`: Compose removes duplicate list items before validating (compose-go's
  // EnforceUnicity), so `ports: ["80:80", "80:80"]` loads; normalize/ drops the repeats.
  const schema = withoutUniqueItems(rawSchema) as Record<string, unknown>;
  delete schema.$schema; // draft-07, ajv's default; the https URI form is not registered in ajv
  return schema;
}

/** Compiled at run time from the sources, precompiled in the bundle (lib/schemas/). */
export const COMPOSE_SPEC_SCHEMA: SchemaSet<'validate'> = {
  name: 'compose-spec',
  options: AJV_OPTIONS,
  schema: composeSpecSchema,
  refs: { validate: 'compose-spec' },
};

/** Levenshtein distance (small strings only). */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}

/** The closest candidate to `word`, if close enough to be a plausible typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of [...candidates].sort()) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  const limit = Math.max(2, Math.floor(word.length / 3));
  return best !== undefined && bestD <= limit ? best : undefined;
}

/**
 * `data` as validated: without the subtrees tagged `!reset` and with a numeric `version` as a
 * string. A copy when something changes (ajv only reads), else `data` itself.
 */
function prepare(data: unknown, tags: ReadonlyMap<string, MergeTag>): unknown {
  const numericVersion = !!data && typeof data === 'object' && typeof (data as Record<string, unknown>).version === 'number';
  if (![...tags.values()].includes('reset')) {
    return numericVersion ? { ...(data as Record<string, unknown>), version: String((data as Record<string, unknown>).version) } : data;
  }
  const copy = structuredClone(data) as Record<string, unknown>;
  for (const [path, tag] of tags) {
    if (tag !== 'reset') continue;
    const segs = splitPath(path);
    let parent: unknown = copy;
    for (const s of segs.slice(0, -1)) parent = parent && typeof parent === 'object' ? (parent as Record<string, unknown>)[s as string] : undefined;
    const last = segs[segs.length - 1];
    if (parent && typeof parent === 'object' && last !== undefined) {
      if (Array.isArray(parent) && typeof last === 'number') parent[last] = null;
      else delete (parent as Record<string, unknown>)[last as string];
    }
  }
  if (copy && typeof copy === 'object' && typeof copy.version === 'number') copy.version = String(copy.version);
  return copy;
}

function describeType(t: unknown): string {
  const names: Record<string, string> = { object: 'a mapping', array: 'a list', string: 'a string', number: 'a number', integer: 'an integer', boolean: 'a boolean', null: 'null' };
  const list = (Array.isArray(t) ? t : [t]).map((x) => names[String(x)] ?? String(x));
  return [...new Set(list)].join(' or ');
}

function isUnder(p: string, base: string): boolean {
  return p === base || p.startsWith(base + '/');
}

/**
 * Validates one file's (interpolated) data. Returns diagnostics (errors), empty when valid.
 */
export function validateSchema(data: unknown, sourceMap: MutableSourceMap, tags: ReadonlyMap<string, MergeTag> = new Map()): Diagnostic[] {
  if (data === null || data === undefined) return [];
  const validate = validatorsOf(COMPOSE_SPEC_SCHEMA).validate;
  if (validate(prepare(data, tags))) return [];
  const errors = (validate.errors ?? []) as ErrorObject[];
  const explained = explain(errors, sourceMap);
  if (explained.length) return explained;
  // Only combinator errors (e.g. a value matching two oneOf branches): report ajv's own words.
  const e = errors[0];
  const path = pointerToPath(e?.instancePath ?? '');
  return [error(e?.message ?? 'does not match the Compose schema', { path: path || undefined, location: sourceMap.nearest(path) })];
}

function explain(errors: ErrorObject[], sourceMap: MutableSourceMap): Diagnostic[] {
  const meaningful = errors.filter((e) => !['oneOf', 'anyOf', 'if', 'not'].includes(e.keyword) || errors.length === 1);
  const nonType = meaningful.filter((e) => e.keyword !== 'type' && e.keyword !== 'oneOf' && e.keyword !== 'anyOf');
  // A value of the right shape with a bad part is reported at the part, not as "must be string".
  const kept = meaningful.filter((e) => {
    if (e.keyword !== 'type') return true;
    if (nonType.some((o) => isUnder(o.instancePath, e.instancePath))) return false;
    // Another oneOf branch matched the shape and went deeper: report that, not this branch's type.
    return !meaningful.some((o) => o.instancePath !== e.instancePath && isUnder(o.instancePath, e.instancePath));
  });
  const out = new Map<string, Diagnostic>();
  const typeByPath = new Map<string, Set<string>>();
  for (const e of kept) {
    if (e.keyword === 'type') {
      const set = typeByPath.get(e.instancePath) ?? new Set<string>();
      for (const t of Array.isArray(e.params.type) ? e.params.type : String(e.params.type).split(',')) set.add(String(t));
      typeByPath.set(e.instancePath, set);
    }
  }
  for (const e of kept) {
    const basePath = pointerToPath(e.instancePath);
    let path = basePath;
    let message: string;
    let hint: string | undefined;
    let keyLevel = true;
    switch (e.keyword) {
      case 'additionalProperties': {
        const key = String(e.params.additionalProperty);
        path = childPath(basePath, key);
        const parent = (e.parentSchema ?? {}) as { properties?: object; patternProperties?: object };
        const props = Object.keys(parent.properties ?? {});
        const namePattern = Object.keys(parent.patternProperties ?? {}).find((p) => !p.startsWith('^x-'));
        if (namePattern && props.length === 0) {
          message = `invalid name "${key}"`;
          hint = `names must match ${namePattern}`;
          break;
        }
        const guess = closest(key, props);
        message = `unknown key "${key}"`;
        hint = guess ? `did you mean "${guess}"?` : key.startsWith('x') ? 'extension keys must start with "x-"' : undefined;
        break;
      }
      case 'type':
        message = `must be ${describeType([...(typeByPath.get(e.instancePath) ?? [])])}`;
        keyLevel = false;
        break;
      case 'required':
        message = `missing required key "${String(e.params.missingProperty)}"`;
        break;
      case 'enum':
        message = `must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
        keyLevel = false;
        break;
      case 'const':
        message = `must be ${JSON.stringify(e.params.allowedValue)}`;
        keyLevel = false;
        break;
      case 'uniqueItems':
        message = `must not contain duplicate items (items ${e.params.j} and ${e.params.i} are equal)`;
        break;
      case 'pattern':
        message = `must match the pattern ${String(e.params.pattern)}`;
        keyLevel = false;
        break;
      case 'propertyNames':
        message = `has an invalid key "${String(e.params.propertyName)}"`;
        break;
      default:
        message = e.message ?? `fails the ${e.keyword} rule`;
    }
    const location = (keyLevel ? sourceMap.locate(path) : sourceMap.locateValue(path)) ?? sourceMap.nearest(path);
    const d = error(message, { path: path || undefined, location, hint });
    const id = `${path}\u0000${message}`;
    if (!out.has(id)) out.set(id, d);
  }
  return [...out.values()];
}
