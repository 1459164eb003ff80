/**
 * Rendering a co-location decision (plan/claim-sharing.ts) as a pod affinity: plain data, used by
 * the dist/ patches (pod-patches.ts) and by the chart's templates when values scale a pod.
 */
import { compareStrings } from '../order';
import type { ColocationPlan } from '../plan/model';

/**
 * The pod affinity of a co-location, as plain data (rendered by pod-patches.ts in
 * dist/ and by the chart when values scale a pod): required, a node already running a pod of the
 * group (the first pod of a group may go anywhere).
 */
export function colocationAffinity(c: ColocationPlan): {
  podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { labelSelector: { matchLabels: Record<string, string> }; topologyKey: string }[] };
} {
  const matchLabels: Record<string, string> = { ...c.selector, [c.labelKey]: c.labelValue };
  return {
    podAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: [{
        labelSelector: { matchLabels: Object.fromEntries(Object.keys(matchLabels).sort(compareStrings).map((k) => [k, matchLabels[k]])) },
        topologyKey: c.topologyKey,
      }],
    },
  };
}
