/**
 * Pod fields cdk8s-plus-27 cannot express (or expresses with opinions of its own), written onto
 * the rendered workload as JSON patches: init containers, hostAliases, dnsConfig, sysctls,
 * supplementalGroups, shareProcessNamespace, hostNetwork, the pod's seccompProfile, and the
 * container's tty / stdin / capabilities / seccompProfile; init containers with their resources
 * and security context. Only fields the plan sets are touched. A workload scaled by a
 * HorizontalPodAutoscaler leaves `spec.replicas` out, so applying the manifests again (kubectl,
 * Argo CD) does not undo the autoscaler's decision.
 *
 * Storage (claim-sharing.ts decides): a StatefulSet's per-replica claims become
 * `spec.volumeClaimTemplates`, and their mounts are added to the container here (they are no pod
 * volume, so cdk8s-plus cannot mount them); pods sharing a ReadWriteOnce claim get the group's
 * label and a required podAffinity on it (same node). `deploy.placement` adds a required
 * nodeAffinity and topologySpreadConstraints (plan/placement.ts).
 *
 * cdk8s-plus maps the patched object through the typed Kubernetes API (L1) again, dropping what
 * that does not know: patch values are built as the L1 types (quantities as k8s.Quantity).
 */
import { ApiObject, JsonPatch } from 'cdk8s';
import * as k8s from '../../imports/k8s';
import type { ResourceAmounts, ResourcesPlan, SecurityContextPlan, VolumeClaimPlan, VolumeMountPlan, WorkloadKind, WorkloadPlan } from '../plan/model';
import { colocationAffinity } from './colocation';

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
    add('/initContainers', w.initContainers.map((c): k8s.Container => ({
      name: c.name,
      image: c.image,
      imagePullPolicy: 'IfNotPresent',
      command: [...c.command],
      ...(c.resources ? { resources: resourceRequirements(c.resources) } : {}),
      ...(c.securityContext ? { securityContext: containerSecurityContext(c.securityContext) } : {}),
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
  if (pod.fsGroup !== undefined) add('/securityContext/fsGroup', pod.fsGroup);
  if (pod.shareProcessNamespace) add('/shareProcessNamespace', true);
  if (pod.seccompProfile) add('/securityContext/seccompProfile', { type: pod.seccompProfile });
  if (pod.hostNetwork) {
    add('/hostNetwork', true);
    add('/dnsPolicy', 'ClusterFirstWithHostNet');
  }
  const c = w.container;
  const templates = w.volumeClaimTemplates ?? [];
  if (templates.length > 0) {
    api.addJsonPatch(JsonPatch.add('/spec/volumeClaimTemplates', templates.map(claimTemplate)));
    // Written out: Kubernetes keeps per-replica claims when the StatefulSet is deleted or scaled
    // down (its default), unless every one of them opted out with x-k8s.keep: false (plan/claims.ts).
    api.addJsonPatch(JsonPatch.add('/spec/persistentVolumeClaimRetentionPolicy', {
      whenDeleted: templates.some((t) => t.keep !== false) ? 'Retain' : 'Delete',
      whenScaled: 'Retain',
    }));
    const names = new Set(templates.map((t) => t.name));
    const mounts = c.volumeMounts.filter((m) => names.has(m.name)).map(mount);
    // cdk8s-plus writes volumeMounts only when the container has other mounts.
    if (mounts.length === c.volumeMounts.length) add('/containers/0/volumeMounts', mounts);
    else for (const m of mounts) add('/containers/0/volumeMounts/-', m);
  }
  if (w.colocation) {
    api.addJsonPatch(JsonPatch.add(`${podTemplatePointer(w.kind)}/metadata/labels/${pointerSegment(w.colocation.labelKey)}`, w.colocation.labelValue));
  }
  const nodeAffinity = w.placement?.nodeAffinity;
  if (w.colocation || nodeAffinity) {
    add('/affinity', {
      ...(nodeAffinity ? {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchExpressions: nodeAffinity.map((e) => ({ key: e.key, operator: e.operator, values: [...e.values] })) }],
          },
        },
      } : {}),
      ...(w.colocation ? colocationAffinity(w.colocation) : {}),
    });
  }
  if (w.placement?.topologySpread) {
    add('/topologySpreadConstraints', w.placement.topologySpread.map((t) => ({
      maxSkew: t.maxSkew,
      topologyKey: t.topologyKey,
      whenUnsatisfiable: t.whenUnsatisfiable,
      labelSelector: { matchLabels: { ...t.labelSelector } },
    })));
  }
  // Ephemeral storage (x-k8s.ephemeralStorage): cdk8s-plus writes it in whole Gi only.
  for (const [side, amounts] of [['limits', c.resources?.limits], ['requests', c.resources?.requests]] as const) {
    if (amounts?.ephemeralStorage === undefined) continue;
    const quantity = k8s.Quantity.fromString(amounts.ephemeralStorage);
    // cdk8s-plus wrote this side only if it holds cpu or memory.
    if (amounts.cpuMillis !== undefined || amounts.memoryMiB !== undefined) add(`/containers/0/resources/${side}/ephemeral-storage`, quantity);
    else add(`/containers/0/resources/${side}`, { 'ephemeral-storage': quantity });
  }
  if (c.tty) add('/containers/0/tty', true);
  if (c.stdin) add('/containers/0/stdin', true);
  const caps = c.securityContext?.capabilities;
  if (caps && (caps.add || caps.drop)) {
    add('/containers/0/securityContext/capabilities', {
      ...(caps.add ? { add: [...caps.add] } : {}),
      ...(caps.drop ? { drop: [...caps.drop] } : {}),
    });
  }
  if (c.securityContext?.seccompProfile) add('/containers/0/securityContext/seccompProfile', { type: c.securityContext.seccompProfile });
}

/** Requests and limits as the L1 type (quantities as k8s.Quantity). */
function resourceRequirements(r: ResourcesPlan): k8s.ResourceRequirements {
  const amounts = (a: ResourceAmounts | undefined): { [key: string]: k8s.Quantity } | undefined => {
    if (!a) return undefined;
    const out: { [key: string]: k8s.Quantity } = {};
    if (a.cpuMillis !== undefined) out.cpu = k8s.Quantity.fromString(`${a.cpuMillis}m`);
    if (a.memoryMiB !== undefined) out.memory = k8s.Quantity.fromString(`${a.memoryMiB}Mi`);
    return out;
  };
  return { ...(r.limits ? { limits: amounts(r.limits) } : {}), ...(r.requests ? { requests: amounts(r.requests) } : {}) };
}

/** A container securityContext as the L1 type. */
function containerSecurityContext(s: SecurityContextPlan): k8s.SecurityContext {
  return {
    ...(s.allowPrivilegeEscalation !== undefined ? { allowPrivilegeEscalation: s.allowPrivilegeEscalation } : {}),
    ...(s.capabilities ? { capabilities: { ...(s.capabilities.add ? { add: [...s.capabilities.add] } : {}), ...(s.capabilities.drop ? { drop: [...s.capabilities.drop] } : {}) } } : {}),
    ...(s.privileged !== undefined ? { privileged: s.privileged } : {}),
    ...(s.readOnlyRootFilesystem !== undefined ? { readOnlyRootFilesystem: s.readOnlyRootFilesystem } : {}),
    ...(s.runAsGroup !== undefined ? { runAsGroup: s.runAsGroup } : {}),
    ...(s.runAsNonRoot !== undefined ? { runAsNonRoot: s.runAsNonRoot } : {}),
    ...(s.runAsUser !== undefined ? { runAsUser: s.runAsUser } : {}),
    ...(s.seccompProfile ? { seccompProfile: { type: s.seccompProfile } } : {}),
  };
}

/** A JSON pointer segment (`/` → `~1`, `~` → `~0`). */
function pointerSegment(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** A container mount as cdk8s-plus writes one. */
function mount(m: VolumeMountPlan): k8s.VolumeMount {
  return { mountPath: m.mountPath, name: m.name, readOnly: m.readOnly, ...(m.subPath ? { subPath: m.subPath } : {}) };
}

/** A volumeClaimTemplates entry, shaped like the PersistentVolumeClaim it stands for. */
function claimTemplate(t: VolumeClaimPlan): k8s.KubePersistentVolumeClaimProps {
  return {
    metadata: {
      ...(Object.keys(t.annotations).length ? { annotations: { ...t.annotations } } : {}),
      labels: { ...t.labels },
      name: t.name,
    },
    spec: {
      accessModes: [...t.accessModes],
      resources: { requests: { storage: k8s.Quantity.fromString(`${t.sizeGiB}Gi`) } },
      storageClassName: t.storageClassName,
      volumeMode: 'Filesystem',
    },
  };
}

