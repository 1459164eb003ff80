/**
 * Planner pass `serviceSettings` (see passes.ts): the `x-k8s` settings of each service that are
 * written straight onto its workload — annotations, pod labels, replicas, image pull policy and
 * pull secrets, probe overrides and the pod's fsGroup. The settings other passes decide from
 * (kind, exposure, autoscaling, start-up order) are read there.
 *
 * Also the one reading of `x-k8s` the passes share (`readPassXK8s`): the top-level block and each
 * service's effective settings, read once per plan, their problems reported once.
 */
import type { ComposeProject } from '../compose/model';
import { ComposeError, Diagnostic } from '../diagnostics';
import type { ContainerPlan, ProbePlan, WorkloadPlan } from './model';
import { servicePath } from './names';
import { withEphemeralStorage } from './resources';
import { ProbeOverride, ServiceXK8s, XK8sProject, readServiceXK8s, readTopLevelXK8s } from './x-k8s';

/** The x-k8s settings the passes read. */
export interface PassXK8s {
  /** The top-level block (`{}` when it has problems). */
  readonly top: XK8sProject;
  /** A service's effective settings (readServiceXK8s; `{}` when they have problems). */
  service(name: string): ServiceXK8s;
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

/** Read `x-k8s` for the passes: the top-level block now, each service's on first use (problems go to `errors`, once). */
export function readPassXK8s(project: ComposeProject, errors: Diagnostic[]): PassXK8s {
  const top: XK8sProject = collect(errors, {}, () => readTopLevelXK8s(project));
  const read = new Map<string, ServiceXK8s>();
  return {
    top,
    service: (name) => {
      let s = read.get(name);
      if (s === undefined) {
        s = collect(errors, {} as ServiceXK8s, () => readServiceXK8s(project, name, top));
        read.set(name, s);
      }
      return s;
    },
  };
}

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

/** The x-k8s settings of each workload's service written onto it (see the file comment). */
export function planServiceSettings(workloads: readonly WorkloadPlan[], xk8sOf: (service: string) => ServiceXK8s, errors: Diagnostic[]): WorkloadPlan[] {
  return workloads.map((w) => {
    const xk8s = xk8sOf(w.composeName);
    const probes = xk8s.probes ?? {};
    const container: ContainerPlan = {
      ...w.container,
      ...(xk8s.imagePullPolicy ? { imagePullPolicy: xk8s.imagePullPolicy } : {}),
      ...(xk8s.ephemeralStorage ? { resources: withEphemeralStorage(w.container.resources, xk8s.ephemeralStorage, `${servicePath(w.composeName)}.x-k8s.ephemeralStorage`, errors) } : {}),
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
    const podRuntime = { ...(w.pod ?? {}), ...(xk8s.fsGroup !== undefined ? { fsGroup: xk8s.fsGroup } : {}) };
    const pod = Object.keys(podRuntime).length ? podRuntime : undefined;
    return {
      ...w,
      labels: { ...w.labels, ...(xk8s.podLabels ?? {}), ...w.selector },
      annotations: { ...w.annotations, ...(xk8s.annotations ?? {}) },
      replicas: xk8s.replicas ?? w.replicas,
      ...(xk8s.imagePullSecrets ? { imagePullSecrets: [...new Set([...w.imagePullSecrets, ...xk8s.imagePullSecrets])] } : {}),
      container: withProbes as unknown as ContainerPlan,
      ...(pod ? { pod } : {}),
    };
  });
}
