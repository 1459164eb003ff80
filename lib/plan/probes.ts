/**
 * `healthcheck` → probes.
 *
 * The check gates traffic (readiness, what `condition: service_healthy` means in Compose) and
 * restarts a container that stays unhealthy (liveness). Docker's defaults are written out
 * explicitly, because Kubernetes' own (10 s period, 1 s timeout) would fail slow checks that
 * pass under Compose. `start_period` becomes a startup probe: like Docker, failures during it do
 * not count, and the first success ends it.
 */
import type { Healthcheck } from '../compose/model';
import type { ProbePlan } from './model';

/** Docker's healthcheck defaults (docker run reference). */
export const DOCKER_HEALTHCHECK_DEFAULTS = { interval: 30, timeout: 30, retries: 3, startInterval: 5 } as const;

export interface ProbesPlan {
  readonly readiness?: ProbePlan;
  readonly liveness?: ProbePlan;
  readonly startup?: ProbePlan;
}

/** The command a probe runs, or undefined when the healthcheck is disabled. */
export function probeCommand(hc: Healthcheck): string[] | undefined {
  if (hc.disable || !hc.test || hc.test.length === 0) return undefined;
  const [kind, ...rest] = hc.test;
  switch (kind) {
    case 'NONE':
      return undefined;
    case 'CMD':
      return rest.length > 0 ? [...rest] : undefined;
    case 'CMD-SHELL':
      return rest.length > 0 ? ['/bin/sh', '-c', rest.join(' ')] : undefined;
    default:
      // A bare list without CMD/CMD-SHELL: Docker treats it as an exec form.
      return [...hc.test];
  }
}

/** Probe fields are int32 in Kubernetes: anything longer (68 years) is as good as forever. */
const INT32_MAX = 2_147_483_647;
const int32 = (n: number): number => (Number.isFinite(n) ? Math.min(INT32_MAX, n) : INT32_MAX);
const seconds = (value: number | undefined, fallback: number): number => int32(Math.max(1, Math.ceil(value ?? fallback)));

export function planProbes(hc: Healthcheck | undefined): ProbesPlan {
  if (!hc) return {};
  const exec = probeCommand(hc);
  if (!exec) return {};
  const periodSeconds = seconds(hc.interval, DOCKER_HEALTHCHECK_DEFAULTS.interval);
  const timeoutSeconds = seconds(hc.timeout, DOCKER_HEALTHCHECK_DEFAULTS.timeout);
  const failureThreshold = int32(Math.max(1, hc.retries ?? DOCKER_HEALTHCHECK_DEFAULTS.retries));
  const probe: ProbePlan = { exec, periodSeconds, timeoutSeconds, failureThreshold };
  let startup: ProbePlan | undefined;
  if (hc.startPeriod !== undefined && hc.startPeriod > 0) {
    const startPeriodSeconds = seconds(hc.startInterval, DOCKER_HEALTHCHECK_DEFAULTS.startInterval);
    startup = {
      exec,
      periodSeconds: startPeriodSeconds,
      timeoutSeconds,
      // Enough attempts to cover start_period, then the usual retries.
      failureThreshold: int32(Math.ceil(hc.startPeriod / startPeriodSeconds) + failureThreshold),
    };
  }
  return { readiness: probe, liveness: probe, ...(startup ? { startup } : {}) };
}
