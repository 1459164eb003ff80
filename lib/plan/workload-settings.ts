/**
 * Planner pass `workloadSettings` (see passes.ts), run once every workload has its container: what
 * each workload becomes beyond its container — x-k8s per service, workload kind, runtime keys,
 * exposure, start-up order (sync waves, wait init containers), autoscaling — and the
 * NetworkPolicies. Each concern lives in its own module; this file only combines them. (The host
 * name rewrites that run before planning are in hostname-rewrite.ts.)
 */
import type { ComposeProject } from '../compose/model';
import { ComposeError, Diagnostic, error, warning } from '../diagnostics';
import { compareStrings } from '../order';
import type { Settings } from '../settings';
import { autoscalingBaseWarnings } from './default-requests';
import { planExposure } from './exposure';
import { planKind } from './kinds';
import { LABEL_PART_OF } from './labels';
import type { AutoscalingPlan, ContainerPlan, KeyDecision, NetworkPolicyPlan, ProbePlan, WorkloadPlan } from './model';
import { prepareServices } from './hostname-rewrite';
import { servicePath } from './names';
import { planNetworkPolicies } from './network-policies';
import { withEphemeralStorage } from './resources';
import { planRuntime } from './runtime';
import { DEFAULT_WAIT_IMAGE, SYNC_WAVE_ANNOTATION, planStartupOrder, planWaits } from './startup-order';
import { ProbeOverride, ServiceXK8s, XK8sProject, readServiceXK8s, readTopLevelXK8s } from './x-k8s';

export const HOOK_ANNOTATION = 'argocd.argoproj.io/hook';
export const HOOK_DELETE_POLICY_ANNOTATION = 'argocd.argoproj.io/hook-delete-policy';


/** `x-k8s.probes.liveness`: absent or false → no liveness probe; true → the healthcheck's; an object → overridden. */
function livenessOverride(setting: boolean | ProbeOverride | undefined): ProbeOverride {
  if (setting === undefined || setting === false) return { disable: true };
  return setting === true ? {} : setting;
}

function applyProbe(current: ProbePlan | undefined, o: ProbeOverride | undefined): ProbePlan | undefined {
  if (!o) return current;
  if (o.disable) return undefined;
  const timing = {
    ...(o.initialDelaySeconds !== undefined ? { initialDelaySeconds: o.initialDelaySeconds } : {}),
    ...(o.periodSeconds !== undefined ? { periodSeconds: o.periodSeconds } : {}),
    ...(o.timeoutSeconds !== undefined ? { timeoutSeconds: o.timeoutSeconds } : {}),
    ...(o.failureThreshold !== undefined ? { failureThreshold: o.failureThreshold } : {}),
  };
  const currentTiming = {
    ...(current?.initialDelaySeconds !== undefined ? { initialDelaySeconds: current.initialDelaySeconds } : {}),
    ...(current?.periodSeconds !== undefined ? { periodSeconds: current.periodSeconds } : {}),
    ...(current?.timeoutSeconds !== undefined ? { timeoutSeconds: current.timeoutSeconds } : {}),
    ...(current?.failureThreshold !== undefined ? { failureThreshold: current.failureThreshold } : {}),
  };
  if (o.exec) return { ...currentTiming, ...timing, exec: [...o.exec] };
  if (o.tcpPort !== undefined) return { ...currentTiming, ...timing, tcpPort: o.tcpPort };
  if (o.httpGet) return { ...currentTiming, ...timing, httpGet: { path: o.httpGet.path ?? '/', port: o.httpGet.port } };
  return current ? ({ ...current, ...timing } as ProbePlan) : undefined;
}

function collect<T>(errors: Diagnostic[], fallback: T, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ComposeError) {
      errors.push(...e.diagnostics);
      return fallback;
    }
    throw e;
  }
}

export interface WorkloadSettingsPlan {
  readonly workloads: WorkloadPlan[];
  readonly networkPolicies: NetworkPolicyPlan[];
  readonly decisions: KeyDecision[];
}

/**
 * What each planned workload becomes beyond its container (see the file comment). `settings` is
 * taken for symmetry with planProject (the plan-only x-k8s keys are read from the project here).
 */
export function planWorkloadSettings(
  project: ComposeProject,
  settings: Settings,
  planned: readonly WorkloadPlan[],
  warnings: Diagnostic[],
  errors: Diagnostic[],
): WorkloadSettingsPlan {
  void settings;
  const top: XK8sProject = collect(errors, {}, () => readTopLevelXK8s(project));
  // volumes.<name>.x-k8s is checked (and reported) by volumes.ts.
  const order = planStartupOrder(project);
  errors.push(...order.errors);
  const decisions: KeyDecision[] = [];
  // The host name rewrites were warned about before planning; record them as decisions for the report.
  prepareServices(project, [], decisions);
  const settingsOf = new Map<string, ServiceXK8s>();

  const workloads: WorkloadPlan[] = planned.map((w) => {
    const service = project.services[w.composeName];
    const xk8s = collect(errors, {} as ServiceXK8s, () => readServiceXK8s(project, w.composeName, top));
    settingsOf.set(w.composeName, xk8s);
    const base = servicePath(w.composeName);

    const kind = planKind(service, xk8s, order.completedDependencies.has(w.composeName));
    errors.push(...kind.errors);
    decisions.push(...kind.decisions);

    const runtime = planRuntime(service, xk8s);
    warnings.push(...runtime.warnings.map((d) => ({ ...d, location: d.location ?? project.sourceMap.nearest(d.path ?? base) })));
    decisions.push(...runtime.decisions);

    const security = { ...(w.container.securityContext ?? {}), ...runtime.security };
    const probes = xk8s.probes ?? {};
    const container: ContainerPlan = {
      ...w.container,
      ...(xk8s.imagePullPolicy ? { imagePullPolicy: xk8s.imagePullPolicy } : {}),
      ...(xk8s.ephemeralStorage ? { resources: withEphemeralStorage(w.container.resources, xk8s.ephemeralStorage, `${base}.x-k8s.ephemeralStorage`, errors) } : {}),
      ...(runtime.tty ? { tty: true } : {}),
      ...(runtime.stdin ? { stdin: true } : {}),
      ...(Object.keys(security).length ? { securityContext: security } : {}),
    };
    const withProbes: Record<string, unknown> = { ...container };
    for (const [key, field] of [['readiness', 'readinessProbe'], ['liveness', 'livenessProbe'], ['startup', 'startupProbe']] as const) {
      // Liveness is opt-in (probes.ts): `liveness: true` or an object starts from the healthcheck's probe.
      const next = key === 'liveness'
        ? applyProbe(container.livenessProbe ?? container.readinessProbe, livenessOverride(probes.liveness))
        : applyProbe(container[field], probes[key]);
      if (next) withProbes[field] = next;
      else delete withProbes[field];
    }

    const annotations: Record<string, string> = { ...w.annotations, ...(xk8s.annotations ?? {}) };
    const wave = order.waves.get(w.composeName) ?? 0;
    if (wave > 0) annotations[SYNC_WAVE_ANNOTATION] = String(wave);
    if (kind.kind === 'Job') {
      annotations[HOOK_ANNOTATION] = 'Sync';
      annotations[HOOK_DELETE_POLICY_ANNOTATION] = 'BeforeHookCreation';
    }

    const replicas = xk8s.replicas ?? w.replicas;
    let autoscaling: AutoscalingPlan | undefined;
    if (xk8s.autoscaling) {
      if (kind.kind !== 'Deployment' && kind.kind !== 'StatefulSet') {
        warnings.push(warning(`autoscaling is ignored for a ${kind.kind}`, { path: `${base}.x-k8s.autoscaling`, location: project.sourceMap.nearest(`${base}.x-k8s.autoscaling`) }));
      } else {
        const min = xk8s.autoscaling.min ?? Math.max(1, replicas);
        autoscaling = { name: w.name, minReplicas: Math.min(min, xk8s.autoscaling.max), maxReplicas: xk8s.autoscaling.max, cpuPercent: xk8s.autoscaling.cpu ?? 80, ...(xk8s.autoscaling.memory !== undefined ? { memoryPercent: xk8s.autoscaling.memory } : {}) };
      }
    }

    warnings.push(...autoscalingBaseWarnings(service, w.container, autoscaling));
    const podRuntime = { ...runtime.pod, ...(xk8s.fsGroup !== undefined ? { fsGroup: xk8s.fsGroup } : {}) };
    const pod = Object.keys(podRuntime).length ? podRuntime : undefined;
    const partial: WorkloadPlan = {
      ...w,
      kind: kind.kind,
      ...(kind.job ? { job: kind.job } : {}),
      labels: { ...w.labels, ...(xk8s.podLabels ?? {}), ...w.selector },
      annotations,
      replicas,
      ...(xk8s.imagePullSecrets ? { imagePullSecrets: [...new Set([...w.imagePullSecrets, ...xk8s.imagePullSecrets])] } : {}),
      container: withProbes as unknown as ContainerPlan,
      ...(pod ? { pod } : {}),
      ...(autoscaling ? { autoscaling } : {}),
    };
    const exposure = planExposure(partial, service, xk8s, top);
    errors.push(...exposure.errors.map((d) => ({ ...d, location: d.location ?? project.sourceMap.nearest(d.path ?? base) })));
    decisions.push(...exposure.decisions);
    return {
      ...partial,
      ...(xk8s.serviceType === 'Headless' && partial.service ? { service: { ...partial.service, headless: true } } : {}),
      ...(exposure.publicService ? { publicService: exposure.publicService } : {}),
      ...(exposure.ingress ? { ingress: exposure.ingress } : {}),
    };
  });

  const byCompose = new Map(workloads.map((w) => [w.composeName, w]));
  const image = top.waitImage ?? DEFAULT_WAIT_IMAGE;
  const withWaits = workloads.map((w) => {
    const waits = planWaits(project, w.composeName, settingsOf.get(w.composeName)?.waitForDependencies === true, byCompose, image);
    warnings.push(...waits.warnings);
    decisions.push(...waits.decisions);
    // x-k8s.initContainers run after the waits, in the order written.
    const own = (settingsOf.get(w.composeName)?.initContainers ?? []).map((c) => ({ name: c.name, image: c.image, command: [...(c.command ?? [])] }));
    const init = [...waits.initContainers, ...own];
    return init.length ? { ...w, initContainers: init } : w;
  });

  const partOf = withWaits[0]?.selector[LABEL_PART_OF];
  const networkPolicies = top.networkPolicies === false ? [] : planNetworkPolicies(project, withWaits, partOf ? { [LABEL_PART_OF]: partOf } : {});
  if (networkPolicies.length > 0) {
    for (const s of Object.keys(project.services).sort(compareStrings)) {
      if (Object.keys(project.services[s].networks).length > 0) {
        decisions.push({ path: servicePath(s, 'networks'), status: 'mapped', reason: 'NetworkPolicies: only services sharing a network reach this pod' });
      }
    }
  }
  errors.push(...nameClashes(project, withWaits, networkPolicies));
  return { workloads: withWaits, networkPolicies, decisions };
}

/** Derived names (`<name>-public`, `network-<net>`, `<name>-dependents`, `<name>-dependencies`) must not clash with another object of the same kind. */
function nameClashes(project: ComposeProject, workloads: readonly WorkloadPlan[], policies: readonly NetworkPolicyPlan[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const owners = new Map<string, string>();
  const claim = (kind: string, name: string, owner: string, path: string): void => {
    const key = `${kind}/${name}`;
    const first = owners.get(key);
    if (first === undefined) owners.set(key, owner);
    else if (first !== owner) {
      out.push(error(`${first} and ${owner} both need the ${kind} "${name}"`, { path, location: project.sourceMap.nearest(path), hint: 'rename one of them' }));
    }
  };
  for (const w of workloads) if (w.service) claim('Service', w.service.name, `service ${w.composeName}`, servicePath(w.composeName));
  for (const w of workloads) if (w.publicService) claim('Service', w.publicService.name, `the public Service of ${w.composeName}`, servicePath(w.composeName, 'x-k8s'));
  for (const p of policies) {
    const owner = p.network !== undefined ? `network ${p.network}`
      : p.ingressFromOnPorts ? `the dependents of ${p.podNames[0]}`
        : p.egressToOnPorts ? `the dependencies of ${p.podNames[0]}`
          : `the published ports of ${p.podNames[0]}`;
    claim('NetworkPolicy', p.name, owner, p.network !== undefined ? `networks.${p.network}` : 'services');
  }
  return out;
}
