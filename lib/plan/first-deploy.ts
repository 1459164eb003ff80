/**
 * The passes that make a plan survive a first deploy on a fresh DOKS cluster (issue 13), run in
 * this order once every workload's kind, containers and claims are known. Each pass lives in its
 * own file, named after what it decides:
 * 1. data-dirs.ts: database data directories one folder below the volume root (`lost+found`);
 * 2. claims.ts: claims survive Argo CD prune / app deletion and helm uninstall;
 * 3. default-requests.ts: every container requests something (reported), helpers small resources;
 * 4. governing-service.ts: a StatefulSet's governing Service is headless;
 * 5. pod-security.ts: RuntimeDefault seccomp, no-new-privileges, restricted helpers, the
 *    namespace's Pod Security level.
 */
import type { ComposeProject } from '../compose/model';
import type { Diagnostic } from '../diagnostics';
import { planClaimProtection } from './claims';
import { planDataDirectories } from './data-dirs';
import { planDefaultRequests } from './default-requests';
import { planGoverningServices } from './governing-service';
import { PodSecurityLevel, planPodSecurity } from './pod-security';
import type { KeyDecision, VolumeClaimPlan, WorkloadPlan } from './model';

export interface FirstDeployPlan {
  readonly workloads: WorkloadPlan[];
  readonly volumeClaims: VolumeClaimPlan[];
  readonly warnings: Diagnostic[];
  /** Conflicts that stop the run (plan.ts throws them with the others). */
  readonly errors: Diagnostic[];
  /** Decided defaults users should see (DeploymentPlan.notices). */
  readonly notices: Diagnostic[];
  readonly decisions: KeyDecision[];
  readonly podSecurityLevel: PodSecurityLevel;
}

export function planFirstDeploy(project: ComposeProject, workloads: readonly WorkloadPlan[], volumeClaims: readonly VolumeClaimPlan[]): FirstDeployPlan {
  const warnings: Diagnostic[] = [];
  const errors: Diagnostic[] = [];
  const notices: Diagnostic[] = [];
  const decisions: KeyDecision[] = [];
  const dataDirs = planDataDirectories(project, workloads);
  decisions.push(...dataDirs.decisions);
  const claims = planClaimProtection(project, dataDirs.workloads, volumeClaims);
  const requests = planDefaultRequests(claims.workloads);
  notices.push(...requests.warnings);
  const governed = planGoverningServices(project, requests.workloads);
  errors.push(...governed.errors);
  const security = planPodSecurity(project, governed.workloads);
  warnings.push(...security.warnings);
  decisions.push(...security.decisions);
  return { podSecurityLevel: security.level, workloads: security.workloads, volumeClaims: claims.volumeClaims, warnings, errors, notices, decisions };
}
