/**
 * Claims outlive the app. `do-block-storage` has reclaim policy Delete: deleting a claim deletes
 * its DigitalOcean volume and the data on it. Argo CD prunes a claim that left Git (a renamed
 * volume) and, with its resources finalizer, deletes every object of a deleted Application;
 * `helm uninstall` deletes the release's claims. So every claim carries
 * `argocd.argoproj.io/sync-options: Prune=false,Delete=false` (dist/ and the chart) and, in the
 * chart only, `helm.sh/resource-policy: keep` (`keep` on the plan; templates.ts writes it).
 *
 * A StatefulSet's per-replica claims (`volumeClaimTemplates`) are created by the StatefulSet
 * controller, not by Argo CD or Helm, and Kubernetes keeps them when the StatefulSet is deleted or
 * scaled down (`persistentVolumeClaimRetentionPolicy`, default Retain / Retain). The policy is
 * written out so a reader sees it, and the templates carry the annotation too, so a claim Argo CD
 * ever tracks is still protected.
 *
 * Opt out per volume with `volumes.<name>.x-k8s.keep: false`: no annotations, and a StatefulSet
 * whose per-replica claims all opt out deletes them with itself (`whenDeleted: Delete`). Pure.
 */
import type { ComposeProject } from '../compose/model';
import { ComposeError } from '../diagnostics';
import type { VolumeClaimPlan, WorkloadPlan } from './model';
import { readVolumeXK8s } from './x-k8s';

export const ARGOCD_SYNC_OPTIONS = 'argocd.argoproj.io/sync-options';
/** Argo CD neither prunes nor deletes the object (it stays when the Application is deleted). */
export const KEEP_SYNC_OPTIONS = 'Prune=false,Delete=false';
/** Helm leaves the object behind on `helm uninstall` (chart only). */
export const HELM_RESOURCE_POLICY = 'helm.sh/resource-policy';

function keeps(project: ComposeProject, c: VolumeClaimPlan): boolean {
  if (!project.volumes[c.composeName]) return true; // a bind-mounted folder's claim: no x-k8s of its own
  try {
    return readVolumeXK8s(project, c.composeName).keep !== false;
  } catch (e) {
    if (e instanceof ComposeError) return true; // reported by volumes.ts
    throw e;
  }
}

export function protectClaim(project: ComposeProject, c: VolumeClaimPlan): VolumeClaimPlan {
  if (!keeps(project, c)) return { ...c, keep: false };
  return { ...c, keep: true, annotations: { ...c.annotations, [ARGOCD_SYNC_OPTIONS]: KEEP_SYNC_OPTIONS } };
}

export interface ClaimsPlan {
  readonly workloads: WorkloadPlan[];
  readonly volumeClaims: VolumeClaimPlan[];
}

export function planClaimProtection(project: ComposeProject, workloads: readonly WorkloadPlan[], volumeClaims: readonly VolumeClaimPlan[]): ClaimsPlan {
  const claims = volumeClaims.map((c) => protectClaim(project, c));
  const out = workloads.map((w) => {
    if (!w.volumeClaimTemplates?.length) return w;
    const volumeClaimTemplates = w.volumeClaimTemplates.map((t) => protectClaim(project, t));
    return { ...w, volumeClaimTemplates };
  });
  return { workloads: out, volumeClaims: claims };
}
