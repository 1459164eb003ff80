/**
 * The planner's passes over the plan, declared in the order they run. plan.ts first plans each
 * service's container, volumes and Service (one walk over the services), then hands the result to
 * these passes; each pass lives in its own file, named after what it decides, and returns the new
 * state. New cross-workload behaviour is added by adding a pass here.
 *
 * One decision comes before the walk and is not a pass: which services are planned at all
 * (left-out.ts: services that need the Docker host, x-k8s.exclude). It changes the project that the
 * walk, these passes and the outputs read, not the plan state.
 */
import type { ComposeProject } from '../compose/model';
import type { Diagnostic } from '../diagnostics';
import type { Settings } from '../settings';
import { planAutoscaling } from './autoscaling';
import { planClaimSharing } from './claim-sharing';
import { planClaimProtection } from './claims';
import { planDataDirectories } from './data-dirs';
import { planDefaultRequests } from './default-requests';
import { planWorkloadExposure } from './exposure';
import { planGoverningServices } from './governing-service';
import { planWorkloadKinds } from './kinds';
import type { KeyDecision, NetworkPolicyPlan, VolumeClaimPlan, WorkloadPlan } from './model';
import { nameClashes } from './name-clashes';
import { planProjectNetworkPolicies } from './network-policies';
import { PodSecurityLevel, planPodSecurity } from './pod-security';
import { planRuntimeKeys } from './runtime';
import { PassXK8s, planServiceSettings } from './service-settings';
import { shareNetworks } from './shared-network';
import { planStartup } from './startup-order';

/** What the passes rewrite. */
export interface PlanState {
  readonly workloads: WorkloadPlan[];
  readonly volumeClaims: VolumeClaimPlan[];
  readonly networkPolicies: NetworkPolicyPlan[];
  /** Per-key outcomes for the report, in the order the passes made them. */
  readonly decisions: KeyDecision[];
  /** The Pod Security level the Namespace enforces (set by podSecurity). */
  readonly podSecurityLevel?: PodSecurityLevel;
}

/** What every pass may read, and where it reports. */
export interface PassContext {
  readonly project: ComposeProject;
  readonly settings: Settings;
  readonly warnings: Diagnostic[];
  readonly errors: Diagnostic[];
  /** Decided defaults users should see (DeploymentPlan.notices). */
  readonly notices: Diagnostic[];
  /** x-k8s, read once for every pass (service-settings.ts readPassXK8s). */
  readonly xk8s: PassXK8s;
}

export interface PlannerPass {
  /** Named after what it decides. */
  readonly name: string;
  /** The module that holds it, relative to lib/plan/. */
  readonly module: string;
  run(state: PlanState, ctx: PassContext): PlanState;
}

/** The passes, in order. */
export const PLANNER_PASSES: readonly PlannerPass[] = [
  {
    // Workload kind: x-k8s.kind, a Job when awaited to complete, deploy.mode, restart: "no".
    name: 'workloadKinds',
    module: 'kinds.ts',
    run: (state, { project, xk8s, errors }) => {
      const r = planWorkloadKinds(project, state.workloads, xk8s.service);
      errors.push(...r.errors);
      return { ...state, workloads: r.workloads, decisions: [...state.decisions, ...r.decisions] };
    },
  },
  {
    // Runtime keys (cap_add, privileged, read_only, init, sysctls, ...) on the container and pod.
    name: 'runtimeKeys',
    module: 'runtime.ts',
    run: (state, { project, xk8s, warnings }) => {
      const r = planRuntimeKeys(project, state.workloads, xk8s.service);
      warnings.push(...r.warnings);
      return { ...state, workloads: r.workloads, decisions: [...state.decisions, ...r.decisions] };
    },
  },
  {
    // x-k8s written onto the workload: annotations, pod labels, replicas, pull policy / secrets, probes, fsGroup.
    name: 'serviceSettings',
    module: 'service-settings.ts',
    run: (state, { xk8s, errors }) => ({ ...state, workloads: planServiceSettings(state.workloads, xk8s.service, errors) }),
  },
  {
    // x-k8s.autoscaling → a HorizontalPodAutoscaler on CPU (and memory with x-k8s.autoscaling.memory).
    name: 'autoscaling',
    module: 'autoscaling.ts',
    run: (state, { project, xk8s, warnings }) => {
      const r = planAutoscaling(project, state.workloads, xk8s.service);
      warnings.push(...r.warnings);
      return { ...state, workloads: r.workloads };
    },
  },
  {
    // Published ports: a public Service (LoadBalancer / NodePort), an Ingress, or in-cluster only.
    name: 'exposure',
    module: 'exposure.ts',
    run: (state, { project, xk8s, errors }) => {
      const r = planWorkloadExposure(project, state.workloads, xk8s.top, xk8s.service);
      errors.push(...r.errors);
      return { ...state, workloads: r.workloads, decisions: [...state.decisions, ...r.decisions] };
    },
  },
  {
    // depends_on: Argo CD sync waves, Jobs as Sync hooks, wait init containers (then x-k8s.initContainers).
    name: 'startupOrder',
    module: 'startup-order.ts',
    run: (state, { project, xk8s, warnings, errors }) => {
      const r = planStartup(project, state.workloads, xk8s.top, xk8s.service);
      errors.push(...r.errors);
      warnings.push(...r.warnings);
      return { ...state, workloads: r.workloads, decisions: [...state.decisions, ...r.decisions] };
    },
  },
  {
    // Compose networks → NetworkPolicies (unless x-k8s.networkPolicies: false).
    name: 'networkPolicies',
    module: 'network-policies.ts',
    run: (state, { project, xk8s }) => {
      const r = planProjectNetworkPolicies(project, state.workloads, xk8s.top.networkPolicies !== false);
      return { ...state, networkPolicies: r.networkPolicies, decisions: [...state.decisions, ...r.decisions] };
    },
  },
  {
    // Derived names (<name>-public, network-<net>, ...) must not clash.
    name: 'nameClashes',
    module: 'name-clashes.ts',
    run: (state, { project, errors }) => {
      errors.push(...nameClashes(project, state.workloads, state.networkPolicies));
      return state;
    },
  },
  {
    // network_mode: service:X → a container in X's pod, before claims are shared.
    name: 'sharedNetworks',
    module: 'shared-network.ts',
    run: (state, { project, warnings, errors }) => {
      const r = shareNetworks(project, state.workloads, state.networkPolicies);
      warnings.push(...r.warnings);
      errors.push(...r.errors);
      return { ...state, workloads: r.workloads, networkPolicies: r.networkPolicies, decisions: [...state.decisions, ...r.decisions] };
    },
  },
  {
    // Pods sharing a ReadWriteOnce claim: per-replica claims for StatefulSets, else one node.
    name: 'claimSharing',
    module: 'claim-sharing.ts',
    run: (state, { project, warnings }) => {
      const r = planClaimSharing(project, state.workloads, state.volumeClaims);
      warnings.push(...r.warnings);
      return { ...state, workloads: r.workloads, volumeClaims: r.volumeClaims, decisions: [...state.decisions, ...r.decisions] };
    },
  },
  // What a first deploy on a fresh DOKS cluster needs (issue 13), once kinds, containers and claims are known.
  {
    // Database data directories one folder below the volume root (lost+found).
    name: 'dataDirectories',
    module: 'data-dirs.ts',
    run: (state, { project }) => {
      const r = planDataDirectories(project, state.workloads);
      return { ...state, workloads: r.workloads, decisions: [...state.decisions, ...r.decisions] };
    },
  },
  {
    // Claims survive Argo CD prune / app deletion and helm uninstall.
    name: 'claimProtection',
    module: 'claims.ts',
    run: (state, { project }) => {
      const r = planClaimProtection(project, state.workloads, state.volumeClaims);
      return { ...state, workloads: r.workloads, volumeClaims: r.volumeClaims };
    },
  },
  {
    // Every container requests something (reported as a notice); wait-* helpers small resources.
    name: 'defaultRequests',
    module: 'default-requests.ts',
    run: (state, { notices }) => {
      const r = planDefaultRequests(state.workloads);
      notices.push(...r.warnings);
      return { ...state, workloads: r.workloads };
    },
  },
  {
    // A StatefulSet's governing Service is headless (<name>-headless beside the ClusterIP one).
    name: 'governingServices',
    module: 'governing-service.ts',
    run: (state, { project, errors }) => {
      const r = planGoverningServices(project, state.workloads);
      errors.push(...r.errors);
      return { ...state, workloads: r.workloads };
    },
  },
  {
    // RuntimeDefault seccomp, no-new-privileges, restricted helpers, the namespace's Pod Security level.
    name: 'podSecurity',
    module: 'pod-security.ts',
    run: (state, { project, warnings }) => {
      const r = planPodSecurity(project, state.workloads);
      warnings.push(...r.warnings);
      return { ...state, workloads: r.workloads, podSecurityLevel: r.level, decisions: [...state.decisions, ...r.decisions] };
    },
  },
];

/** Run `passes` (default: all, in order) over `state`. */
export function runPasses(state: PlanState, ctx: PassContext, passes: readonly PlannerPass[] = PLANNER_PASSES): PlanState {
  return passes.reduce((s, pass) => pass.run(s, ctx), state);
}
