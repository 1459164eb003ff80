/**
 * The cdk8s-plus workload for a planned kind. Every kind takes the same pod props (containers,
 * pull secret, security context, ...); the kind-specific parts come from the plan:
 * - Deployment: replicas and strategy;
 * - StatefulSet: replicas, and a headless governing `serviceName` (plan/governing-service.ts);
 * - DaemonSet: one pod per node;
 * - Job / CronJob: restartPolicy and backoffLimit from `restart`, the CronJob schedule.
 * cdk8s-plus's CronJob writes `startingDeadlineSeconds: 10`; it is removed (no deadline, as
 * Kubernetes does by default). `concurrencyPolicy: Forbid` is kept: a run never overlaps the last.
 */
import { ApiObject, Cron, JsonPatch } from 'cdk8s';
import type { Construct } from 'constructs';
import type { WorkloadPlan } from '../plan/model';
import * as plus from './plus';

export type PodProps = plus.WorkloadProps;

const RESTART: Readonly<Record<string, plus.RestartPolicy>> = {
  Never: plus.RestartPolicy.NEVER,
  OnFailure: plus.RestartPolicy.ON_FAILURE,
};

/** Cron text (5 fields or @daily, ...) as cdk8s's Cron. */
function cron(schedule: string): Cron {
  const macros: Readonly<Record<string, string>> = {
    '@yearly': '0 0 1 1 *', '@annually': '0 0 1 1 *', '@monthly': '0 0 1 * *', '@weekly': '0 0 * * 0',
    '@daily': '0 0 * * *', '@midnight': '0 0 * * *', '@hourly': '0 * * * *',
  };
  const [minute, hour, day, month, weekDay] = (macros[schedule] ?? schedule).split(/\s+/);
  return Cron.schedule({ minute, hour, day, month, weekDay });
}

/**
 * Create the workload. `service` is the ClusterIP Service (StatefulSets need one; when the
 * service has no ports a headless one is made by the caller).
 */
export function createWorkload(scope: Construct, w: WorkloadPlan, props: PodProps, service?: plus.Service): plus.AbstractPod {
  switch (w.kind) {
    case 'Deployment':
      return new plus.Deployment(scope, 'Deployment', {
        ...props,
        replicas: w.replicas,
        select: false,
        strategy: w.strategy === 'Recreate' ? plus.DeploymentStrategy.recreate() : plus.DeploymentStrategy.rollingUpdate(),
      });
    case 'StatefulSet': {
      if (!service) throw new Error(`internal: StatefulSet ${w.name} needs a Service`);
      return new plus.StatefulSet(scope, 'StatefulSet', { ...props, replicas: w.replicas, select: false, service });
    }
    case 'DaemonSet':
      return new plus.DaemonSet(scope, 'DaemonSet', { ...props, select: false });
    case 'Job':
      return new plus.Job(scope, 'Job', {
        ...props,
        restartPolicy: RESTART[w.job?.restartPolicy ?? 'Never'],
        ...(w.job?.backoffLimit !== undefined ? { backoffLimit: w.job.backoffLimit } : {}),
      });
    case 'CronJob': {
      const job = new plus.CronJob(scope, 'CronJob', {
        ...props,
        schedule: cron(w.job?.schedule ?? '0 0 * * *'),
        restartPolicy: RESTART[w.job?.restartPolicy ?? 'Never'],
        ...(w.job?.backoffLimit !== undefined ? { backoffLimit: w.job.backoffLimit } : {}),
      });
      ApiObject.of(job).addJsonPatch(JsonPatch.remove('/spec/startingDeadlineSeconds'));
      if (w.job?.concurrencyPolicy) ApiObject.of(job).addJsonPatch(JsonPatch.add('/spec/concurrencyPolicy', w.job.concurrencyPolicy));
      return job;
    }
    default:
      throw new Error(`internal: unknown workload kind ${String((w as { kind: unknown }).kind)}`);
  }
}

/** Select the plan's labels on kinds that have a selector (Jobs select their own pods). */
export function selectPods(workload: plus.AbstractPod, w: WorkloadPlan): void {
  if (workload instanceof plus.Deployment || workload instanceof plus.StatefulSet || workload instanceof plus.DaemonSet) {
    workload.select(plus.LabelSelector.of({ labels: { ...w.selector } }));
  }
}
