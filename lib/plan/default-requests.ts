/**
 * No pod is BestEffort (evicted first under node pressure), and no request appears that Compose
 * did not ask for without being reported.
 *
 * Policy (decided, README "Defaults we decided on purpose"):
 * - `deploy.resources.reservations` (or `mem_reservation`) → requests, as before;
 * - a resource Compose reserves nothing for gets a small request, DEFAULT_REQUESTS (cpu 50m,
 *   memory 64Mi), never above its limit. Without this, a container with only limits would get
 *   requests equal to its limits from Kubernetes (the example reserved 2.5 vCPU where Compose
 *   reserves 1.0), and one with neither would be BestEffort;
 * - every container that gets a default request is named in one warning, so users see it.
 * The wait-for-dependency init containers get HELPER_RESOURCES (pod-security.ts hardens them).
 * Pure; no cdk8s.
 */
import type { ComposeService } from '../compose/model';
import { Diagnostic, warning } from '../diagnostics';
import { servicePath } from './names';
import type { AutoscalingPlan, ContainerPlan, ResourceAmounts, ResourcesPlan, WorkloadPlan } from './model';
import { appendTo } from '../collections';

export const DEFAULT_REQUESTS = { cpuMillis: 50, memoryMiB: 64 } as const;
/** Resources of the injected `wait-*` init containers (busybox nc / wget: a few MiB). */
export const HELPER_RESOURCES: ResourcesPlan = { requests: { cpuMillis: 10, memoryMiB: 16 }, limits: { cpuMillis: 100, memoryMiB: 32 } };

function withDefaults(r: ResourcesPlan | undefined): { resources: ResourcesPlan; added: string[] } {
  const requests: { cpuMillis?: number; memoryMiB?: number } = { ...(r?.requests ?? {}) };
  const added: string[] = [];
  if (requests.cpuMillis === undefined) {
    requests.cpuMillis = Math.min(DEFAULT_REQUESTS.cpuMillis, r?.limits?.cpuMillis ?? Infinity);
    added.push(`cpu ${requests.cpuMillis}m`);
  }
  if (requests.memoryMiB === undefined) {
    requests.memoryMiB = Math.min(DEFAULT_REQUESTS.memoryMiB, r?.limits?.memoryMiB ?? Infinity);
    added.push(`memory ${requests.memoryMiB}Mi`);
  }
  return { resources: { ...(r?.limits ? { limits: r.limits } : {}), requests: requests as ResourceAmounts }, added };
}

/**
 * An HPA compares the pods' CPU (and, with x-k8s.autoscaling.memory, memory) use with their
 * requests. A request always exists (the reservation, else DEFAULT_REQUESTS), but a defaulted one
 * is a poor base: said at the autoscaling setting (or the kompose label that set it).
 */
export function autoscalingBaseWarnings(service: ComposeService, c: ContainerPlan, autoscaling: AutoscalingPlan | undefined): Diagnostic[] {
  if (!autoscaling) return [];
  const requests = withDefaults(c.resources).resources.requests ?? {};
  const own = (service.extensions['x-k8s'] as { autoscaling?: Record<string, unknown> } | undefined)?.autoscaling ?? {};
  // At the setting: the service's x-k8s, else the kompose label that set it, else the label that asked for the HPA.
  const pathOf = (key: 'cpu' | 'memory') => {
    const label = [`kompose.hpa.${key}`, 'kompose.hpa.replicas.max', 'kompose.hpa.replicas.min'].find((l) => service.labels[l] !== undefined);
    const fromLabel = own[key] === undefined && label !== undefined && (label === `kompose.hpa.${key}` || Object.keys(own).length === 0);
    return fromLabel ? servicePath(service.name, 'labels', label) : servicePath(service.name, 'x-k8s', 'autoscaling');
  };
  const out: Diagnostic[] = [];
  if (c.resources?.requests?.cpuMillis === undefined) {
    out.push(warning(`autoscaling on CPU needs a CPU request, and ${service.name} reserves no CPU: the base is the decided default request (${requests.cpuMillis}m), so the autoscaler may add pods as soon as the service does any work`, {
      path: pathOf('cpu'), hint: 'set deploy.resources.reservations.cpus to what one pod normally uses',
    }));
  }
  if (autoscaling.memoryPercent !== undefined && c.resources?.requests?.memoryMiB === undefined) {
    out.push(warning(`autoscaling on memory compares the pods' memory use with their memory request, and ${service.name} reserves no memory: the base is the decided default request (${requests.memoryMiB}Mi), so the autoscaler may add pods as soon as the service runs`, {
      path: pathOf('memory'), hint: 'set deploy.resources.reservations.memory to what one pod normally uses',
    }));
  }
  return out;
}

export interface DefaultRequestsPlan {
  readonly workloads: WorkloadPlan[];
  readonly warnings: Diagnostic[];
}

/** Names listed per group in the notice; the rest are counted (a stack of hundreds stays one readable line). */
const LISTED_NAMES = 8;

/** `api, cache (cpu 50m, memory 64Mi); db (cpu 50m)`: the services grouped by what was added, in name order. */
function defaultedList(defaulted: ReadonlyMap<string, readonly string[]>): string {
  const groups = new Map<string, string[]>();
  for (const [service, added] of [...defaulted].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const key = added.join(', ');
    appendTo(groups, key, service);
  }
  return [...groups].map(([added, names]) => {
    const shown = names.length > LISTED_NAMES ? `${names.slice(0, LISTED_NAMES).join(', ')} and ${names.length - LISTED_NAMES} more` : names.join(', ');
    return `${shown} (${added})`;
  }).join('; ');
}

export function planDefaultRequests(workloads: readonly WorkloadPlan[]): DefaultRequestsPlan {
  const defaulted = new Map<string, readonly string[]>();
  const fill = (c: ContainerPlan, service: string): ContainerPlan => {
    const { resources, added } = withDefaults(c.resources);
    if (added.length > 0) defaulted.set(service, added);
    return { ...c, resources };
  };
  const out = workloads.map((w) => ({
    ...w,
    container: fill(w.container, w.composeName),
    ...(w.sidecars ? { sidecars: w.sidecars.map((c) => fill(c, c.service ?? c.name)) } : {}),
    ...(w.initContainers ? { initContainers: w.initContainers.map((c) => ({ ...c, resources: HELPER_RESOURCES })) } : {}),
  }));
  const warnings = defaulted.size === 0 ? [] : [warning(
    `no resource reservation for ${defaultedList(defaulted)}: these requests are a decided default (cpu ${DEFAULT_REQUESTS.cpuMillis}m, memory ${DEFAULT_REQUESTS.memoryMiB}Mi, never above the limit), so no pod is BestEffort and a limit alone no longer reserves the whole limit`,
    { hint: 'set deploy.resources.reservations (cpus, memory) on the service to choose the requests yourself' },
  )];
  return { workloads: out, warnings };
}
