/**
 * Workload kind of a service, first match wins:
 *
 * | when                                                      | kind       |
 * |-----------------------------------------------------------|------------|
 * | `x-k8s.kind` (or kompose.controller.type / cronjob label) | as asked   |
 * | another service waits for it: service_completed_successfully | Job     |
 * | `deploy.mode: replicated-job` / `global-job`              | Job        |
 * | `restart: "no"` written out                               | Job        |
 * | `deploy.mode: global`                                     | DaemonSet  |
 * | otherwise                                                 | Deployment |
 */
import type { ComposeProject, ComposeService } from '../compose/model';
import { Diagnostic, error } from '../diagnostics';
import type { JobPlan, KeyDecision, WorkloadKind, WorkloadPlan } from './model';
import { servicePath } from './names';
import { awaitedToComplete } from './startup-order';
import type { ServiceXK8s } from './x-k8s';

export interface KindPlan {
  readonly kind: WorkloadKind;
  readonly job?: JobPlan;
  readonly decisions: KeyDecision[];
  readonly errors: Diagnostic[];
}

const CRON = /^(@(yearly|annually|monthly|weekly|daily|midnight|hourly)|(\S+\s+){4}\S+)$/;

function restartPolicy(service: ComposeService): JobPlan['restartPolicy'] {
  const restart = String(service.restart ?? '');
  return restart.startsWith('on-failure') || service.deploy?.restartCondition === 'on-failure' ? 'OnFailure' : 'Never';
}

function backoffLimit(service: ComposeService): number | undefined {
  const m = /^on-failure:(\d+)$/.exec(String(service.restart ?? ''));
  return m ? Number(m[1]) : undefined;
}

/** What `restart` means for a long-running kind (pods always restart there). */
function restartDecision(service: ComposeService, kind: WorkloadKind): KeyDecision | undefined {
  const restart = service.restart;
  if (restart === undefined) return undefined;
  const path = servicePath(service.name, 'restart');
  const value = String(restart);
  if (kind === 'Job' || kind === 'CronJob') {
    return { path, status: 'mapped', reason: `restart: ${value} → restartPolicy ${value.startsWith('on-failure') ? 'OnFailure' : 'Never'}` };
  }
  if (value === 'always' || value === 'unless-stopped') return { path, status: 'mapped', reason: `restart: ${value} → restartPolicy Always (the ${kind} restarts its pods)` };
  return { path, status: 'lossy', reason: `restart: ${value} becomes restartPolicy Always: a ${kind}'s pods are always restarted` };
}

/** Planner pass `workloadKinds` (see passes.ts): the kind (and Job settings) of every workload. */
export function planWorkloadKinds(
  project: ComposeProject,
  workloads: readonly WorkloadPlan[],
  xk8sOf: (service: string) => ServiceXK8s,
): { workloads: WorkloadPlan[]; decisions: KeyDecision[]; errors: Diagnostic[] } {
  const awaited = awaitedToComplete(project);
  const decisions: KeyDecision[] = [];
  const errors: Diagnostic[] = [];
  const out = workloads.map((w) => {
    const kind = planKind(project.services[w.composeName], xk8sOf(w.composeName), awaited.has(w.composeName));
    errors.push(...kind.errors);
    decisions.push(...kind.decisions);
    return { ...w, kind: kind.kind, ...(kind.job ? { job: kind.job } : {}) };
  });
  return { workloads: out, decisions, errors };
}

export function planKind(service: ComposeService, xk8s: ServiceXK8s, awaitedToComplete: boolean): KindPlan {
  const result = decideKind(service, xk8s, awaitedToComplete);
  const restart = result.decisions.some((d) => d.path.endsWith('.restart')) ? undefined : restartDecision(service, result.kind);
  return restart ? { ...result, decisions: [...result.decisions, restart] } : result;
}

function decideKind(service: ComposeService, xk8s: ServiceXK8s, awaitedToComplete: boolean): KindPlan {
  const base = servicePath(service.name);
  const decisions: KeyDecision[] = [];
  const errors: Diagnostic[] = [];
  const job = (): JobPlan => {
    const limit = xk8s.backoffLimit ?? backoffLimit(service);
    return { restartPolicy: restartPolicy(service), ...(limit !== undefined ? { backoffLimit: limit } : {}) };
  };

  if (xk8s.kind) {
    if (xk8s.kind === 'CronJob') {
      if (!xk8s.schedule || !CRON.test(xk8s.schedule.trim())) {
        errors.push(error(xk8s.schedule ? `schedule "${xk8s.schedule}" is not a cron expression` : 'kind: CronJob needs a schedule', {
          path: `${base}.x-k8s.schedule`, hint: 'e.g. schedule: "0 3 * * *"',
        }));
        return { kind: 'CronJob', decisions, errors };
      }
      return { kind: 'CronJob', job: { ...job(), schedule: xk8s.schedule.trim(), ...(xk8s.concurrencyPolicy ? { concurrencyPolicy: xk8s.concurrencyPolicy } : {}) }, decisions, errors };
    }
    return { kind: xk8s.kind, ...(xk8s.kind === 'Job' ? { job: job() } : {}), decisions, errors };
  }
  if (awaitedToComplete) {
    decisions.push({ path: `${base}.depends_on`, status: 'mapped', reason: 'another service waits for it to complete (service_completed_successfully), so it runs as a Job' });
    return { kind: 'Job', job: job(), decisions, errors };
  }
  const mode = service.deploy?.mode;
  if (mode === 'replicated-job' || mode === 'global-job') {
    if (mode === 'global-job') decisions.push({ path: `${base}.deploy.mode`, status: 'lossy', reason: 'global-job runs as one Job, not one per node' });
    return { kind: 'Job', job: job(), decisions, errors };
  }
  if (service.restart === 'no') {
    decisions.push({ path: `${base}.restart`, status: 'mapped', reason: 'restart: "no" → a Job (run once, restartPolicy: Never)' });
    return { kind: 'Job', job: job(), decisions, errors };
  }
  if (mode === 'global') {
    decisions.push({ path: `${base}.deploy.mode`, status: 'mapped', reason: 'deploy.mode: global → a DaemonSet (one pod per node)' });
    return { kind: 'DaemonSet', decisions, errors };
  }
  return { kind: 'Deployment', decisions, errors };
}
