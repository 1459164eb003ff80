/**
 * After interpolation, compose-go casts interpolated strings at known paths back to the type the
 * schema expects (`replicas: ${N}` -> 3, `read_only: ${RO}` -> true). The table is compose-go's
 * (loader/interpolate.go), as data. `*` matches any key, `[]` any list index.
 */
import { splitPath } from './source-map';

export type Cast = 'int' | 'float' | 'bool';

const S = 'services.*';
export const CASTS: readonly [string, Cast][] = [
  [`${S}.cpu_count`, 'int'],
  [`${S}.cpu_percent`, 'float'],
  [`${S}.cpu_period`, 'int'],
  [`${S}.cpu_quota`, 'int'],
  [`${S}.cpu_rt_period`, 'int'],
  [`${S}.cpu_rt_runtime`, 'int'],
  [`${S}.cpus`, 'float'],
  [`${S}.cpu_shares`, 'int'],
  [`${S}.init`, 'bool'],
  [`${S}.deploy.replicas`, 'int'],
  [`${S}.deploy.update_config.parallelism`, 'int'],
  [`${S}.deploy.update_config.max_failure_ratio`, 'float'],
  [`${S}.deploy.rollback_config.parallelism`, 'int'],
  [`${S}.deploy.rollback_config.max_failure_ratio`, 'float'],
  [`${S}.deploy.restart_policy.max_attempts`, 'int'],
  [`${S}.deploy.placement.max_replicas_per_node`, 'int'],
  [`${S}.healthcheck.retries`, 'int'],
  [`${S}.healthcheck.disable`, 'bool'],
  [`${S}.oom_kill_disable`, 'bool'],
  [`${S}.oom_score_adj`, 'int'],
  [`${S}.pids_limit`, 'int'],
  [`${S}.ports[].target`, 'int'],
  [`${S}.privileged`, 'bool'],
  [`${S}.read_only`, 'bool'],
  [`${S}.scale`, 'int'],
  [`${S}.stdin_open`, 'bool'],
  [`${S}.tty`, 'bool'],
  [`${S}.ulimits.*`, 'int'],
  [`${S}.ulimits.*.hard`, 'int'],
  [`${S}.ulimits.*.soft`, 'int'],
  [`${S}.volumes[].read_only`, 'bool'],
  [`${S}.volumes[].volume.nocopy`, 'bool'],
  ['networks.*.external', 'bool'],
  ['networks.*.internal', 'bool'],
  ['networks.*.attachable', 'bool'],
  ['networks.*.enable_ipv4', 'bool'],
  ['networks.*.enable_ipv6', 'bool'],
  ['volumes.*.external', 'bool'],
  ['secrets.*.external', 'bool'],
  ['configs.*.external', 'bool'],
];

const PATTERNS = CASTS.map(([p, c]) => [p.replace(/\[\]/g, '.[]').split('.'), c] as const);

/** The cast for a model path, if compose-go has one. */
export function castFor(path: string): Cast | undefined {
  const segs = splitPath(path);
  for (const [pattern, cast] of PATTERNS) {
    if (pattern.length !== segs.length) continue;
    if (pattern.every((p, i) => p === '*' ? typeof segs[i] === 'string' : p === '[]' ? typeof segs[i] === 'number' : p === segs[i])) return cast;
  }
  return undefined;
}

/** Applies a cast; returns an error message when the string does not fit. */
export function applyCast(value: string, cast: Cast): { value: unknown } | { error: string } {
  const s = value.trim();
  if (cast === 'bool') {
    const l = s.toLowerCase();
    if (['y', 'yes', 'true', 'on'].includes(l)) return { value: true };
    if (['n', 'no', 'false', 'off'].includes(l)) return { value: false };
    return { error: `"${value}" is not a boolean (true or false)` };
  }
  if (cast === 'int') return /^[-+]?\d+$/.test(s) ? { value: Number(s) } : { error: `"${value}" is not a whole number` };
  return /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s) ? { value: Number(s) } : { error: `"${value}" is not a number` };
}
