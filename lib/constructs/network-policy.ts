/**
 * ComposeNetworkPolicy: one NetworkPolicy from the plan (a Compose network, the exposed ports of a
 * service, or the dependency waits no network allows). Pods are selected by
 * `app.kubernetes.io/name` and the project's `app.kubernetes.io/part-of`. Raw
 * `networking.k8s.io/v1` types, so the rules are exactly the plan's.
 */
import { Construct } from 'constructs';
import * as k8s from '../../imports/k8s';
import type { NetworkPolicyPlan, PolicyPortPlan } from '../plan/model';

export interface ComposeNetworkPolicyProps {
  /** The planned policy. */
  readonly policy: NetworkPolicyPlan;
  /**
   * Namespace of the policy.
   * @default - none
   */
  readonly namespace?: string;
}

const NAME = 'app.kubernetes.io/name';

function ports(list: readonly PolicyPortPlan[]): k8s.NetworkPolicyPort[] {
  return list.map((x) => ({ port: k8s.IntOrString.fromNumber(x.port), protocol: x.protocol }));
}

export class ComposeNetworkPolicy extends Construct {
  /** The rendered NetworkPolicy. */
  public readonly object: k8s.KubeNetworkPolicy;

  constructor(scope: Construct, id: string, props: ComposeNetworkPolicyProps) {
    super(scope, id);
    const p = props.policy;
    const pods = (names: readonly string[]): k8s.LabelSelector => ({
      ...(Object.keys(p.podLabels).length ? { matchLabels: { ...p.podLabels } } : {}),
      matchExpressions: [{ key: NAME, operator: 'In', values: [...names] }],
    });
    const ingress: k8s.NetworkPolicyIngressRule[] = [];
    if (p.ingressFrom) ingress.push({ from: [{ podSelector: pods(p.ingressFrom) }] });
    if (p.ingressPorts) ingress.push({ ports: ports(p.ingressPorts) });
    if (p.ingressFromOnPorts) ingress.push({ from: [{ podSelector: pods(p.ingressFromOnPorts.pods) }], ports: ports(p.ingressFromOnPorts.ports) });
    const egress: k8s.NetworkPolicyEgressRule[] = [];
    if (p.egressTo === 'any') egress.push({});
    else if (p.egressTo) {
      egress.push(
        { to: [{ podSelector: pods(p.egressTo) }] },
        { ports: [{ port: k8s.IntOrString.fromNumber(53), protocol: 'UDP' }, { port: k8s.IntOrString.fromNumber(53), protocol: 'TCP' }] },
      );
    }
    if (p.egressToOnPorts) egress.push({ to: [{ podSelector: pods(p.egressToOnPorts.pods) }], ports: ports(p.egressToOnPorts.ports) });
    const policyTypes = [...(ingress.length ? ['Ingress'] : []), ...(egress.length ? ['Egress'] : [])];
    this.object = new k8s.KubeNetworkPolicy(this, 'NetworkPolicy', {
      metadata: {
        name: p.name,
        ...(props.namespace ? { namespace: props.namespace } : {}),
        labels: { ...p.labels },
        ...(p.network ? { annotations: { 'compose-cdk8s.io/network': p.network } } : {}),
      },
      spec: {
        podSelector: pods(p.podNames),
        policyTypes,
        ...(ingress.length ? { ingress } : {}),
        ...(egress.length ? { egress } : {}),
      },
    });
  }
}
