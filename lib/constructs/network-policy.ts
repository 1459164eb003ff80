/**
 * ComposeNetworkPolicy: one NetworkPolicy from the plan (a Compose network, or the published
 * ports of an exposed service). Pods are selected by `app.kubernetes.io/name`. Raw
 * `networking.k8s.io/v1` types, so the rules are exactly the plan's.
 */
import { Construct } from 'constructs';
import * as k8s from '../../imports/k8s';
import type { NetworkPolicyPlan } from '../plan/model';

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

function pods(names: readonly string[]): k8s.LabelSelector {
  return { matchExpressions: [{ key: NAME, operator: 'In', values: [...names] }] };
}

export class ComposeNetworkPolicy extends Construct {
  /** The rendered NetworkPolicy. */
  public readonly object: k8s.KubeNetworkPolicy;

  constructor(scope: Construct, id: string, props: ComposeNetworkPolicyProps) {
    super(scope, id);
    const p = props.policy;
    const ingress: k8s.NetworkPolicyIngressRule[] = p.ingressFrom
      ? [{ from: [{ podSelector: pods(p.ingressFrom) }] }]
      : [{ ports: (p.ingressPorts ?? []).map((x) => ({ port: k8s.IntOrString.fromNumber(x.port), protocol: x.protocol })) }];
    const egress: k8s.NetworkPolicyEgressRule[] | undefined = p.egressTo === undefined
      ? undefined
      : p.egressTo === 'any'
        ? [{}]
        : [
          { to: [{ podSelector: pods(p.egressTo) }] },
          { ports: [{ port: k8s.IntOrString.fromNumber(53), protocol: 'UDP' }, { port: k8s.IntOrString.fromNumber(53), protocol: 'TCP' }] },
        ];
    this.object = new k8s.KubeNetworkPolicy(this, 'NetworkPolicy', {
      metadata: {
        name: p.name,
        ...(props.namespace ? { namespace: props.namespace } : {}),
        labels: { ...p.labels },
        ...(p.network ? { annotations: { 'compose-cdk8s.io/network': p.network } } : {}),
      },
      spec: {
        podSelector: pods(p.podNames),
        policyTypes: egress ? ['Ingress', 'Egress'] : ['Ingress'],
        ingress,
        ...(egress ? { egress } : {}),
      },
    });
  }
}
