/** `deploy`: mode, replicas, resources (cpus -> cores, memory -> bytes), labels, restart policy, placement. */
import type { Deploy, Placement, PlacementConstraint, ResourceSpec } from '../model';
import { childPath } from '../source-map';
import { parseCpus, parseSize } from '../units';
import { fail, int, isObj, NormalizeContext, str, stringDict } from './context';

const MODES = ['replicated', 'global', 'replicated-job', 'global-job'] as const;
const RESTART_CONDITIONS = ['none', 'on-failure', 'any'] as const;

function resources(value: unknown, at: string, ctx: NormalizeContext): ResourceSpec | undefined {
  if (!isObj(value)) return undefined;
  const out: { cpus?: number; memory?: number; pids?: number } = {};
  if (value.cpus !== undefined && value.cpus !== null) {
    const c = parseCpus(value.cpus);
    if (c === undefined) fail(ctx, childPath(at, 'cpus'), `invalid cpus "${String(value.cpus)}"`, 'write a number of cores like 0.5 or "2"');
    else out.cpus = c;
  }
  if (value.memory !== undefined && value.memory !== null) {
    const m = parseSize(value.memory);
    if (m === undefined) fail(ctx, childPath(at, 'memory'), `invalid memory size "${String(value.memory)}"`, 'write bytes or a size like "512M" or "1g"');
    else out.memory = m;
  }
  if (value.pids !== undefined && value.pids !== null) {
    const p = int(value.pids);
    if (p === undefined) fail(ctx, childPath(at, 'pids'), `pids must be a whole number`);
    else out.pids = p;
  }
  return out;
}

/** `node.labels.zone == eu` → key, operator, value (Swarm's syntax; spaces optional). */
export function parseConstraint(expression: string): PlacementConstraint {
  const m = /^\s*([^=!\s]+)\s*(==|!=)\s*(.*?)\s*$/.exec(expression);
  return m && m[3] !== '' ? { expression, key: m[1], op: m[2] as '==' | '!=', value: m[3] } : { expression };
}

function placement(value: unknown): Placement | undefined {
  if (!isObj(value)) return undefined;
  const constraints = Array.isArray(value.constraints) ? value.constraints.map((c) => parseConstraint(str(c) ?? '')) : [];
  const spread = Array.isArray(value.preferences) ? value.preferences.map((p) => (isObj(p) ? str(p.spread) : undefined)) : [];
  const max = int(value.max_replicas_per_node);
  return { constraints, spread, ...(max !== undefined ? { maxReplicasPerNode: max } : {}) };
}

export function normalizeDeploy(value: unknown, at: string, ctx: NormalizeContext): Deploy | undefined {
  if (!isObj(value)) return undefined;
  const mode = str(value.mode);
  if (mode !== undefined && !(MODES as readonly string[]).includes(mode)) fail(ctx, childPath(at, 'mode'), `unknown deploy mode "${mode}"`, `use one of ${MODES.join(', ')}`);
  let replicas: number | undefined;
  if (value.replicas !== undefined && value.replicas !== null) {
    replicas = int(value.replicas);
    if (replicas === undefined || replicas < 0) {
      fail(ctx, childPath(at, 'replicas'), `replicas must be a whole number, got ${JSON.stringify(value.replicas)}`);
      replicas = undefined;
    }
  }
  const res = isObj(value.resources) ? value.resources : {};
  const rAt = childPath(at, 'resources');
  const limits = resources(res.limits, childPath(rAt, 'limits'), ctx);
  const reservations = resources(res.reservations, childPath(rAt, 'reservations'), ctx);
  const rp = isObj(value.restart_policy) ? value.restart_policy : {};
  const cond = str(rp.condition);
  const place = placement(value.placement);
  return {
    ...(mode && (MODES as readonly string[]).includes(mode) ? { mode: mode as Deploy['mode'] } : {}),
    ...(replicas !== undefined ? { replicas } : {}),
    ...(limits ? { limits } : {}),
    ...(reservations ? { reservations } : {}),
    labels: stringDict(value.labels),
    ...(cond && (RESTART_CONDITIONS as readonly string[]).includes(cond) ? { restartCondition: cond as Deploy['restartCondition'] } : {}),
    ...(place ? { placement: place } : {}),
  };
}
