/**
 * ComposeChart: the whole Compose project as one cdk8s chart, rendered from a DeploymentPlan.
 *
 * Object order (and so the order in the synthesized YAML) is fixed: Namespace, ConfigMaps,
 * PersistentVolumeClaims, then each workload (its workload object, Services, Ingress, autoscaler) by
 * name, then NetworkPolicies.
 */
import { Chart, ChartProps, Size } from 'cdk8s';
import { Construct } from 'constructs';
import type { DeploymentPlan } from '../plan/model';
import { POD_SECURITY_ENFORCE } from '../plan/pod-security';
import * as plus from './plus';
import { ComposeNetworkPolicy } from './network-policy';
import { ServiceAutoscaler } from './service-autoscaler';
import { ServiceIngress } from './service-ingress';
import { ServiceWorkload } from './service-workload';

export interface ComposeChartProps extends ChartProps {
  /** The plan to render (from `planProject`). */
  readonly plan: DeploymentPlan;
}

export class ComposeChart extends Chart {
  /** The rendered workloads, by Compose service name. */
  public readonly workloads: ReadonlyMap<string, ServiceWorkload>;

  constructor(scope: Construct, id: string, props: ComposeChartProps) {
    super(scope, id, { ...props, disableResourceNameHashes: true });
    const { plan } = props;
    const namespace = plan.namespace;

    if (namespace) {
      // Pod Security admission: baseline, or privileged when a service asks for it (plan/pod-security.ts).
      new plus.Namespace(this, 'Namespace', { metadata: { name: namespace, labels: { [POD_SECURITY_ENFORCE]: plan.podSecurityLevel ?? 'baseline' } } });
    }

    for (const cm of plan.configMaps) {
      new plus.ConfigMap(this, `ConfigMap-${cm.name}`, {
        metadata: { name: cm.name, namespace, labels: { ...cm.labels }, ...(Object.keys(cm.annotations).length ? { annotations: { ...cm.annotations } } : {}) },
        data: { ...cm.data },
        ...(cm.binaryData ? { binaryData: { ...cm.binaryData } } : {}),
      });
    }

    const claims = new Map<string, plus.IPersistentVolumeClaim>();
    for (const c of plan.volumeClaims) {
      claims.set(c.name, new plus.PersistentVolumeClaim(this, `Claim-${c.name}`, {
        metadata: { name: c.name, namespace, labels: { ...c.labels }, ...(Object.keys(c.annotations).length ? { annotations: { ...c.annotations } } : {}) },
        storageClassName: c.storageClassName,
        storage: Size.gibibytes(c.sizeGiB),
        accessModes: c.accessModes.map((m) => ACCESS_MODE[m]),
        volumeMode: plus.PersistentVolumeMode.FILE_SYSTEM,
      }));
    }

    const workloads = new Map<string, ServiceWorkload>();
    for (const w of plan.workloads) {
      workloads.set(w.composeName, new ServiceWorkload(this, `Workload-${w.name}`, { workload: w, namespace, claims }));
      if (w.ingress) new ServiceIngress(this, `Ingress-${w.name}`, { ingress: w.ingress, labels: w.selector, namespace });
      if (w.autoscaling) {
        new ServiceAutoscaler(this, `Autoscaler-${w.name}`, { autoscaling: w.autoscaling, target: { kind: w.kind, name: w.name }, labels: w.selector, namespace });
      }
    }
    this.workloads = workloads;

    for (const p of plan.networkPolicies ?? []) {
      new ComposeNetworkPolicy(this, `NetworkPolicy-${p.name}`, { policy: p, namespace });
    }
  }
}

const ACCESS_MODE: Readonly<Record<string, plus.PersistentVolumeAccessMode>> = {
  ReadWriteOnce: plus.PersistentVolumeAccessMode.READ_WRITE_ONCE,
  ReadWriteMany: plus.PersistentVolumeAccessMode.READ_WRITE_MANY,
  ReadOnlyMany: plus.PersistentVolumeAccessMode.READ_ONLY_MANY,
};
