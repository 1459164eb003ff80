/**
 * ServiceAutoscaler: a HorizontalPodAutoscaler (autoscaling/v2) scaling a service's Deployment or
 * StatefulSet on average CPU utilization (and memory utilization when asked for), from the plan's
 * AutoscalingPlan. The HPA scales out when any metric is above its target.
 */
import { Construct } from 'constructs';
import * as k8s from '../../imports/k8s';
import type { AutoscalingPlan, WorkloadKind } from '../plan/model';

export interface ServiceAutoscalerProps {
  /** The planned autoscaling. */
  readonly autoscaling: AutoscalingPlan;
  /** Kind and name of the workload it scales. */
  readonly target: { readonly kind: WorkloadKind; readonly name: string };
  /** Labels on the autoscaler. */
  readonly labels: Readonly<Record<string, string>>;
  /**
   * Namespace of the autoscaler.
   * @default - none
   */
  readonly namespace?: string;
}

export class ServiceAutoscaler extends Construct {
  /** The rendered HorizontalPodAutoscaler. */
  public readonly object: k8s.KubeHorizontalPodAutoscalerV2;

  constructor(scope: Construct, id: string, props: ServiceAutoscalerProps) {
    super(scope, id);
    const a = props.autoscaling;
    this.object = new k8s.KubeHorizontalPodAutoscalerV2(this, 'Autoscaler', {
      metadata: { name: a.name, ...(props.namespace ? { namespace: props.namespace } : {}), labels: { ...props.labels } },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: props.target.kind, name: props.target.name },
        minReplicas: a.minReplicas,
        maxReplicas: a.maxReplicas,
        metrics: [
          { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: a.cpuPercent } } },
          ...(a.memoryPercent !== undefined ? [{ type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: a.memoryPercent } } }] : []),
        ],
      },
    });
  }
}
