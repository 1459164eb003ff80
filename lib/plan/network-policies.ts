/**
 * Compose networks → NetworkPolicies.
 *
 * When the file declares networks (other than the implicit `default`) and `x-k8s.networkPolicies`
 * is not false, every pod is isolated the way Compose isolates containers:
 * - one policy per network selects its members and lets them receive from each other only;
 * - egress: a normal network allows any egress; an `internal: true` network allows only its
 *   members plus DNS (port 53). Policies add up, so a pod on a normal network keeps internet access;
 * - a service exposed through a public Service or an Ingress also gets `<name>-public`, opening its
 *   published / routed ports to anywhere (the load balancer or ingress controller).
 * A service without `networks:` is on `default`, as in Compose.
 */
import type { ComposeProject } from '../compose/model';
import { compareStrings } from '../order';
import type { NetworkPolicyPlan, WorkloadPlan } from './model';
import { childName } from './names';

export function hasDeclaredNetworks(project: ComposeProject): boolean {
  return Object.keys(project.networks).some((n) => n !== 'default');
}

export function planNetworkPolicies(
  project: ComposeProject,
  workloads: readonly WorkloadPlan[],
  labels: Readonly<Record<string, string>>,
): NetworkPolicyPlan[] {
  if (!hasDeclaredNetworks(project)) return [];
  const members = new Map<string, string[]>();
  for (const w of workloads) {
    const service = project.services[w.composeName];
    if (!service || w.pod?.hostNetwork) continue;
    const nets = Object.keys(service.networks);
    for (const net of nets.length > 0 ? nets : ['default']) members.set(net, [...(members.get(net) ?? []), w.name]);
  }
  const out: NetworkPolicyPlan[] = [];
  for (const net of [...members.keys()].sort(compareStrings)) {
    const names = [...new Set(members.get(net))].sort(compareStrings);
    const internal = project.networks[net]?.internal === true;
    out.push({
      name: childName('network', net),
      labels,
      network: net,
      podNames: names,
      ingressFrom: names,
      egressTo: internal ? names : 'any',
    });
  }
  for (const w of workloads) {
    const ports = new Map<string, { port: number; protocol: 'TCP' | 'UDP' | 'SCTP' }>();
    for (const p of w.publicService?.ports ?? []) ports.set(`${p.protocol}/${p.targetPort}`, { port: p.targetPort, protocol: p.protocol });
    if (w.ingress) ports.set(`TCP/${w.ingress.servicePort}`, { port: w.ingress.servicePort, protocol: 'TCP' });
    if (ports.size === 0 || w.pod?.hostNetwork) continue;
    out.push({
      name: childName(w.name, 'public'),
      labels,
      podNames: [w.name],
      ingressPorts: [...ports.values()].sort((a, b) => a.port - b.port || compareStrings(a.protocol, b.protocol)),
    });
  }
  return out.sort((a, b) => compareStrings(a.name, b.name));
}
