/**
 * `healthcheck` → probes, with Compose's meaning.
 *
 * Compose uses a healthcheck to gate (`condition: service_healthy`) and to report; it never
 * restarts a container for failing it. So the check becomes:
 * - a readiness probe (traffic only reaches a healthy pod): every `interval`, `timeout`,
 *   unready after `retries` failures;
 * - a startup probe whose budget is Compose's: `start_period + retries × interval` (storefront:
 *   10 s + 3 × 15 s = 55 s), checked every `start_interval` (Docker's default 5 s, never more
 *   than `interval`); its first success ends it. Past the budget Compose marks the container
 *   unhealthy; Kubernetes restarts it;
 * - no liveness probe, unless the service opts in with `x-k8s.probes.liveness` (`true`, or an
 *   object overriding the timing / command): a liveness probe restarts a container whose check
 *   fails, e.g. a database timing out under load, which Compose would have left running.
 * Docker's defaults are written out explicitly, because Kubernetes' own (10 s period, 1 s
 * timeout) would fail slow checks that pass under Compose. kompose's
 * `kompose.service.healthcheck.readiness.*` labels go through the same probesOf (x-k8s.ts), with
 * an HTTP GET or TCP check where they say so.
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
  return probesOf({ exec }, hc);
}

/** What a probe checks: a command, a TCP port, or an HTTP GET (kompose's labels can say the last two). */
export type ProbeCheck =
  | { readonly exec: readonly string[] }
  | { readonly tcpPort: number }
  | { readonly httpGet: { readonly path: string; readonly port: number } };

/** A healthcheck's timing, in seconds (Docker's defaults where absent). */
export interface CheckTiming {
  readonly interval?: number;
  readonly timeout?: number;
  readonly retries?: number;
  readonly startPeriod?: number;
  readonly startInterval?: number;
}

/**
 * The readiness and startup probes of a check with a healthcheck's timing (see the file comment):
 * what a Compose healthcheck gives, and what kompose's `kompose.service.healthcheck.readiness.*`
 * labels give (x-k8s.ts), so both have Compose's start-up budget.
 */
export function probesOf(check: ProbeCheck, t: CheckTiming): { readiness: ProbePlan; startup: ProbePlan } {
  const interval = Math.max(1, t.interval ?? DOCKER_HEALTHCHECK_DEFAULTS.interval);
  const periodSeconds = seconds(t.interval, DOCKER_HEALTHCHECK_DEFAULTS.interval);
  const timeoutSeconds = seconds(t.timeout, DOCKER_HEALTHCHECK_DEFAULTS.timeout);
  const retries = Math.max(1, t.retries ?? DOCKER_HEALTHCHECK_DEFAULTS.retries);
  const failureThreshold = int32(retries);
  const readiness = { ...copyCheck(check), periodSeconds, timeoutSeconds, failureThreshold } as ProbePlan;
  const budget = Math.max(0, t.startPeriod ?? 0) + retries * interval;
  const startPeriodSeconds = Math.min(seconds(t.startInterval, DOCKER_HEALTHCHECK_DEFAULTS.startInterval), periodSeconds);
  const startup = {
    ...copyCheck(check),
    periodSeconds: startPeriodSeconds,
    timeoutSeconds,
    failureThreshold: int32(Math.max(1, Math.ceil(budget / startPeriodSeconds))),
  } as ProbePlan;
  return { readiness, startup };
}

function copyCheck(check: ProbeCheck): ProbeCheck {
  if ('exec' in check) return { exec: [...check.exec] };
  if ('httpGet' in check) return { httpGet: { path: check.httpGet.path, port: check.httpGet.port } };
  return { tcpPort: check.tcpPort };
}
