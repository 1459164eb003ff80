/**
 * Top-level `volumes`, `networks`, `secrets`, `configs`. Names default to `<project>_<key>` like
 * Compose (an `external` resource keeps its key or `name:`). The implicit `default` network is
 * added when a service uses it, as `docker compose config` shows.
 */
import type { ComposeConfig, ComposeNetwork, ComposeSecret, ComposeVolume } from '../model';
import { childPath } from '../source-map';
import { bool, extensionsOf, warn, isObj, NormalizeContext, resolveHostPath, sortKeys, str, stringDict } from './context';

type Obj = Record<string, unknown>;

function entries(value: unknown): [string, Obj][] {
  if (!isObj(value)) return [];
  return Object.keys(value)
    .filter((k) => !k.startsWith('x-'))
    .sort()
    .map((k) => [k, isObj(value[k]) ? (value[k] as Obj) : {}]);
}

function external(v: Obj): boolean {
  if (isObj(v.external)) return true; // legacy `external: {name: x}`
  return bool(v.external) ?? false;
}

function resourceName(key: string, v: Obj, ctx: NormalizeContext): string {
  const explicit = str(v.name) ?? (isObj(v.external) ? str(v.external.name) : undefined);
  if (explicit) return explicit;
  return external(v) ? key : `${ctx.projectName}_${key}`;
}

export function normalizeVolumesTop(value: unknown, ctx: NormalizeContext): Record<string, ComposeVolume> {
  const out: Record<string, ComposeVolume> = {};
  for (const [key, v] of entries(value)) {
    out[key] = {
      name: resourceName(key, v, ctx),
      external: external(v),
      ...(str(v.driver) ? { driver: str(v.driver) } : {}),
      driverOpts: stringDict(v.driver_opts),
      labels: stringDict(v.labels),
      extensions: extensionsOf(v),
    };
  }
  return out;
}

export function normalizeNetworksTop(value: unknown, ctx: NormalizeContext): Record<string, ComposeNetwork> {
  const out: Record<string, ComposeNetwork> = {};
  for (const [key, v] of entries(value)) {
    out[key] = {
      name: resourceName(key, v, ctx),
      external: external(v),
      ...(str(v.driver) ? { driver: str(v.driver) } : {}),
      internal: bool(v.internal) ?? false,
      extensions: extensionsOf(v),
    };
  }
  return out;
}

function fileOf(v: Obj, at: string, ctx: NormalizeContext): string | undefined {
  const f = str(v.file);
  if (!f) return undefined;
  const abs = resolveHostPath(f, ctx.projectDirectory, ctx.lookup);
  if (!ctx.exists(abs)) warn(ctx, childPath(at, 'file'), `file ${abs} not found`, 'create the file or fix the path');
  return abs;
}

export function normalizeSecretsTop(value: unknown, ctx: NormalizeContext): Record<string, ComposeSecret> {
  const out: Record<string, ComposeSecret> = {};
  for (const [key, v] of entries(value)) {
    const at = childPath('secrets', key);
    const file = fileOf(v, at, ctx);
    out[key] = {
      name: resourceName(key, v, ctx),
      ...(file ? { file } : {}),
      ...(str(v.environment) ? { environment: str(v.environment) } : {}),
      external: external(v),
      extensions: extensionsOf(v),
    };
  }
  return sortKeys(out);
}

export function normalizeConfigsTop(value: unknown, ctx: NormalizeContext): Record<string, ComposeConfig> {
  const out: Record<string, ComposeConfig> = {};
  for (const [key, v] of entries(value)) {
    const at = childPath('configs', key);
    const file = fileOf(v, at, ctx);
    out[key] = {
      name: resourceName(key, v, ctx),
      ...(file ? { file } : {}),
      ...(str(v.content) !== undefined ? { content: str(v.content) } : {}),
      ...(str(v.environment) ? { environment: str(v.environment) } : {}),
      external: external(v),
      extensions: extensionsOf(v),
    };
  }
  return out;
}
