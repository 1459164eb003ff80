/**
 * Pod security: pods are at least as confined as the same containers under Docker, and the
 * namespace enforces the Pod Security "baseline" level unless the Compose file asks for more.
 *
 * | what                                   | becomes                                                        |
 * |----------------------------------------|----------------------------------------------------------------|
 * | every pod                              | `securityContext.seccompProfile: RuntimeDefault` (Docker applies its default seccomp profile to every container; Kubernetes runs Unconfined unless asked) |
 * | `security_opt: no-new-privileges[:true]` | `allowPrivilegeEscalation: false`                            |
 * | `security_opt: seccomp:unconfined`     | the container's `seccompProfile: Unconfined` (below baseline)  |
 * | other `security_opt` (apparmor, label) | not converted, reported                                        |
 * | injected `wait-*` init containers      | Pod Security "restricted": non-root 65534, no privilege escalation, every capability dropped, RuntimeDefault |
 * | the Namespace object                   | `pod-security.kubernetes.io/enforce: baseline`; `privileged` when a service asks for what baseline forbids (privileged, hostNetwork, hostPath, capabilities outside baseline's list, seccomp unconfined), each reported |
 *
 * Nothing the Compose file does not ask for falls below baseline: privileged, hostNetwork and
 * hostPath need their x-k8s opt-in (runtime.ts, volumes.ts), unsafe sysctls are refused, no
 * hostPort is ever written. Pure; no cdk8s.
 */
import type { ComposeProject } from '../compose/model';
import { Diagnostic, warning } from '../diagnostics';
import type { ContainerPlan, KeyDecision, SecurityContextPlan, WorkloadPlan } from './model';
import { servicePath } from './names';

export const POD_SECURITY_ENFORCE = 'pod-security.kubernetes.io/enforce';
export type PodSecurityLevel = 'baseline' | 'privileged';

/** Capabilities the baseline level allows to add (Kubernetes Pod Security Standards). */
export const BASELINE_CAPABILITIES: ReadonlySet<string> = new Set([
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE',
  'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT',
]);

/** The `wait-*` helpers: busybox's nc / wget need no root and no capability. */
export const HELPER_SECURITY_CONTEXT: SecurityContextPlan = {
  runAsNonRoot: true,
  runAsUser: 65534,
  runAsGroup: 65534,
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  seccompProfile: 'RuntimeDefault',
};

export interface PodSecurityPlan {
  readonly workloads: WorkloadPlan[];
  /** The level the Namespace enforces. */
  readonly level: PodSecurityLevel;
  readonly warnings: Diagnostic[];
  readonly decisions: KeyDecision[];
}

export function planPodSecurity(project: ComposeProject, workloads: readonly WorkloadPlan[]): PodSecurityPlan {
  const warnings: Diagnostic[] = [];
  const decisions: KeyDecision[] = [];
  const belowBaseline: { path: string; what: string }[] = [];

  const secure = (c: ContainerPlan, serviceName: string): ContainerPlan => {
    const path = servicePath(serviceName, 'security_opt');
    const security: { -readonly [K in keyof SecurityContextPlan]: SecurityContextPlan[K] } = { ...(c.securityContext ?? {}) };
    for (const opt of project.services[serviceName]?.securityOpt ?? []) {
      const [key, value = ''] = opt.split(/[:=]/, 2).map((s) => s.trim());
      if (key === 'no-new-privileges' && (value === '' || value === 'true')) {
        security.allowPrivilegeEscalation = false;
        decisions.push({ path, status: 'mapped', reason: 'no-new-privileges → allowPrivilegeEscalation: false' });
      } else if (key === 'no-new-privileges' && value === 'false') {
        decisions.push({ path, status: 'mapped', reason: 'no-new-privileges:false is Docker\'s default (privilege escalation allowed)' });
      } else if (key === 'seccomp' && value === 'unconfined') {
        security.seccompProfile = 'Unconfined';
        belowBaseline.push({ path, what: 'seccomp:unconfined (seccompProfile Unconfined)' });
        decisions.push({ path, status: 'mapped', reason: 'seccomp:unconfined → the container\'s seccompProfile: Unconfined' });
      } else {
        const message = `security_opt "${opt}" is not converted: Kubernetes has no portable equivalent`;
        decisions.push({ path, status: 'refused', reason: message });
        warnings.push(warning(message, { path, hint: 'set it with a pod patch (e.g. appArmorProfile / seLinuxOptions) if the container needs it' }));
      }
    }
    const base = servicePath(serviceName);
    if (security.privileged) belowBaseline.push({ path: `${base}.privileged`, what: 'privileged: true' });
    const outside = (security.capabilities?.add ?? []).filter((cap) => !BASELINE_CAPABILITIES.has(cap));
    if (outside.length > 0) belowBaseline.push({ path: `${base}.cap_add`, what: `cap_add ${outside.join(', ')}` });
    return Object.keys(security).length > 0 ? { ...c, securityContext: security } : c;
  };

  const out = workloads.map((w): WorkloadPlan => {
    const container = secure(w.container, w.composeName);
    const sidecars = w.sidecars?.map((c) => secure(c, c.service ?? c.name));
    const base = servicePath(w.composeName);
    if (w.pod?.hostNetwork) belowBaseline.push({ path: `${base}.network_mode`, what: 'network_mode: host (hostNetwork)' });
    if (w.volumes.some((v) => 'hostPath' in v)) belowBaseline.push({ path: `${base}.volumes`, what: 'a host path (hostPath volume)' });
    return {
      ...w,
      container,
      ...(sidecars ? { sidecars } : {}),
      pod: { ...(w.pod ?? {}), seccompProfile: 'RuntimeDefault' },
      ...(w.initContainers ? { initContainers: w.initContainers.map((c) => ({ ...c, securityContext: HELPER_SECURITY_CONTEXT })) } : {}),
    };
  });

  for (const b of belowBaseline) {
    warnings.push(warning(`${b.what} is below the Pod Security "baseline" level: the Namespace written to dist/ enforces "privileged" instead`, {
      path: b.path,
      hint: `a namespace you create yourself (or with helm --create-namespace) needs the label ${POD_SECURITY_ENFORCE}=privileged, else the pod is rejected; drop the setting to keep "baseline"`,
    }));
  }
  return { workloads: out, level: belowBaseline.length > 0 ? 'privileged' : 'baseline', warnings, decisions };
}
