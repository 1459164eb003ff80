/** Service references: `depends_on`, `secrets` / `configs` (short and long), `networks`. */
import type { DependsOn, DependsOnCondition, ServiceFileRef, ServiceNetwork } from '../model';
import { childPath } from '../source-map';
import { bool, dedupeExact, fail, isObj, NormalizeContext, str } from './context';

const CONDITIONS: readonly DependsOnCondition[] = ['service_started', 'service_healthy', 'service_completed_successfully'];

export function normalizeDependsOn(value: unknown, at: string, ctx: NormalizeContext): Record<string, DependsOn> {
  const out: Record<string, DependsOn> = {};
  if (Array.isArray(value)) {
    for (const v of value) {
      const s = str(v);
      if (s) out[s] = { condition: 'service_started', required: true, restart: false };
    }
  } else if (isObj(value)) {
    for (const name of Object.keys(value).sort()) {
      const v = isObj(value[name]) ? (value[name] as Record<string, unknown>) : {};
      const cond = (str(v.condition) ?? 'service_started') as DependsOnCondition;
      if (!CONDITIONS.includes(cond)) {
        fail(ctx, childPath(childPath(at, name), 'condition'), `unknown condition "${cond}"`, `use one of ${CONDITIONS.join(', ')}`);
        continue;
      }
      out[name] = { condition: cond, required: bool(v.required) ?? true, restart: bool(v.restart) ?? false };
    }
  }
  return out;
}

/**
 * The dependencies Compose adds without `depends_on` (compose-go's normalize step), each only
 * when not already listed: `links` and `service:` namespaces (network_mode, ipc, pid, uts, cgroup)
 * with `restart: true`, `volumes_from` (not `container:`) without.
 */
export function implicitDependsOn(s: Readonly<Record<string, unknown>>, explicit: Record<string, DependsOn>): Record<string, DependsOn> {
  const out: Record<string, DependsOn> = { ...explicit };
  const add = (name: string, restart: boolean) => {
    if (name && !(name in out)) out[name] = { condition: 'service_started', required: true, restart };
  };
  if (Array.isArray(s.links)) for (const l of s.links) if (typeof l === 'string') add(l.split(':')[0], true);
  for (const key of ['network_mode', 'ipc', 'pid', 'uts', 'cgroup']) {
    const v = s[key];
    if (typeof v === 'string' && v.startsWith('service:')) add(v.slice('service:'.length), true);
  }
  if (Array.isArray(s.volumes_from)) for (const v of s.volumes_from) if (typeof v === 'string' && !v.startsWith('container:')) add(v.split(':')[0], false);
  return Object.fromEntries(Object.keys(out).sort().map((k) => [k, out[k]]));
}

function parseMode(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^0?[0-7]+$/.test(v.trim())) return parseInt(v.trim(), 8);
  return undefined;
}

/** `secrets:` / `configs:` of a service. Default targets: `/run/secrets/<name>` and `/<name>`. */
export function normalizeFileRefs(value: unknown, at: string, kind: 'secrets' | 'configs', ctx: NormalizeContext): ServiceFileRef[] {
  if (!Array.isArray(value)) return [];
  const out: ServiceFileRef[] = [];
  const defaultTarget = (source: string, target?: string): string => {
    if (kind === 'secrets') {
      if (!target) return `/run/secrets/${source}`;
      return target.startsWith('/') ? target : `/run/secrets/${target}`;
    }
    // Compose mounts configs under "/" (its configsDir), a relative target included.
    if (!target) return `/${source}`;
    return target.startsWith('/') ? target : `/${target}`;
  };
  value.forEach((item, i) => {
    if (typeof item === 'string') {
      out.push({ source: item, target: defaultTarget(item) });
      return;
    }
    if (!isObj(item)) return;
    const source = str(item.source);
    if (!source) {
      fail(ctx, childPath(at, i), `${kind === 'secrets' ? 'secret' : 'config'} reference is missing "source"`);
      return;
    }
    const mode = item.mode !== undefined && item.mode !== null ? parseMode(item.mode) : undefined;
    if (item.mode !== undefined && item.mode !== null && mode === undefined) fail(ctx, childPath(childPath(at, i), 'mode'), `invalid file mode ${JSON.stringify(item.mode)}`, 'write an octal mode like 0440');
    out.push({
      source,
      target: defaultTarget(source, str(item.target)),
      ...(str(item.uid) !== undefined ? { uid: str(item.uid) } : {}),
      ...(str(item.gid) !== undefined ? { gid: str(item.gid) } : {}),
      ...(mode !== undefined ? { mode } : {}),
    });
  });
  return dedupeExact(out);
}

export function normalizeServiceNetworks(value: unknown): Record<string, ServiceNetwork> {
  const out: Record<string, ServiceNetwork> = {};
  if (Array.isArray(value)) {
    for (const v of value) if (str(v)) out[str(v)!] = { aliases: [] };
  } else if (isObj(value)) {
    for (const name of Object.keys(value).sort()) {
      const v = isObj(value[name]) ? (value[name] as Record<string, unknown>) : {};
      out[name] = {
        aliases: Array.isArray(v.aliases) ? v.aliases.map((a) => str(a) ?? '').filter(Boolean) : [],
        ...(str(v.ipv4_address) ? { ipv4Address: str(v.ipv4_address) } : {}),
        ...(str(v.ipv6_address) ? { ipv6Address: str(v.ipv6_address) } : {}),
      };
    }
  }
  return out;
}
