/**
 * Pod fields cdk8s-plus-27 cannot express (or expresses with opinions of its own), written onto
 * the rendered workload as JSON patches: init containers, hostAliases, dnsConfig, sysctls,
 * supplementalGroups, shareProcessNamespace, hostNetwork, and the container's tty / stdin /
 * capabilities. Only fields the plan sets are touched. A workload scaled by a
 * HorizontalPodAutoscaler leaves `spec.replicas` out, so applying the manifests again (kubectl,
 * Argo CD) does not undo the autoscaler's decision.
 */
import { ApiObject, JsonPatch } from 'cdk8s';
import type { WorkloadKind, WorkloadPlan } from '../plan/model';

/** JSON pointer of the pod template in each workload kind. */
export function podTemplatePointer(kind: WorkloadKind): string {
  return kind === 'CronJob' ? '/spec/jobTemplate/spec/template' : '/spec/template';
}

export function applyPodPatches(api: ApiObject, w: WorkloadPlan): void {
  const spec = `${podTemplatePointer(w.kind)}/spec`;
  const add = (path: string, value: unknown): void => {
    api.addJsonPatch(JsonPatch.add(`${spec}${path}`, value));
  };
  if (w.autoscaling) api.addJsonPatch(JsonPatch.remove('/spec/replicas'));
  const pod = w.pod ?? {};
  if (w.initContainers && w.initContainers.length > 0) {
    add('/initContainers', w.initContainers.map((c) => ({
      name: c.name,
      image: c.image,
      imagePullPolicy: 'IfNotPresent',
      command: [...c.command],
    })));
  }
  if (pod.hostAliases) add('/hostAliases', pod.hostAliases.map((h) => ({ ip: h.ip, hostnames: [...h.hostnames] })));
  if (pod.dnsConfig) {
    add('/dnsConfig', {
      ...(pod.dnsConfig.nameservers ? { nameservers: [...pod.dnsConfig.nameservers] } : {}),
      ...(pod.dnsConfig.searches ? { searches: [...pod.dnsConfig.searches] } : {}),
      ...(pod.dnsConfig.options ? { options: pod.dnsConfig.options.map((o) => ({ ...o })) } : {}),
    });
  }
  if (pod.sysctls) add('/securityContext/sysctls', pod.sysctls.map((s) => ({ ...s })));
  if (pod.supplementalGroups) add('/securityContext/supplementalGroups', [...pod.supplementalGroups]);
  if (pod.shareProcessNamespace) add('/shareProcessNamespace', true);
  if (pod.hostNetwork) {
    add('/hostNetwork', true);
    add('/dnsPolicy', 'ClusterFirstWithHostNet');
  }
  const c = w.container;
  if (c.tty) add('/containers/0/tty', true);
  if (c.stdin) add('/containers/0/stdin', true);
  const caps = c.securityContext?.capabilities;
  if (caps && (caps.add || caps.drop)) {
    add('/containers/0/securityContext/capabilities', {
      ...(caps.add ? { add: [...caps.add] } : {}),
      ...(caps.drop ? { drop: [...caps.drop] } : {}),
    });
  }
}
