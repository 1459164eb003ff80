/**
 * Compose networks → NetworkPolicies.
 *
 * When the file declares networks (other than the implicit `default`) and `x-k8s.networkPolicies`
 * is not false, every pod is isolated the way Compose isolates containers:
 * - one policy per network selects its members and lets them receive from each other only;
 * - egress: a normal network allows any egress; an `internal: true` network allows only its
 *   members plus DNS (port 53). Policies add up, so a pod on a normal network keeps internet access;
 * - a service exposed through a public Service (LoadBalancer / NodePort) or an Ingress also gets
 *   `<name>-public`, opening exactly the pod ports behind its published / routed ports to anywhere:
 *   load-balancer traffic comes from outside the cluster, an ingress controller's from another
 *   namespace (DOKS runs Cilium, which enforces policies);
 * - a wait for a dependency (`depends_on` with `service_healthy`, or `x-k8s.waitForDependencies`)
 *   the networks do not already allow (no shared network) gets `<dependency>-dependents`, letting
 *   the waiting pods reach exactly the waited port, and, when the waiting pod's networks are all
 *   internal, `<dependent>-dependencies` opening its egress to that port. In Compose such an edge
 *   works without a shared network (Docker checks health inside the container); in Kubernetes the
 *   wait is a TCP connection, which the policies must not block.
 * Pods are selected by `app.kubernetes.io/name` plus the project's `app.kubernetes.io/part-of`, so
 * two projects in one namespace never match each other's pods. A service without `networks:` is on
 * `default`, as in Compose. A service in another's network (`network_mode: service:X`) is X's pod.
 */
import type { ComposeProject } from '../compose/model';
import { compareStrings } from '../order';
import { LABEL_PART_OF } from './labels';
import type { KeyDecision, NetworkPolicyPlan, PolicyPortPlan, WorkloadPlan } from './model';
import { childName, servicePath } from './names';
import { podHosts, podOf } from './shared-network';
import { appendTo } from '../collections';

export function hasDeclaredNetworks(project: ComposeProject): boolean {
  return Object.keys(project.networks).some((n) => n !== 'default');
}

function networksOf(project: ComposeProject, service: string): string[] {
  const nets = Object.keys(project.services[service]?.networks ?? {});
  return nets.length > 0 ? nets : ['default'];
}

function sortPorts(ports: Iterable<PolicyPortPlan>): PolicyPortPlan[] {
  const unique = new Map<string, PolicyPortPlan>();
  for (const p of ports) unique.set(`${p.protocol}/${p.port}`, p);
  return [...unique.values()].sort((a, b) => a.port - b.port || compareStrings(a.protocol, b.protocol));
}

/** The pod ports behind what a workload exposes outside the cluster (public Service, Ingress). */
export function exposedPodPorts(w: WorkloadPlan): PolicyPortPlan[] {
  const ports: PolicyPortPlan[] = [];
  for (const p of w.publicService?.ports ?? []) ports.push({ port: p.targetPort, protocol: p.protocol });
  if (w.ingress) {
    // The Ingress names a port of the ClusterIP Service; the pod listens on its targetPort.
    const svc = w.service?.ports.find((p) => p.port === w.ingress!.servicePort && p.protocol === 'TCP');
    ports.push({ port: svc?.targetPort ?? w.ingress.servicePort, protocol: 'TCP' });
  }
  return sortPorts(ports);
}

/**
 * Planner pass `networkPolicies` (see passes.ts): the NetworkPolicies of the project (none with
 * top-level `x-k8s.networkPolicies: false`), and a decision on each service's `networks` they carry.
 */
export function planProjectNetworkPolicies(
  project: ComposeProject,
  workloads: readonly WorkloadPlan[],
  enabled: boolean,
): { networkPolicies: NetworkPolicyPlan[]; decisions: KeyDecision[] } {
  const decisions: KeyDecision[] = [];
  const partOf = workloads[0]?.selector[LABEL_PART_OF];
  const networkPolicies = enabled ? planNetworkPolicies(project, workloads, partOf ? { [LABEL_PART_OF]: partOf } : {}) : [];
  if (networkPolicies.length > 0) {
    for (const s of Object.keys(project.services).sort(compareStrings)) {
      if (Object.keys(project.services[s].networks).length > 0) {
        decisions.push({ path: servicePath(s, 'networks'), status: 'mapped', reason: 'NetworkPolicies: only services sharing a network reach this pod' });
      }
    }
  }
  return { networkPolicies, decisions };
}

export function planNetworkPolicies(
  project: ComposeProject,
  workloads: readonly WorkloadPlan[],
  labels: Readonly<Record<string, string>>,
): NetworkPolicyPlan[] {
  if (!hasDeclaredNetworks(project)) return [];
  const podLabels = { ...labels };
  const members = new Map<string, string[]>();
  for (const w of workloads) {
    const service = project.services[w.composeName];
    if (!service || w.pod?.hostNetwork) continue;
    for (const net of networksOf(project, w.composeName)) appendTo(members, net, w.name);
  }
  const out: NetworkPolicyPlan[] = [];
  for (const net of [...members.keys()].sort(compareStrings)) {
    const names = [...new Set(members.get(net))].sort(compareStrings);
    const internal = project.networks[net]?.internal === true;
    out.push({
      name: childName('network', net),
      labels,
      podLabels,
      network: net,
      podNames: names,
      ingressFrom: names,
      egressTo: internal ? names : 'any',
    });
  }
  for (const w of workloads) {
    const ports = exposedPodPorts(w);
    if (ports.length === 0 || w.pod?.hostNetwork) continue;
    out.push({ name: childName(w.name, 'public'), labels, podLabels, podNames: [w.name], ingressPorts: ports });
  }
  out.push(...dependencyPolicies(project, workloads, labels, podLabels));
  return out.sort((a, b) => compareStrings(a.name, b.name));
}

/**
 * The waits no shared network allows, as policies on both ends (see the file comment). Names are
 * pod owners: a service in another's network waits (and is waited for) as that pod.
 */
function dependencyPolicies(
  project: ComposeProject,
  workloads: readonly WorkloadPlan[],
  labels: Readonly<Record<string, string>>,
  podLabels: Readonly<Record<string, string>>,
): NetworkPolicyPlan[] {
  const { hosts } = podHosts(project);
  const byCompose = new Map(workloads.map((w) => [w.composeName, w]));
  const byName = new Map(workloads.map((w) => [w.name, w]));
  /** The workload whose pod runs a Compose service. */
  const podWorkload = (composeName: string): WorkloadPlan | undefined => byCompose.get(podOf(hosts, composeName)) ?? byCompose.get(composeName);
  const internalOnly = (composeName: string): boolean => networksOf(project, composeName).every((n) => project.networks[n]?.internal === true);

  const ingress = new Map<string, { pods: Set<string>; ports: PolicyPortPlan[] }>();
  const egress = new Map<string, { pods: Set<string>; ports: PolicyPortPlan[] }>();
  for (const w of workloads) {
    const from = podWorkload(w.composeName);
    if (!from || from.pod?.hostNetwork) continue;
    for (const c of w.initContainers ?? []) {
      const waited = c.waitsFor ? byName.get(c.waitsFor.workload) : undefined;
      const to = waited ? podWorkload(waited.composeName) : undefined;
      if (!c.waitsFor || !to || to.name === from.name || to.pod?.hostNetwork) continue;
      const fromNets = networksOf(project, from.composeName);
      if (networksOf(project, to.composeName).some((n) => fromNets.includes(n))) continue;
      const port: PolicyPortPlan = { port: c.waitsFor.port, protocol: c.waitsFor.protocol };
      const inRule = ingress.get(to.name) ?? { pods: new Set<string>(), ports: [] };
      inRule.pods.add(from.name);
      inRule.ports.push(port);
      ingress.set(to.name, inRule);
      if (internalOnly(from.composeName)) {
        const outRule = egress.get(from.name) ?? { pods: new Set<string>(), ports: [] };
        outRule.pods.add(to.name);
        outRule.ports.push(port);
        egress.set(from.name, outRule);
      }
    }
  }
  const out: NetworkPolicyPlan[] = [];
  for (const [to, rule] of ingress) {
    out.push({
      name: childName(to, 'dependents'), labels, podLabels, podNames: [to],
      ingressFromOnPorts: { pods: [...rule.pods].sort(compareStrings), ports: sortPorts(rule.ports) },
    });
  }
  for (const [from, rule] of egress) {
    out.push({
      name: childName(from, 'dependencies'), labels, podLabels, podNames: [from],
      egressToOnPorts: { pods: [...rule.pods].sort(compareStrings), ports: sortPorts(rule.ports) },
    });
  }
  return out;
}
