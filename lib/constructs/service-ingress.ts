/**
 * ServiceIngress: an Ingress routing one host/path to a service's ClusterIP Service, from the
 * plan's IngressPlan. Raw `networking.k8s.io/v1` types: cdk8s-plus's Ingress cannot leave the
 * class unset or carry per-Ingress annotations the way the plan decides.
 */
import { Construct } from 'constructs';
import * as k8s from '../../imports/k8s';
import type { IngressPlan } from '../plan/model';

export interface ServiceIngressProps {
  /** The planned Ingress. */
  readonly ingress: IngressPlan;
  /** Labels on the Ingress. */
  readonly labels: Readonly<Record<string, string>>;
  /**
   * Namespace of the Ingress.
   * @default - none
   */
  readonly namespace?: string;
}

export class ServiceIngress extends Construct {
  /** The rendered Ingress object. */
  public readonly object: k8s.KubeIngress;

  constructor(scope: Construct, id: string, props: ServiceIngressProps) {
    super(scope, id);
    const i = props.ingress;
    this.object = new k8s.KubeIngress(this, 'Ingress', {
      metadata: {
        name: i.name,
        ...(props.namespace ? { namespace: props.namespace } : {}),
        labels: { ...props.labels },
        ...(Object.keys(i.annotations).length ? { annotations: { ...i.annotations } } : {}),
      },
      spec: {
        ...(i.className ? { ingressClassName: i.className } : {}),
        ...(i.tlsSecret ? { tls: [{ ...(i.host ? { hosts: [i.host] } : {}), secretName: i.tlsSecret }] } : {}),
        rules: [{
          ...(i.host ? { host: i.host } : {}),
          http: {
            paths: [{
              path: i.path,
              pathType: i.pathType,
              backend: { service: { name: i.serviceName, port: { number: i.servicePort } } },
            }],
          },
        }],
      },
    });
  }
}
