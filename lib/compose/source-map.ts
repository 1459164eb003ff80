/**
 * Source positions by model path (`services.api.ports[0]`), and the path helpers every phase shares.
 *
 * Paths use `a.b[0].c`; a map key that is not a plain identifier (dots, slashes, spaces...) is
 * written `a["x.y"]` so the path stays unambiguous (labels like `traefik.http.routers`).
 */
import type { SourceLocation } from '../diagnostics';
import type { SourceMap } from './model';

const PLAIN_KEY = /^[A-Za-z0-9_-]+$/;

/** Appends a map key or a sequence index to a path. */
export function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  if (!PLAIN_KEY.test(key)) return `${parent}[${JSON.stringify(key)}]`;
  return parent ? `${parent}.${key}` : key;
}

/** Builds a path from segments. */
export function joinPath(segments: readonly (string | number)[]): string {
  return segments.reduce<string>((acc, s) => childPath(acc, s), '');
}

/** Splits a path built by {@link childPath} back into its segments. */
export function splitPath(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  const re = /([A-Za-z0-9_-]+)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(path)) !== null) {
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(Number(m[2]));
    else out.push(JSON.parse(m[3]) as string);
  }
  return out;
}

/** Converts a JSON pointer (ajv's `instancePath`) to a model path. */
export function pointerToPath(pointer: string): string {
  if (!pointer) return '';
  const segs = pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  return segs.reduce<string>((acc, s) => childPath(acc, /^\d+$/.test(s) ? Number(s) : s), '');
}

/** The parent of a path, or undefined at the root. */
export function parentPath(path: string): string | undefined {
  const segs = splitPath(path);
  if (segs.length === 0) return undefined;
  return joinPath(segs.slice(0, -1));
}

/**
 * Mutable source map. `keys` holds where a map entry's key is (or a sequence item starts);
 * `values` where the value node starts (more precise for scalars inside strings).
 *
 * A map made with `load` is lazy (the fast parse path, parse.ts): its positions are built on the
 * first read of `keys` or `values`; changes asked for before that with {@link whenLoaded} are
 * applied then, in order, so the map ends up as if it had been built eagerly.
 */
export class MutableSourceMap implements SourceMap {
  private k = new Map<string, SourceLocation>();
  private v = new Map<string, SourceLocation>();
  private load: (() => MutableSourceMap) | undefined;
  private deferred: ((map: MutableSourceMap) => void)[] = [];

  /**
   * @param load builds the positions (called at most once, on the first read)
   * @param hasKey whether `keys` will hold a path (answered without building the positions)
   */
  constructor(load?: () => MutableSourceMap, private readonly hasKey?: (path: string) => boolean) {
    this.load = load;
  }

  get keys(): Map<string, SourceLocation> {
    this.materialize();
    return this.k;
  }

  get values(): Map<string, SourceLocation> {
    this.materialize();
    return this.v;
  }

  /** False while a lazy map has not built its positions yet. */
  get loaded(): boolean {
    return this.load === undefined;
  }

  /** Runs `change` now, or when the positions are built. */
  whenLoaded(change: (map: MutableSourceMap) => void): void {
    if (this.load) this.deferred.push(change);
    else change(this);
  }

  /**
   * Like {@link locate} on a key path, but a lazy map answers without building its positions: a
   * location whose fields are read (and the positions built) only when something reads them.
   */
  locateLazily(path: string): SourceLocation | undefined {
    if (this.load === undefined || this.hasKey === undefined || path === '') return this.locate(path);
    if (!this.hasKey(path)) return undefined;
    return lazyLocation(() => this.locate(path));
  }

  /** A copy (as `absorb` into a new map); of a lazy map, a lazy copy that builds from it when read. */
  copy(): MutableSourceMap {
    const eager = (): MutableSourceMap => {
      const out = new MutableSourceMap();
      out.absorb(this, true);
      return out;
    };
    return this.load ? new MutableSourceMap(eager, this.hasKey) : eager();
  }

  private materialize(): void {
    const load = this.load;
    if (!load) return;
    this.load = undefined;
    const built = load();
    this.k = built.keys;
    this.v = built.values;
    const deferred = this.deferred;
    this.deferred = [];
    for (const change of deferred) change(this);
  }

  locate(path: string): SourceLocation | undefined {
    return this.keys.get(path) ?? this.values.get(path);
  }

  /** Where the value of `path` starts (falls back to the key). */
  locateValue(path: string): SourceLocation | undefined {
    return this.values.get(path) ?? this.keys.get(path);
  }

  nearest(path: string): SourceLocation | undefined {
    let p: string | undefined = path;
    while (p !== undefined) {
      const loc = this.locate(p);
      if (loc) return loc;
      if (p === '') return undefined;
      p = parentPath(p);
    }
    return undefined;
  }

  /** Copies every entry of `other` (later wins when `overwrite`). */
  absorb(other: MutableSourceMap, overwrite: boolean): void {
    for (const [k, v] of other.keys) if (overwrite || !this.keys.has(k)) this.keys.set(k, v);
    for (const [k, v] of other.values) if (overwrite || !this.values.has(k)) this.values.set(k, v);
  }

  /** Copies the entries under `fromPrefix` of `other` to `toPrefix` here, keeping existing ones. */
  graft(other: MutableSourceMap, fromPrefix: string, toPrefix: string, overwrite = false): void {
    const move = (src: Map<string, SourceLocation>, dst: Map<string, SourceLocation>) => {
      for (const [k, v] of src) {
        if (k === fromPrefix || k.startsWith(fromPrefix + '.') || k.startsWith(fromPrefix + '[')) {
          const nk = toPrefix + k.slice(fromPrefix.length);
          if (overwrite || !dst.has(nk)) dst.set(nk, v);
        }
      }
    };
    move(other.keys, this.keys);
    move(other.values, this.values);
  }
}

/** A location whose fields come from `get` on the first read (plain, enumerable properties to a reader). */
export function lazyLocation(get: () => SourceLocation | undefined): SourceLocation {
  let got: SourceLocation | undefined;
  const field = <K extends keyof SourceLocation>(name: K) => ({
    enumerable: true,
    get: (): SourceLocation[K] => (got ??= get() ?? { file: '', line: 0, col: 0 })[name],
  });
  return Object.defineProperties({}, { file: field('file'), line: field('line'), col: field('col') }) as SourceLocation;
}
