/**
 * Rebasing relative paths of a service or a whole file onto a directory, for services taken from
 * another file by `extends: {file}` and for `include`d projects: their relative paths are relative
 * to their own directory, not to the including project's.
 */
import * as path from 'path';
import { isRemoteContext } from './normalize/build';
import { setOwn } from './parse';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

function rel(p: string): boolean {
  return p.startsWith('.') && !path.isAbsolute(p);
}

function abs(p: string, dir: string): string {
  return rel(p) ? path.resolve(dir, p) : p;
}

/** A relative path that is not a bind-looking volume source stays as is (`data` is a volume name). */
function rebaseVolume(v: unknown, dir: string): unknown {
  if (typeof v === 'string') {
    const i = v.indexOf(':');
    if (i > 0 && rel(v.slice(0, i))) return abs(v.slice(0, i), dir) + v.slice(i);
    return v;
  }
  // Long-syntax bind: every source is a host path, `./` or not (`file.yaml` too); `~` stays for HOME.
  if (isObj(v) && v.type === 'bind' && typeof v.source === 'string') {
    const src = v.source;
    const keep = path.isAbsolute(src) || src.startsWith('~') || /^[A-Za-z]:[\\/]/.test(src) || src.startsWith('\\\\');
    return keep ? v : { ...v, source: path.resolve(dir, src) };
  }
  return v;
}

function rebaseEnvFile(v: unknown, dir: string): unknown {
  const one = (x: unknown): unknown => {
    if (typeof x === 'string') return path.resolve(dir, x);
    if (isObj(x) && typeof x.path === 'string') return { ...x, path: path.resolve(dir, x.path) };
    return x;
  };
  return Array.isArray(v) ? v.map(one) : one(v);
}

export function rebaseService(svc: unknown, dir: string): unknown {
  if (!isObj(svc)) return svc;
  const out: Obj = { ...svc };
  if (typeof out.build === 'string') out.build = isRemoteContext(out.build) ? out.build : path.resolve(dir, out.build);
  else if (isObj(out.build)) {
    const ctx = typeof out.build.context === 'string' ? out.build.context : '.';
    out.build = { ...out.build, context: isRemoteContext(ctx) ? ctx : path.resolve(dir, ctx) };
  }
  if (Array.isArray(out.volumes)) out.volumes = out.volumes.map((v) => rebaseVolume(v, dir));
  if (out.env_file !== undefined) out.env_file = rebaseEnvFile(out.env_file, dir);
  if (Array.isArray(out.label_file)) out.label_file = out.label_file.map((x) => (typeof x === 'string' ? path.resolve(dir, x) : x));
  else if (typeof out.label_file === 'string') out.label_file = path.resolve(dir, out.label_file);
  return out;
}

/** Rebases every service and the `file:` of top-level secrets / configs. */
export function rebaseFile(data: unknown, dir: string): unknown {
  if (!isObj(data)) return data;
  const out: Obj = { ...data };
  if (isObj(out.services)) {
    const services: Obj = {};
    for (const [k, v] of Object.entries(out.services)) setOwn(services, k, rebaseService(v, dir));
    out.services = services;
  }
  for (const kind of ['secrets', 'configs']) {
    const top = out[kind];
    if (!isObj(top)) continue;
    const next: Obj = {};
    for (const [k, v] of Object.entries(top)) {
      setOwn(next, k, isObj(v) && typeof v.file === 'string' ? { ...v, file: path.resolve(dir, v.file) } : v);
    }
    out[kind] = next;
  }
  return out;
}
