/**
 * Service `volumes` (short `SOURCE:TARGET[:MODE]` and long syntax) and service-level `tmpfs`.
 * A short source that starts with `/`, `.`, `~` (or a Windows drive) is a bind mount, resolved
 * against the project directory; anything else names a volume.
 */
import * as path from 'path';
import type { TmpfsMount, VolumeMount, VolumeType } from '../model';
import { childPath } from '../source-map';
import { parseSize } from '../units';
import { bool, dedupeExact, fail, isObj, NormalizeContext, resolveHostPath, str } from './context';

const TYPES: readonly VolumeType[] = ['volume', 'bind', 'tmpfs', 'npipe', 'cluster', 'image'];

function isHostPath(s: string): boolean {
  return s.startsWith('/') || s.startsWith('.') || s.startsWith('~') || /^[A-Za-z]:[\\/]/.test(s) || s.startsWith('\\\\');
}

/** Container path cleaned like Go's `path.Clean`, as Compose does (`/data/` -> `/data`). */
export function cleanTarget(t: string): string {
  const n = path.posix.normalize(t);
  return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n;
}

/**
 * Bind source on the host: an absolute path (POSIX, Windows drive or UNC) is kept exactly as
 * written, as Compose does; `~` and relative paths resolve against HOME / the project directory.
 */
function bindSource(s: string, ctx: NormalizeContext): string {
  if (s.startsWith('/') || /^[A-Za-z]:[\\/]/.test(s) || s.startsWith('\\\\')) return s;
  return resolveHostPath(s, ctx.projectDirectory, ctx.lookup);
}

/** Splits `SOURCE:TARGET:MODE`, keeping a Windows drive letter (`C:\x`) together. */
function splitVolumeSpec(spec: string): string[] {
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < spec.length; i++) {
    const c = spec[i];
    if (c === ':' && !(cur.length === 1 && /[A-Za-z]/.test(cur) && /[\\/]/.test(spec[i + 1] ?? ''))) {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  parts.push(cur);
  return parts;
}

export function parseVolumeShort(spec: string, ctx: NormalizeContext, at: string): VolumeMount | undefined {
  const parts = splitVolumeSpec(spec);
  if (parts.length === 1) {
    if (!parts[0]) {
      fail(ctx, at, 'empty volume specification');
      return undefined;
    }
    return { type: 'volume', target: cleanTarget(parts[0]), readOnly: false };
  }
  if (parts.length > 3 || !parts[0] || !parts[1]) {
    fail(ctx, at, `invalid volume specification "${spec}"`, 'write "SOURCE:TARGET[:MODE]", e.g. "./data:/data:ro" or "dbdata:/var/lib/db"');
    return undefined;
  }
  const [source, rawTarget, mode = ''] = parts;
  const target = cleanTarget(rawTarget);
  const opts = mode.split(',').filter(Boolean);
  const readOnly = opts.includes('ro');
  const selinux = opts.includes('z') ? 'z' : opts.includes('Z') ? 'Z' : undefined;
  if (isHostPath(source)) {
    return {
      type: 'bind',
      source: bindSource(source, ctx),
      sourceAsWritten: source,
      target,
      readOnly,
      createHostPath: true,
      ...(selinux ? { selinux } : {}),
    };
  }
  return { type: 'volume', source, sourceAsWritten: source, target, readOnly, ...(selinux ? { selinux } : {}) };
}

export function normalizeVolumes(value: unknown, at: string, ctx: NormalizeContext): VolumeMount[] {
  if (!Array.isArray(value)) return [];
  const out: VolumeMount[] = [];
  value.forEach((item, i) => {
    const p = childPath(at, i);
    if (typeof item === 'string') {
      const v = parseVolumeShort(item, ctx, p);
      if (v) out.push(v);
      return;
    }
    if (!isObj(item)) return;
    const type = (str(item.type) ?? 'volume') as VolumeType;
    if (!TYPES.includes(type)) {
      fail(ctx, childPath(p, 'type'), `unknown volume type "${type}"`, `use one of ${TYPES.join(', ')}`);
      return;
    }
    const target = str(item.target);
    if (!target) {
      fail(ctx, p, 'volume is missing "target"', 'give the path inside the container');
      return;
    }
    const sourceRaw = str(item.source);
    const bind = isObj(item.bind) ? item.bind : {};
    const volume = isObj(item.volume) ? item.volume : {};
    const tmpfs = isObj(item.tmpfs) ? item.tmpfs : {};
    const selinux = str(bind.selinux);
    let source: string | undefined = sourceRaw || undefined;
    if (type === 'bind') {
      if (!sourceRaw) {
        fail(ctx, p, 'bind mount is missing "source"');
        return;
      }
      source = bindSource(sourceRaw, ctx);
    }
    const tmpfsSize = tmpfs.size !== undefined ? parseSize(tmpfs.size) : undefined;
    if (tmpfs.size !== undefined && tmpfsSize === undefined) fail(ctx, childPath(childPath(p, 'tmpfs'), 'size'), `invalid size "${String(tmpfs.size)}"`, 'write bytes or a size like "64m"');
    out.push({
      type,
      ...(source !== undefined ? { source } : {}),
      ...(sourceRaw ? { sourceAsWritten: sourceRaw } : {}),
      target: cleanTarget(target),
      readOnly: bool(item.read_only) ?? false,
      ...(str(volume.subpath) ? { subpath: str(volume.subpath) } : {}),
      ...(tmpfsSize !== undefined ? { tmpfsSize } : {}),
      // Long syntax: Docker creates a missing host path only when asked (short syntax always does).
      ...(type === 'bind' ? { createHostPath: bool(bind.create_host_path) ?? false } : {}),
      ...(selinux === 'z' || selinux === 'Z' ? { selinux } : {}),
    });
  });
  return dedupeExact(out);
}

/** Service-level `tmpfs`: `/run` or `/run:size=64m,mode=1777`, string or list. */
export function normalizeTmpfs(value: unknown, at: string, ctx: NormalizeContext): TmpfsMount[] {
  const list = typeof value === 'string' ? [value] : Array.isArray(value) ? value : [];
  const out: TmpfsMount[] = [];
  list.forEach((item, i) => {
    const s = str(item);
    if (!s) return;
    const p = Array.isArray(value) ? childPath(at, i) : at;
    const colon = s.indexOf(':');
    const target = colon < 0 ? s : s.slice(0, colon);
    const opts = colon < 0 ? [] : s.slice(colon + 1).split(',');
    let size: number | undefined;
    for (const o of opts) {
      const [k, v] = o.split('=');
      if (k === 'size') {
        size = parseSize(v);
        if (size === undefined) fail(ctx, p, `invalid tmpfs size "${v}"`, 'write bytes or a size like "64m"');
      }
    }
    out.push({ target, ...(size !== undefined ? { size } : {}) });
  });
  return dedupeExact(out);
}
