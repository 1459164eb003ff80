/**
 * Start-up order: `depends_on` → Argo CD sync waves and wait init containers.
 *
 * - Every service gets the wave 1 + the highest wave of what it depends on (services with no
 *   dependencies stay in the default wave 0, unannotated). Argo CD applies wave N+1 only once wave N
 *   is synced and healthy, which for a Job means completed.
 * - A cycle is an error naming it (`a → b → a`).
 * - With `condition: service_healthy`, or `x-k8s.waitForDependencies: true`, the dependent pod gets
 *   an init container per dependency that waits until the dependency's Service accepts a TCP
 *   connection. A Service only forwards to ready pods, so when the dependency has a readiness probe
 *   (from its healthcheck) this waits for readiness too. The image is small, pinned and
 *   configurable (`x-k8s.waitImage`).
 * - `condition: service_completed_successfully` makes the dependency a Job (kinds.ts), run in an
 *   earlier wave.
 * - A service that shares another's network (`network_mode: service:X`) is a container of X's pod
 *   (shared-network.ts): its edges are X's, an edge between the two disappears (same pod, and
 *   Compose's implicit depends_on on X with it), and a wait for it waits for its Service (which
 *   selects X's pods) or, when it has no ports, for X's.
 */
import type { ComposeProject } from '../compose/model';
import { Diagnostic, error, warning } from '../diagnostics';
import { compareStrings } from '../order';
import type { InitContainerPlan, KeyDecision, WorkloadPlan } from './model';
import type { ServiceXK8s, XK8sProject } from './x-k8s';
import { childName, servicePath } from './names';
import { podHosts, podOf } from './shared-network';

export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';
/** A Job runs as an Argo CD Sync hook, recreated on each sync. */
export const HOOK_ANNOTATION = 'argocd.argoproj.io/hook';
export const HOOK_DELETE_POLICY_ANNOTATION = 'argocd.argoproj.io/hook-delete-policy';
/** busybox's `nc -z` does the TCP check; pinned so every synth gives the same bytes. */
export const DEFAULT_WAIT_IMAGE = 'busybox:1.36.1';

export interface StartupOrder {
  /** Sync wave by Compose service name (0 for services without dependencies). */
  readonly waves: ReadonlyMap<string, number>;
  readonly errors: Diagnostic[];
}

/**
 * Dependencies of each pod that are in the project (missing optional ones are skipped), keyed by
 * the Compose service owning the pod: a service sharing another's network adds its edges to it.
 */
function edges(project: ComposeProject, hosts: ReadonlyMap<string, string>, errors: Diagnostic[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const name of Object.keys(project.services).sort(compareStrings)) {
    const pod = podOf(hosts, name);
    const deps: string[] = out.get(pod) ?? [];
    for (const [dep, spec] of Object.entries(project.services[name].dependsOn)) {
      if (project.services[dep]) {
        const target = podOf(hosts, dep);
        if (target !== pod && !deps.includes(target)) deps.push(target);
      } else if (spec.required) {
        const path = servicePath(name, 'depends_on', dep);
        errors.push(error(`depends on "${dep}", which is not an enabled service`, {
          path, location: project.sourceMap.nearest(path), hint: 'enable its profile with --profile, or set required: false',
        }));
      }
    }
    out.set(pod, deps.sort(compareStrings));
  }
  return out;
}

/**
 * Planner pass `startupOrder` (see passes.ts): each workload's sync wave, the Sync hook of Jobs, and
 * its init containers: the dependency waits, then `x-k8s.initContainers` in the order written.
 */
export function planStartup(
  project: ComposeProject,
  workloads: readonly WorkloadPlan[],
  top: XK8sProject,
  xk8sOf: (service: string) => ServiceXK8s,
): { workloads: WorkloadPlan[]; decisions: KeyDecision[]; warnings: Diagnostic[]; errors: Diagnostic[] } {
  const order = planStartupOrder(project);
  const decisions: KeyDecision[] = [];
  const warnings: Diagnostic[] = [];
  const ordered = workloads.map((w) => {
    const annotations: Record<string, string> = { ...w.annotations };
    const wave = order.waves.get(w.composeName) ?? 0;
    if (wave > 0) annotations[SYNC_WAVE_ANNOTATION] = String(wave);
    if (w.kind === 'Job') {
      annotations[HOOK_ANNOTATION] = 'Sync';
      annotations[HOOK_DELETE_POLICY_ANNOTATION] = 'BeforeHookCreation';
    }
    return { ...w, annotations };
  });
  const byCompose = new Map(ordered.map((w) => [w.composeName, w]));
  const image = top.waitImage ?? DEFAULT_WAIT_IMAGE;
  // Once for every service (podHosts walks all services: per service it was O(n²) at 1000).
  const { hosts } = podHosts(project);
  const withWaits = ordered.map((w) => {
    const waits = planWaits(project, w.composeName, xk8sOf(w.composeName).waitForDependencies === true, byCompose, image, hosts);
    warnings.push(...waits.warnings);
    decisions.push(...waits.decisions);
    // x-k8s.initContainers run after the waits, in the order written.
    const own = (xk8sOf(w.composeName).initContainers ?? []).map((c) => ({ name: c.name, image: c.image, command: [...(c.command ?? [])] }));
    const init = [...waits.initContainers, ...own];
    return init.length ? { ...w, initContainers: init } : w;
  });
  return { workloads: withWaits, decisions, warnings, errors: order.errors };
}

export function planStartupOrder(project: ComposeProject): StartupOrder {
  const errors: Diagnostic[] = [];
  const { hosts } = podHosts(project);
  const graph = edges(project, hosts, errors);
  const waves = new Map<string, number>();
  const state = new Map<string, 'visiting' | 'done'>();
  const reported = new Set<string>();

  const visit = (name: string, stack: string[]): number => {
    if (state.get(name) === 'done') return waves.get(name)!;
    if (state.get(name) === 'visiting') {
      const cycle = [...stack.slice(stack.indexOf(name)), name];
      const key = [...cycle.slice(0, -1)].sort(compareStrings).join(',');
      if (!reported.has(key)) {
        reported.add(key);
        const path = servicePath(cycle[0], 'depends_on');
        const joined = [...hosts].filter(([, h]) => cycle.includes(h)).map(([side, h]) => `${side} runs in ${h}'s pod`).sort(compareStrings);
        errors.push(error(`depends_on has a cycle: ${cycle.join(' → ')}${joined.length ? ` (network_mode: ${joined.join(', ')}, so its depends_on are the pod's)` : ''}`, {
          path, location: project.sourceMap.nearest(path), hint: 'remove one of these dependencies',
        }));
      }
      return 0;
    }
    state.set(name, 'visiting');
    let wave = 0;
    for (const dep of graph.get(name) ?? []) wave = Math.max(wave, visit(dep, [...stack, name]) + 1);
    state.set(name, 'done');
    waves.set(name, wave);
    return wave;
  };
  for (const name of graph.keys()) visit(name, []);
  for (const [name, host] of hosts) waves.set(name, waves.get(host) ?? 0);

  return { waves, errors };
}

/** Services that another service waits on with `service_completed_successfully` (they run as Jobs, kinds.ts). */
export function awaitedToComplete(project: ComposeProject): ReadonlySet<string> {
  const completedDependencies = new Set<string>();
  for (const s of Object.values(project.services)) {
    for (const [dep, spec] of Object.entries(s.dependsOn)) {
      if (spec.condition === 'service_completed_successfully' && project.services[dep]) completedDependencies.add(dep);
    }
  }
  return completedDependencies;
}

/**
 * The wait init containers of one service, given every planned workload by Compose name.
 * Dependencies without a TCP Service cannot be waited for: a warning says the wave alone orders them.
 */
export function planWaits(
  project: ComposeProject,
  serviceName: string,
  waitAll: boolean,
  byCompose: ReadonlyMap<string, WorkloadPlan>,
  image: string,
  hosts: ReadonlyMap<string, string> = podHosts(project).hosts,
): { initContainers: InitContainerPlan[]; decisions: KeyDecision[]; warnings: Diagnostic[] } {
  const initContainers: InitContainerPlan[] = [];
  const decisions: KeyDecision[] = [];
  const warnings: Diagnostic[] = [];
  const deps = project.services[serviceName].dependsOn;
  for (const dep of Object.keys(deps).sort(compareStrings)) {
    const spec = deps[dep];
    const own = byCompose.get(dep);
    // A service sharing another's network answers on its own Service when it has ports, else on its pod's.
    const target = own && !own.service && podOf(hosts, dep) !== dep ? byCompose.get(podOf(hosts, dep)) ?? own : own;
    if (!target) continue;
    const path = servicePath(serviceName, 'depends_on', dep);
    if (podOf(hosts, dep) === podOf(hosts, serviceName)) {
      decisions.push({ path, status: 'lossy', reason: `${serviceName} and ${dep} are containers of one pod (network_mode), which start together: the order between them is lost` });
      continue;
    }
    if (spec.condition === 'service_completed_successfully') {
      decisions.push({ path, status: 'lossy', reason: `${dep} runs as a Job in an earlier sync wave; Argo CD waits for it to complete, plain kubectl apply does not` });
      continue;
    }
    if (spec.condition !== 'service_healthy' && !waitAll) {
      // Compose's service_started only orders container creation; the wave orders more strictly.
      decisions.push({ path, status: 'mapped', reason: `Argo CD applies it after ${dep} is healthy (sync wave); plain kubectl apply starts both at once` });
      continue;
    }
    const port = target.service?.ports.find((p) => p.protocol === 'TCP');
    if (!target.service || !port) {
      const message = `cannot wait for ${dep}: it has no TCP port, so only the Argo CD sync wave orders them`;
      warnings.push(warning(message, { path, location: project.sourceMap.nearest(path) }));
      decisions.push({ path, status: 'lossy', reason: message });
      continue;
    }
    const host = target.service.name;
    initContainers.push({
      name: childName('wait', target.name),
      image,
      command: ['sh', '-c', `until nc -z -w 2 ${host} ${port.port}; do echo "waiting for ${host}:${port.port}"; sleep 2; done`],
      waitsFor: { workload: target.name, port: port.targetPort, protocol: 'TCP' },
    });
    decisions.push({
      path, status: 'mapped',
      reason: `init container waits for ${host}:${port.port}${target.container.readinessProbe ? ' (the Service only answers once a pod is ready)' : ''}`,
    });
  }
  return { initContainers, decisions, warnings };
}
