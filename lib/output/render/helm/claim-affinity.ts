/**
 * Co-location the chart adds when values scale a single pod on a ReadWriteOnce claim.
 *
 * The plan (lib/plan/claim-sharing.ts) keeps pods that share a ReadWriteOnce claim on one node, but
 * only when the Compose file already runs several of them. A Deployment or StatefulSet with one
 * pod and claims of its own gets no affinity in dist/; the chart's values may still raise its
 * `replicas` or switch on `autoscaling`, and the second pod would then mount the same claim from
 * another node (stuck on Multi-Attach). For such a workload the chart adds, only while
 * `replicas > 1` or autoscaling is enabled with `maxReplicas > 1` (the plan's own pod count,
 * `podsOf`), exactly what the plan would have decided with that pod count: the group label
 * `compose-cdk8s.io/shared-claim: <claims>` on the pods and a required podAffinity on it
 * (`kubernetes.io/hostname`). Affinity merges per kind (templates.ts, affinityBlock): the
 * service's own podAffinity value, when set, replaces the co-location; its other kinds, and the
 * global ones, are added to it.
 * With the default values nothing changes, so the chart keeps rendering dist/.
 */
import type { ColocationPlan, WorkloadPlan } from '../../../plan/model';
import { colocationAffinity } from '../../../constructs/colocation';
import { LABEL_SHARED_CLAIM, TOPOLOGY_HOSTNAME, groupLabelValue } from '../../../plan/claim-sharing';
import { LABEL_PART_OF } from '../../../plan/labels';
import { compareStrings } from '../../../order';
import { SCALABLE_KINDS } from './model';
import { goValue } from './text';


/** Template variable: true while the values run more than one pod of the workload. */
export const SCALED_VAR = '$sharedClaim';
/** Template variable: the co-location affinity while scaled, else an empty dict. */
export const AFFINITY_VAR = '$claimAffinity';

/**
 * The co-location a workload needs once it runs several pods, when the plan gave it none: a
 * Deployment or StatefulSet whose pods mount claims (every claim compose-cdk8s makes or refers to
 * is ReadWriteOnce). The same label value and selector the plan would choose with replicas > 1.
 */
export function colocationWhenScaled(w: WorkloadPlan): ColocationPlan | undefined {
  if (!SCALABLE_KINDS.has(w.kind) || w.colocation) return undefined;
  const claims = [...new Set(w.volumes.flatMap((v) => ('claimName' in v ? [v.claimName] : [])))].sort(compareStrings);
  if (claims.length === 0) return undefined;
  const partOf = w.selector[LABEL_PART_OF];
  return {
    labelKey: LABEL_SHARED_CLAIM,
    labelValue: groupLabelValue(claims),
    selector: partOf !== undefined ? { [LABEL_PART_OF]: partOf } : {},
    claims,
    topologyKey: TOPOLOGY_HOSTNAME,
  };
}


/**
 * Template header lines (after `$svc`) setting the two variables the workload's template reads.
 * `int` because values read from YAML are floats and `--set` ones integers.
 */
export function colocationHeader(c: ColocationPlan, autoscaling: boolean): string[] {
  const affinity = goValue(colocationAffinity(c)).replace(/^\(|\)$/g, '');
  return [
    `{{- /* More than one pod on the ReadWriteOnce claim${c.claims.length > 1 ? 's' : ''} ${c.claims.join(', ')}: keep them on one node (as dist/ does for replicas > 1). */}}`,
    autoscaling
      ? `{{- ${SCALED_VAR} := or (gt (int $svc.replicas) 1) (and $svc.autoscaling.enabled (gt (int $svc.autoscaling.maxReplicas) 1)) }}`
      : `{{- ${SCALED_VAR} := gt (int $svc.replicas) 1 }}`,
    `{{- ${AFFINITY_VAR} := dict }}`,
    `{{- if ${SCALED_VAR} }}`,
    `{{- ${AFFINITY_VAR} = ${affinity} }}`,
    '{{- end }}',
  ];
}
