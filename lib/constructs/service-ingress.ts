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
    // One rule per host (in the order first written) with its paths; every named host gets a TLS entry.
    const byHost = new Map<string, { host?: string; paths: string[] }>();
    for (const r of [{ host: i.host, path: i.path }, ...(i.extraRules ?? [])]) {
      const key = r.host ?? '';
      const rule = byHost.get(key) ?? { ...(r.host ? { host: r.host } : {}), paths: [] };
      if (!rule.paths.includes(r.path)) rule.paths.push(r.path);
      byHost.set(key, rule);
    }
    const rules = [...byHost.values()];
    const tlsHosts = rules.map((r) => r.host).filter((h): h is string => h !== undefined);
    this.object = new k8s.KubeIngress(this, 'Ingress', {
      metadata: {
        name: i.name,
        ...(props.namespace ? { namespace: props.namespace } : {}),
        labels: { ...props.labels },
        ...(Object.keys(i.annotations).length ? { annotations: { ...i.annotations } } : {}),
      },
      spec: {
        ...(i.className ? { ingressClassName: i.className } : {}),
        ...(i.tlsSecret ? { tls: tlsHosts.length > 0 ? tlsHosts.map((h) => ({ hosts: [h], secretName: i.tlsSecret })) : [{ secretName: i.tlsSecret }] } : {}),
        rules: rules.map((r) => ({
          ...(r.host ? { host: r.host } : {}),
          http: {
            paths: r.paths.map((path) => ({
              path,
              pathType: i.pathType,
              backend: { service: { name: i.serviceName, port: { number: i.servicePort } } },
            })),
          },
        })),
      },
    });
  }
}
