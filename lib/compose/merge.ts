/**
 * Merging Compose files (`-f a -f b`, multi-document files, extends, include) per the spec's merge
 * rules: mappings merge recursively, scalars are replaced, sequences are appended except where the
 * table below says otherwise; `!reset` removes a value, `!override` replaces it whole.
 *
 * Before merging, the fields that accept "list or mapping" are brought to their mapping form
 * (see {@link canonicalizeService}) so `environment: [A=1]` merges with `environment: {B: 2}`.
 */
import type { MergeTag } from './parse';
import { setOwn } from './parse';
import { childPath, MutableSourceMap, splitPath } from './source-map';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** `list_or_dict` fields of a service, as model sub-paths. */
const LIST_OR_DICT = ['environment', 'labels', 'annotations', 'sysctls', 'build.args', 'build.labels', 'deploy.labels'];

/** Converts `["K=V", "K"]` to `{K: "V", K: null}` (a mapping is returned as is). */
export function listToDict(v: unknown): unknown {
  if (!Array.isArray(v)) return v;
  const out: Obj = {};
  for (const item of v) {
    if (typeof item !== 'string') continue;
    const eq = item.indexOf('=');
    if (eq < 0) setOwn(out, item, null);
    else setOwn(out, item.slice(0, eq), item.slice(eq + 1));
  }
  return out;
}

/** Brings list-or-mapping fields of a service to mapping form (in place on a copy). */
export function canonicalizeService(svc: unknown): unknown {
  if (!isObj(svc)) return svc;
  const out: Obj = { ...svc };
  for (const sub of LIST_OR_DICT) {
    const segs = sub.split('.');
    let holder: Obj | undefined = out;
    for (let i = 0; i < segs.length - 1 && holder; i++) {
      const next: unknown = holder[segs[i]];
      if (!isObj(next)) {
        holder = undefined;
        break;
      }
      const copy = { ...next };
      holder[segs[i]] = copy;
      holder = copy;
    }
    const last = segs[segs.length - 1];
    if (holder && Array.isArray(holder[last])) holder[last] = listToDict(holder[last]);
  }
  if (Array.isArray(out.depends_on)) {
    const deps: Obj = {};
    for (const d of out.depends_on) if (typeof d === 'string') setOwn(deps, d, { condition: 'service_started', required: true });
    out.depends_on = deps;
  }
  if (Array.isArray(out.networks)) {
    const nets: Obj = {};
    for (const n of out.networks) if (typeof n === 'string') setOwn(nets, n, null);
    out.networks = nets;
  }
  return out;
}

/** Canonicalizes every service of a file. */
export function canonicalizeFile(data: unknown): unknown {
  if (!isObj(data) || !isObj(data.services)) return data;
  const services: Obj = {};
  for (const [k, v] of Object.entries(data.services)) setOwn(services, k, canonicalizeService(v));
  return { ...data, services };
}

type SeqRule = 'replace' | 'append' | ((item: unknown) => string);

function portKey(item: unknown): string {
  if (isObj(item)) return `${item.host_ip ?? ''}:${item.published ?? ''}:${item.target ?? ''}/${item.protocol ?? 'tcp'}`;
  return String(item);
}

function volumeTarget(item: unknown): string {
  if (isObj(item)) return String(item.target ?? JSON.stringify(item));
  const parts = String(item).split(':');
  return parts.length >= 2 ? parts[1] : parts[0];
}

function fileRefKey(item: unknown): string {
  return isObj(item) ? String(item.source) : String(item);
}

const unique = (item: unknown): string => JSON.stringify(item);

/** Sequence rules for keys directly under a service (and a few nested ones). */
const SERVICE_SEQUENCES: Record<string, SeqRule> = {
  command: 'replace',
  entrypoint: 'replace',
  'healthcheck.test': 'replace',
  ports: portKey,
  volumes: volumeTarget,
  secrets: fileRefKey,
  configs: fileRefKey,
  expose: unique,
  dns: unique,
  dns_search: unique,
  dns_opt: unique,
  env_file: (i) => (isObj(i) ? String(i.path) : String(i)),
  label_file: unique,
  tmpfs: unique,
  cap_add: unique,
  cap_drop: unique,
  devices: unique,
  security_opt: unique,
  external_links: unique,
  links: unique,
  volumes_from: unique,
  extra_hosts: unique,
  profiles: unique,
  group_add: unique,
  'build.cache_from': unique,
  'build.cache_to': unique,
  'build.tags': unique,
  'build.platforms': unique,
};

function ruleFor(path: string): SeqRule {
  const segs = splitPath(path);
  if (segs[0] === 'services' && segs.length >= 3) {
    const sub = segs.slice(2).join('.');
    return SERVICE_SEQUENCES[sub] ?? 'append';
  }
  return 'append';
}

function mergeSeq(base: unknown[], over: unknown[], rule: SeqRule): unknown[] {
  if (rule === 'replace') return over;
  if (rule === 'append') return [...base, ...over];
  const out = [...base];
  const index = new Map<string, number>();
  out.forEach((v, i) => index.set(rule(v), i));
  for (const v of over) {
    const k = rule(v);
    const at = index.get(k);
    if (at === undefined) {
      index.set(k, out.length);
      out.push(v);
    } else out[at] = v;
  }
  return out;
}

/**
 * Merges `over` onto `base` (both already canonicalized). `tags` are the `!reset` / `!override`
 * tags of `over`, by path relative to the document root (`path` is where we are).
 */
export function mergeValues(base: unknown, over: unknown, tags: ReadonlyMap<string, MergeTag>, path = ''): unknown {
  const tag = tags.get(path);
  if (tag === 'override') return over;
  if (isObj(base) && isObj(over)) {
    const out: Obj = { ...base };
    for (const [k, v] of Object.entries(over)) {
      const p = childPath(path, k);
      if (tags.get(p) === 'reset') {
        delete out[k];
        continue;
      }
      setOwn(out, k, Object.prototype.hasOwnProperty.call(base, k) ? mergeValues(base[k], v, tags, p) : stripResets(v, tags, p));
    }
    return out;
  }
  if (Array.isArray(base) && Array.isArray(over)) return mergeSeq(base, over, ruleFor(path));
  if (over === null && base !== undefined && !tags.has(path)) return base; // `key:` with no value keeps the base
  return over;
}

/** Drops `!reset` entries from a value that has nothing to merge with. */
function stripResets(v: unknown, tags: ReadonlyMap<string, MergeTag>, path: string): unknown {
  if (tags.size === 0) return v;
  if (isObj(v)) {
    const out: Obj = {};
    for (const [k, x] of Object.entries(v)) {
      const p = childPath(path, k);
      if (tags.get(p) !== 'reset') setOwn(out, k, stripResets(x, tags, p));
    }
    return out;
  }
  return v;
}

/**
 * Gives the mapping-form paths that {@link canonicalizeService} creates (`environment.KEY`,
 * `depends_on.db`, `networks.front`) the positions of the list items they came from.
 */
export function recordCanonicalPositions(data: unknown, sourceMap: MutableSourceMap): void {
  if (!isObj(data) || !isObj(data.services)) return;
  // The paths are read now, the positions copied when the map has them (a lazy map: source-map.ts).
  const moves: [from: string, to: string][] = [];
  for (const [name, svc] of Object.entries(data.services)) {
    if (!isObj(svc)) continue;
    const at = childPath('services', name);
    const fields = [...LIST_OR_DICT, 'depends_on', 'networks'];
    for (const sub of fields) {
      let v: unknown = svc;
      for (const seg of sub.split('.')) v = isObj(v) ? v[seg] : undefined;
      if (!Array.isArray(v)) continue;
      const base = sub.split('.').reduce((p, s) => childPath(p, s), at);
      v.forEach((item, i) => {
        if (typeof item !== 'string') return;
        const key = LIST_OR_DICT.includes(sub) ? item.split('=')[0] : item;
        const from = childPath(base, i);
        const to = childPath(base, key);
        moves.push([from, to]);
      });
    }
  }
  if (moves.length === 0) return;
  sourceMap.whenLoaded((map) => {
    for (const [from, to] of moves) {
      const k = map.keys.get(from);
      const val = map.values.get(from);
      if (k && !map.keys.has(to)) map.keys.set(to, k);
      if (val && !map.values.has(to)) map.values.set(to, val);
    }
  });
}
