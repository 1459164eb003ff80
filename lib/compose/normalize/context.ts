/**
 * What every normalizer needs: where relative paths resolve, how variables resolve, where each
 * model path came from, and a sink for diagnostics.
 */
import * as path from 'path';
import type { Diagnostic } from '../../diagnostics';
import { error, warning } from '../../diagnostics';
import type { MutableSourceMap } from '../source-map';

export interface NormalizeContext {
  readonly projectDirectory: string;
  readonly projectName: string;
  /** Project environment: injected env over the .env file(s). */
  readonly lookup: (name: string) => string | undefined;
  readonly sourceMap: MutableSourceMap;
  readonly diagnostics: Diagnostic[];
  /** Reads a text file; throws a NodeJS.ErrnoException like fs.readFileSync. */
  readonly readFile: (file: string) => string;
  readonly exists: (file: string) => boolean;
}

export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function fail(ctx: NormalizeContext, at: string, message: string, hint?: string): void {
  ctx.diagnostics.push(error(message, { path: at, location: ctx.sourceMap.locateValue(at) ?? ctx.sourceMap.nearest(at), hint }));
}

/** Like {@link fail}, placed at the key (better for a whole mapping, e.g. a service). */
export function failAtKey(ctx: NormalizeContext, at: string, message: string, hint?: string): void {
  ctx.diagnostics.push(error(message, { path: at, location: ctx.sourceMap.nearest(at), hint }));
}

export function warn(ctx: NormalizeContext, at: string, message: string, hint?: string): void {
  ctx.diagnostics.push(warning(message, { path: at, location: ctx.sourceMap.locateValue(at) ?? ctx.sourceMap.nearest(at), hint }));
}

/** Scalar to string the way Compose prints it (`true`, `8080`); null/undefined stay undefined. */
export function str(v: unknown): string | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/** `true`/`false` from a boolean or its string form (interpolated values are strings). */
export function bool(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase();
    if (['true', 'yes', 'y', 'on', '1'].includes(s)) return true;
    if (['false', 'no', 'n', 'off', '0', ''].includes(s)) return false;
  }
  return undefined;
}

/** Integer from a number or a numeric string. */
export function int(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^\s*-?\d+\s*$/.test(v)) return Number(v);
  return undefined;
}

/** Expands `~` and resolves a host path against `base`. */
export function resolveHostPath(p: string, base: string, lookup: (n: string) => string | undefined): string {
  let s = p;
  if (s === '~' || s.startsWith('~/')) {
    const home = lookup('HOME') ?? lookup('USERPROFILE');
    if (home) s = path.join(home, s.slice(1));
  }
  return path.isAbsolute(s) ? path.normalize(s) : path.resolve(base, s);
}

/** `list_or_dict` to a string map (null values kept as null). */
export function dict(v: unknown): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  if (Array.isArray(v)) {
    for (const item of v) {
      const s = str(item);
      if (s === undefined) continue;
      const eq = s.indexOf('=');
      if (eq < 0) out[s] = null;
      else out[s.slice(0, eq)] = s.slice(eq + 1);
    }
  } else if (isObj(v)) {
    for (const [k, x] of Object.entries(v)) out[k] = str(x) ?? null;
  }
  return out;
}

/** A string map with nulls turned to '' (labels). */
export function stringDict(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(dict(v))) out[k] = x ?? '';
  return sortKeys(out);
}

export function sortKeys<T>(o: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const k of Object.keys(o).sort()) out[k] = o[k];
  return out;
}

/** `x-*` keys of a mapping. */
export function extensionsOf(v: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (isObj(v)) for (const k of Object.keys(v).sort()) if (k.startsWith('x-')) out[k] = v[k];
  return out;
}

/**
 * A list without exact repeats, first occurrence kept: Compose removes duplicate items of service
 * lists (ports, expose, volumes, secrets, ...) instead of rejecting them.
 */
export function dedupeExact<T>(list: readonly T[]): T[] {
  const seen = new Set<string>();
  return list.filter((x) => {
    const key = JSON.stringify(x);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
