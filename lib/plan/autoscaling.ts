/**
 * Planner pass `autoscaling` (see passes.ts): `x-k8s.autoscaling` → a HorizontalPodAutoscaler on
 * CPU (and memory, x-k8s.autoscaling.memory) for a Deployment or StatefulSet (ignored, with a
 * warning, for other kinds). The minimum defaults to the replicas; when the base of a metric is the
 * decided default request rather than a reservation, that is said.
 */
import type { ComposeProject } from '../compose/model';
import { Diagnostic, warning } from '../diagnostics';
import { autoscalingBaseWarnings } from './default-requests';
import type { AutoscalingPlan, WorkloadPlan } from './model';
import { servicePath } from './names';
import type { ServiceXK8s } from './x-k8s';

export function planAutoscaling(
  project: ComposeProject,
  workloads: readonly WorkloadPlan[],
  xk8sOf: (service: string) => ServiceXK8s,
): { workloads: WorkloadPlan[]; warnings: Diagnostic[] } {
  const warnings: Diagnostic[] = [];
  const out = workloads.map((w) => {
    const xk8s = xk8sOf(w.composeName);
    const base = servicePath(w.composeName);
    const replicas = w.replicas;
    let autoscaling: AutoscalingPlan | undefined;
    if (xk8s.autoscaling) {
      if (w.kind !== 'Deployment' && w.kind !== 'StatefulSet') {
        warnings.push(warning(`autoscaling is ignored for a ${w.kind}`, { path: `${base}.x-k8s.autoscaling`, location: project.sourceMap.nearest(`${base}.x-k8s.autoscaling`) }));
      } else {
        const min = xk8s.autoscaling.min ?? Math.max(1, replicas);
        autoscaling = { name: w.name, minReplicas: Math.min(min, xk8s.autoscaling.max), maxReplicas: xk8s.autoscaling.max, cpuPercent: xk8s.autoscaling.cpu ?? 80, ...(xk8s.autoscaling.memory !== undefined ? { memoryPercent: xk8s.autoscaling.memory } : {}) };
      }
    }
    warnings.push(...autoscalingBaseWarnings(project.services[w.composeName], w.container, autoscaling));
    return autoscaling ? { ...w, autoscaling } : w;
  });
  return { workloads: out, warnings };
}
