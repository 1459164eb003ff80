/**
 * `network_mode: service:X` (and `container:NAME`, NAME being the `container_name` of service X)
 * → the service runs as one more container in X's pod.
 *
 * In Compose such a service has no network identity of its own: it shares X's network namespace
 * (same IP, `localhost` reaches X, ports published on X). In Kubernetes, containers that share a
 * network namespace are the containers of one pod. So:
 * - its container (image, command, env, mounts, probes, resources, securityContext) is added to
 *   X's workload (`sidecars`), its pod volumes, pull secrets, init containers and pod runtime
 *   settings join X's pod; it gets no workload of its own;
 * - its ports are served by X's Service (in Compose `X:port` reached it); when it has ports, a
 *   Service named after it selects X's pods (`aliasServices`), so `http://<it>:port` still works;
 * - a port declared by X and by the service sharing its network is the service's (X's entry was
 *   the Compose idiom for publishing it) and leaves X's container; two services sharing X's
 *   network that declare the same port cannot both listen on it: refused;
 * - chains (`a` → `service:b` → `service:c`) are flattened: all run in c's pod; a loop is an error;
 * - the pod is X's: a different workload kind is an error, different replicas, its autoscaling,
 *   public Service, Ingress and hostname are ignored with a warning;
 * - depends_on edges from / to it are re-pointed at X's pod (startup-order.ts reads `podHosts`).
 * `container:NAME` naming no service's container_name is refused as before (its own pod).
 */
import type { ComposeProject } from '../compose/model';
import { Diagnostic, error, warning } from '../diagnostics';
import { compareStrings } from '../order';
import type {
  ContainerPlan, ContainerPortPlan, InitContainerPlan, KeyDecision, NetworkPolicyPlan, PodRuntimePlan, PodVolumePlan, ServicePlan,
  ServicePortPlan, WorkloadPlan,
} from './model';
import { servicePath, toDns1035 } from './names';
import { appendTo } from '../collections';

/** The service a `network_mode` names directly, or undefined when it names none of the project's services. */
function directHost(project: ComposeProject, serviceName: string): string | undefined {
  const mode = project.services[serviceName]?.networkMode;
  if (mode === undefined) return undefined;
  if (mode.startsWith('service:')) {
    const target = mode.slice('service:'.length);
    return project.services[target] ? target : undefined;
  }
  if (mode.startsWith('container:')) {
    const target = mode.slice('container:'.length);
    const owners = Object.keys(project.services).sort(compareStrings)
      .filter((n) => project.services[n].containerName === target);
    return owners[0];
  }
  return undefined;
}

export interface PodHosts {
  /** Compose service → the Compose service whose pod it runs in (chains flattened). */
  readonly hosts: ReadonlyMap<string, string>;
  /** Loops (`a: service:b`, `b: service:a`). */
  readonly errors: Diagnostic[];
}

/** Which services join another service's pod. Pure; the same answer for every caller. */
export function podHosts(project: ComposeProject): PodHosts {
  const hosts = new Map<string, string>();
  const errors: Diagnostic[] = [];
  for (const name of Object.keys(project.services).sort(compareStrings)) {
    const chain = [name];
    let next = directHost(project, name);
    while (next !== undefined && !chain.includes(next)) {
      chain.push(next);
      next = directHost(project, next);
    }
    if (next !== undefined) {
      // A loop: report it once, from its first member in name order.
      const loop = chain.slice(chain.indexOf(next));
      if ([...loop].sort(compareStrings)[0] === name) {
        const path = servicePath(name, 'network_mode');
        errors.push(error(`network_mode has a loop: ${[...loop, next].join(' → ')}; one of them must own the network`, {
          path, location: project.sourceMap.nearest(path), hint: 'remove network_mode from one of these services',
        }));
      }
      continue;
    }
    if (chain.length > 1) hosts.set(name, chain[chain.length - 1]);
  }
  return { hosts, errors };
}

/** The pod a Compose service runs in: its host's name, or its own. */
export function podOf(hosts: ReadonlyMap<string, string>, service: string): string {
  return hosts.get(service) ?? service;
}

export interface SharedNetworkResult {
  readonly workloads: WorkloadPlan[];
  readonly networkPolicies: NetworkPolicyPlan[];
  readonly decisions: KeyDecision[];
  readonly warnings: Diagnostic[];
  readonly errors: Diagnostic[];
}

const portKey = (p: { containerPort: number; protocol: string }): string => `${p.protocol}/${p.containerPort}`;
const defaultName = (p: { containerPort: number; protocol: string }): string => `${p.protocol.toLowerCase()}-${p.containerPort}`;
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * Folds every service that shares another's network into its host's workload. `workloads` are the
 * fully planned ones (kind, runtime, exposure, waits decided); policies lose the folded names.
 */
export function shareNetworks(
  project: ComposeProject,
  workloads: readonly WorkloadPlan[],
  networkPolicies: readonly NetworkPolicyPlan[],
): SharedNetworkResult {
  const { hosts, errors } = podHosts(project);
  const decisions: KeyDecision[] = [];
  const warnings: Diagnostic[] = [];
  const at = (path: string): { path: string; location?: ReturnType<typeof project.sourceMap.nearest> } => ({ path, location: project.sourceMap.nearest(path) });

  // container:NAME naming no service's container: still its own pod.
  for (const name of Object.keys(project.services).sort(compareStrings)) {
    const mode = project.services[name].networkMode;
    // Resolved: in a pod (hosts), or in a loop (an error already).
    if (!mode || directHost(project, name) !== undefined) continue;
    if (mode.startsWith('service:')) {
      // The loader refuses this already; a project built another way gets the same answer.
      const path = servicePath(name, 'network_mode');
      errors.push(error(`network_mode refers to service "${mode.slice('service:'.length)}", which is not defined or not enabled, so there is no pod to join`, {
        ...at(path), hint: 'define or enable that service (--profile), or remove network_mode',
      }));
    } else if (mode.startsWith('container:')) {
      const path = servicePath(name, 'network_mode');
      const target = mode.slice('container:'.length);
      const message = `network_mode: ${mode} is refused: no service of this project has container_name "${target}", so the service runs in its own pod and "localhost" no longer reaches ${target}`;
      decisions.push({ path, status: 'refused', reason: message });
      warnings.push(warning(message, { ...at(path), hint: `use network_mode: service:<name> for a service of this project, or reach ${target} by its Service name instead of localhost` }));
    }
  }
  if (hosts.size === 0) return { workloads: [...workloads], networkPolicies: [...networkPolicies], decisions, warnings, errors };

  const byCompose = new Map(workloads.map((w) => [w.composeName, w]));
  const folded = new Set<string>();
  const merged = new Map<string, WorkloadPlan>();
  const sidecarsOf = new Map<string, string[]>();
  for (const [s, h] of [...hosts.entries()].sort(([a], [b]) => compareStrings(a, b))) appendTo(sidecarsOf, h, s);

  for (const [hostName, sideNames] of sidecarsOf) {
    const host = byCompose.get(hostName);
    if (!host) continue; // the host failed to plan: its errors are reported already
    let w: WorkloadPlan = host;
    // Which container declares each port: sidecars take their ports from the host.
    const portOwner = new Map<string, string>();
    for (const sideName of sideNames) {
      const side = byCompose.get(sideName);
      if (!side) continue;
      folded.add(sideName);
      const base = servicePath(sideName);
      const modePath = servicePath(sideName, 'network_mode');
      const mode = project.services[sideName].networkMode ?? '';
      if (side.kind !== host.kind) {
        errors.push(error(`network_mode: ${mode} puts ${sideName} in ${hostName}'s pod, but ${sideName} would be a ${side.kind} and ${hostName} a ${host.kind}: one pod has one workload kind`, {
          ...at(modePath), hint: `give both the same kind (x-k8s.kind, restart, deploy.mode), or remove network_mode and reach ${hostName} by its Service name`,
        }));
        continue;
      }
      const ignore = (path: string, message: string, hint?: string): void => {
        decisions.push({ path, status: 'ignored', reason: message });
        warnings.push(warning(message, { ...at(path), ...(hint ? { hint } : {}) }));
      };
      if ((host.kind === 'Deployment' || host.kind === 'StatefulSet') && side.replicas !== host.replicas) {
        ignore(project.services[sideName].deploy?.replicas !== undefined ? `${base}.deploy.replicas` : base,
          `${sideName} runs in ${hostName}'s pod, so it has ${hostName}'s ${host.replicas} replica${host.replicas === 1 ? '' : 's'}, not ${side.replicas}`,
          `set the replicas on ${hostName}`);
      }
      if (side.autoscaling) ignore(`${base}.x-k8s.autoscaling`, `autoscaling of ${sideName} is ignored: it runs in ${hostName}'s pod, which scales as ${hostName}`, `set autoscaling on ${hostName}`);
      if (side.publicService) ignore(`${base}.x-k8s`, `the public Service of ${sideName} is not created: its ports are on ${hostName}'s pod`, `set x-k8s.serviceType on ${hostName}`);
      if (side.ingress) ignore(`${base}.x-k8s.ingress`, `the Ingress of ${sideName} is not created: its ports are on ${hostName}'s pod`, `set x-k8s.ingress on ${hostName}, pointing at the port`);
      // Its own x-k8s annotations / podLabels (top-level defaults apply to the host as well).
      const ownXk8s = (project.services[sideName].extensions['x-k8s'] ?? {}) as { annotations?: Record<string, string>; podLabels?: Record<string, string> };
      for (const [key, what, hostHas] of [['annotations', 'annotations', w.annotations], ['podLabels', 'pod labels', w.labels]] as const) {
        const own = ownXk8s[key] ?? {};
        const lost = Object.keys(own).filter((k) => hostHas[k] !== own[k]).sort(compareStrings);
        if (lost.length > 0) ignore(`${base}.x-k8s.${key}`, `the ${what} ${lost.join(', ')} of ${sideName} are not set: it has no workload of its own and runs in ${hostName}'s pod`, `set them in ${hostName}'s x-k8s`);
      }
      if (side.hostname) ignore(`${base}.hostname`, `hostname of ${sideName} is ignored: the pod's hostname is ${hostName}'s`);

      // Ports: the sidecar owns what it declares; a clash between two sidecars is refused.
      const ports: ContainerPortPlan[] = [];
      const names = new Set([...w.container.ports, ...(w.sidecars ?? []).flatMap((c) => c.ports)].map((p) => p.name));
      let clash = false;
      for (const p of side.container.ports) {
        const first = portOwner.get(portKey(p));
        if (first !== undefined) {
          clash = true;
          errors.push(error(`${sideName} and ${first} both declare port ${p.containerPort}/${p.protocol.toLowerCase()}, but they share ${hostName}'s network (one pod), where only one can listen on it`, {
            ...at(modePath), hint: `make one of them listen on another port, or run it without network_mode: ${mode}`,
          }));
          continue;
        }
        portOwner.set(portKey(p), sideName);
        const name = names.has(p.name) && !w.container.ports.some((q) => q.name === p.name && portKey(q) === portKey(p)) ? defaultName(p) : p.name;
        names.add(name);
        ports.push({ ...p, name });
      }
      if (clash) continue;
      const taken = new Set(ports.map(portKey));
      const yielded = w.container.ports.filter((p) => taken.has(portKey(p)));
      if (yielded.length > 0) {
        decisions.push({
          path: servicePath(hostName, 'ports'), status: 'mapped',
          reason: `port${yielded.length > 1 ? 's' : ''} ${yielded.map((p) => p.containerPort).join(', ')} ${yielded.length > 1 ? 'are' : 'is'} declared on the ${sideName} container, which listens in ${hostName}'s network; ${hostName}'s Service forwards to it`,
        });
      }

      const sidecar: ContainerPlan = { ...side.container, ports, service: sideName };
      const service = mergeServicePorts(w, side.service?.ports ?? []);
      const volumes = mergeVolumes(w.volumes, side.volumes, (name) => errors.push(error(`${sideName} and ${hostName} share a pod but both define a different pod volume "${name}"`, {
        ...at(modePath), hint: 'rename one of the volumes',
      })));
      const pullSecrets = [...w.imagePullSecrets, ...side.imagePullSecrets.filter((p) => !w.imagePullSecrets.includes(p))];
      const pod = mergePod(w.pod, side.pod, (key) => ignore(`${base}.${key}`, `${key} of ${sideName} is ignored: ${hostName}'s pod already sets it differently`, `set it on ${hostName}`));
      const initContainers = mergeInit(w.initContainers, side.initContainers);
      // Its Compose labels (annotations on its workload) go on the pod's workload.
      const annotations: Record<string, string> = { ...w.annotations };
      for (const key of Object.keys(project.services[sideName].labels).sort(compareStrings)) {
        const value = side.annotations[key];
        if (value === undefined) continue;
        if (annotations[key] === undefined) annotations[key] = value;
        else if (annotations[key] !== value) ignore(`${base}.labels`, `label ${key} of ${sideName} is left out: ${hostName}'s workload, which runs it, has it with another value`);
      }
      const grace = Math.max(w.terminationGracePeriodSeconds ?? -1, side.terminationGracePeriodSeconds ?? -1);
      const alias: ServicePlan | undefined = side.service && side.service.ports.length > 0
        ? { name: side.service.name, type: 'ClusterIP', ports: side.service.ports }
        : undefined;
      w = {
        ...w,
        container: { ...w.container, ports: w.container.ports.filter((p) => !taken.has(portKey(p))) },
        sidecars: [...(w.sidecars ?? []), sidecar],
        volumes,
        strategy: w.strategy === 'Recreate' || side.strategy === 'Recreate' ? 'Recreate' : 'RollingUpdate',
        imagePullSecrets: pullSecrets,
        annotations,
        ...(grace >= 0 ? { terminationGracePeriodSeconds: grace } : {}),
        ...(pod ? { pod } : {}),
        ...(initContainers.length ? { initContainers } : {}),
        ...(service ? { service } : {}),
        ...(alias ? { aliasServices: [...(w.aliasServices ?? []), alias] } : {}),
      };
      decisions.push({
        path: modePath, status: 'mapped',
        reason: `${mode} → container ${sidecar.name} in ${hostName}'s pod (${host.kind} ${host.name}): one network namespace, localhost reaches ${hostName}${alias ? `; Service ${alias.name} selects that pod` : ''}`,
      });
    }
    merged.set(hostName, w);
  }

  const out = workloads.filter((w) => !folded.has(w.composeName)).map((w) => merged.get(w.composeName) ?? w);
  const gone = new Set(workloads.filter((w) => folded.has(w.composeName)).map((w) => w.name));
  const keep = (names: readonly string[]): string[] => names.filter((n) => !gone.has(n));
  const policies = networkPolicies
    .map((p) => ({
      ...p,
      podNames: keep(p.podNames),
      ...(p.ingressFrom ? { ingressFrom: keep(p.ingressFrom) } : {}),
      ...(p.egressTo && p.egressTo !== 'any' ? { egressTo: keep(p.egressTo) } : {}),
    }))
    .filter((p) => p.podNames.length > 0);
  return { workloads: out, networkPolicies: policies, decisions, warnings, errors };
}

/** The host's Service with the sidecar's ports added (a port it already serves is not repeated). */
function mergeServicePorts(w: WorkloadPlan, extra: readonly ServicePortPlan[]): ServicePlan | undefined {
  if (extra.length === 0) return w.service;
  const current = w.service?.ports ?? [];
  const ports = [...current];
  for (const p of extra) {
    if (ports.some((q) => q.port === p.port && q.protocol === p.protocol)) continue;
    const name = ports.some((q) => q.name === p.name) ? defaultName({ containerPort: p.port, protocol: p.protocol }) : p.name;
    ports.push({ ...p, name });
  }
  return { ...(w.service ?? { name: w.name, type: 'ClusterIP' as const }), ports };
}

function mergeVolumes(a: readonly PodVolumePlan[], b: readonly PodVolumePlan[], clash: (name: string) => void): PodVolumePlan[] {
  const byName = new Map(a.map((v) => [v.name, v]));
  for (const v of b) {
    const existing = byName.get(v.name);
    if (!existing) byName.set(v.name, v);
    else if (!same(existing, v)) clash(v.name);
  }
  return [...byName.values()].sort((x, y) => compareStrings(x.name, y.name));
}

function mergeInit(a: readonly InitContainerPlan[] | undefined, b: readonly InitContainerPlan[] | undefined): InitContainerPlan[] {
  const out = [...(a ?? [])];
  for (const c of b ?? []) if (!out.some((x) => x.name === c.name)) out.push(c);
  return out;
}

/** Pod settings of both: lists are joined, a scalar the host sets differently stays the host's. */
function mergePod(host: PodRuntimePlan | undefined, side: PodRuntimePlan | undefined, conflict: (key: string) => void): PodRuntimePlan | undefined {
  if (!side) return host;
  const out: { -readonly [K in keyof PodRuntimePlan]: PodRuntimePlan[K] } = { ...(host ?? {}) };
  if (side.hostAliases) {
    const byIp = new Map((out.hostAliases ?? []).map((h) => [h.ip, [...h.hostnames]]));
    for (const h of side.hostAliases) byIp.set(h.ip, [...new Set([...(byIp.get(h.ip) ?? []), ...h.hostnames])].sort(compareStrings));
    out.hostAliases = [...byIp.entries()].sort(([x], [y]) => compareStrings(x, y)).map(([ip, hostnames]) => ({ ip, hostnames }));
  }
  if (side.sysctls) {
    const byName = new Map((out.sysctls ?? []).map((s) => [s.name, s.value]));
    for (const s of side.sysctls) {
      if (byName.has(s.name) && byName.get(s.name) !== s.value) conflict('sysctls');
      else byName.set(s.name, s.value);
    }
    out.sysctls = [...byName.entries()].sort(([x], [y]) => compareStrings(x, y)).map(([name, value]) => ({ name, value }));
  }
  if (side.supplementalGroups) out.supplementalGroups = [...new Set([...(out.supplementalGroups ?? []), ...side.supplementalGroups])].sort((x, y) => x - y);
  if (side.shareProcessNamespace) out.shareProcessNamespace = true;
  if (side.dnsConfig) {
    if (!out.dnsConfig) out.dnsConfig = side.dnsConfig;
    else if (!same(out.dnsConfig, side.dnsConfig)) conflict('dns');
  }
  return Object.keys(out).length ? out : undefined;
}

/** The workload whose pod runs `composeName` as a sidecar (container names are the services' Kubernetes names). */
export function sidecarHost(workloads: readonly WorkloadPlan[], composeName: string): WorkloadPlan | undefined {
  const name = toDns1035(composeName);
  return workloads.find((w) => w.sidecars?.some((c) => c.name === name));
}

/** How the report names what a service became: its workload kind, or the pod it is a container of. */
export function podKindLabel(workloads: readonly WorkloadPlan[], composeName: string): string | undefined {
  const own = workloads.find((w) => w.composeName === composeName);
  if (own) return own.kind;
  const host = sidecarHost(workloads, composeName);
  return host ? `container in ${host.kind} ${host.name}` : undefined;
}
