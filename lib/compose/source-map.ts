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
  const seg = PLAIN_KEY.test(key) ? key : `[${JSON.stringify(key)}]`;
  if (!parent) return seg.startsWith('[') ? seg : seg;
  return seg.startsWith('[') ? `${parent}${seg}` : `${parent}.${seg}`;
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
 */
export class MutableSourceMap implements SourceMap {
  readonly keys = new Map<string, SourceLocation>();
  readonly values = new Map<string, SourceLocation>();

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
