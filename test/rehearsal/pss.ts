/**
 * The Pod Security Standards levels "baseline" and "restricted" as data
 * (kubernetes.io/docs/concepts/security/pod-security-standards, Kubernetes 1.33 text):
 * each control names the fields it restricts and the values it allows. `evaluate` returns the
 * violations of one pod spec, each with the control, the field path and the Compose ask that would
 * justify it (for baseline).
 */
import type { BaselineAsk, Obj } from './model';

export type Level = 'baseline' | 'restricted';

export interface Violation {
  readonly level: Level;
  readonly control: string;
  readonly path: string;
  readonly message: string;
  /** The Compose setting that legitimately asks for this (baseline controls only). */
  readonly ask?: BaselineAsk;
}

/** Baseline: capabilities that may be added (control "Capabilities"). */
export const BASELINE_CAPABILITIES = ['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT'];
/** Baseline: the "safe" sysctls (control "Sysctls"). */
export const SAFE_SYSCTLS = ['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes'];
/** Baseline: SELinux types allowed (control "SELinux"); user and role must be unset. */
export const SELINUX_TYPES = ['container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t'];
/** Baseline: AppArmor profile types allowed (control "AppArmor"). */
export const APPARMOR_TYPES = ['RuntimeDefault', 'Localhost'];
/** Baseline: seccomp types allowed; restricted additionally requires one to be set. */
export const SECCOMP_TYPES = ['RuntimeDefault', 'Localhost'];
/** Restricted: the only volume types allowed (control "Volume Types"). */
export const RESTRICTED_VOLUME_TYPES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];
/** Restricted: the only capability that may be added; ALL must be dropped. */
export const RESTRICTED_ADD_CAPABILITIES = ['NET_BIND_SERVICE'];

const CONTAINER_LISTS = ['containers', 'initContainers', 'ephemeralContainers'];

interface Scope {
  /** Only these containers (by list and index); undefined = every container. */
  readonly only?: (list: string, index: number) => boolean;
}

function containers(spec: Obj, base: string, scope: Scope): { c: Obj; path: string }[] {
  const out: { c: Obj; path: string }[] = [];
  for (const list of CONTAINER_LISTS) (spec[list] ?? []).forEach((c: Obj, i: number) => {
    if (!scope.only || scope.only(list, i)) out.push({ c, path: `${base}.${list}[${i}]` });
  });
  return out;
}

/** Baseline violations of a pod spec at `base` (e.g. `spec.template.spec`). Pod-level controls are skipped when `scope.only` is set. */
export function baselineViolations(spec: Obj, base: string, scope: Scope = {}): Violation[] {
  const v: Violation[] = [];
  const add = (control: string, path: string, message: string, ask?: BaselineAsk) => v.push({ level: 'baseline', control, path, message, ...(ask ? { ask } : {}) });
  const podLevel = !scope.only;
  const psc = spec.securityContext ?? {};
  if (podLevel) {
    if (psc.windowsOptions?.hostProcess) add('HostProcess', `${base}.securityContext.windowsOptions.hostProcess`, 'HostProcess pods are not allowed');
    for (const f of ['hostNetwork', 'hostPID', 'hostIPC'] as const) if (spec[f]) add('Host Namespaces', `${base}.${f}`, `${f}: true shares the node's namespace`, f);
    (spec.volumes ?? []).forEach((vol: Obj, i: number) => { if (vol.hostPath) add('HostPath Volumes', `${base}.volumes[${i}].hostPath`, `hostPath volume ${vol.name}`, 'hostPath'); });
    if (psc.seccompProfile?.type && !SECCOMP_TYPES.includes(psc.seccompProfile.type)) add('Seccomp', `${base}.securityContext.seccompProfile.type`, `seccomp ${psc.seccompProfile.type}`, 'seccomp');
    if (psc.appArmorProfile?.type && !APPARMOR_TYPES.includes(psc.appArmorProfile.type)) add('AppArmor', `${base}.securityContext.appArmorProfile.type`, `AppArmor ${psc.appArmorProfile.type}`, 'appArmor');
    seLinux(psc.seLinuxOptions, `${base}.securityContext.seLinuxOptions`, add);
    (psc.sysctls ?? []).forEach((s: Obj, i: number) => { if (!SAFE_SYSCTLS.includes(s.name)) add('Sysctls', `${base}.securityContext.sysctls[${i}]`, `sysctl ${s.name} is not in the safe set`, 'sysctls'); });
  }
  for (const { c, path } of containers(spec, base, scope)) {
    const sc = c.securityContext ?? {};
    if (sc.windowsOptions?.hostProcess) add('HostProcess', `${path}.securityContext.windowsOptions.hostProcess`, 'HostProcess container');
    if (sc.privileged) add('Privileged Containers', `${path}.securityContext.privileged`, `container ${c.name} is privileged`, 'privileged');
    const extra = (sc.capabilities?.add ?? []).filter((x: string) => !BASELINE_CAPABILITIES.includes(x));
    if (extra.length) add('Capabilities', `${path}.securityContext.capabilities.add`, `container ${c.name} adds ${extra.join(', ')}`, 'capabilities');
    (c.ports ?? []).forEach((p: Obj, i: number) => { if (p.hostPort) add('Host Ports', `${path}.ports[${i}].hostPort`, `container ${c.name} uses hostPort ${p.hostPort}`, 'hostPort'); });
    if (sc.seccompProfile?.type && !SECCOMP_TYPES.includes(sc.seccompProfile.type)) add('Seccomp', `${path}.securityContext.seccompProfile.type`, `container ${c.name}: seccomp ${sc.seccompProfile.type}`, 'seccomp');
    if (sc.appArmorProfile?.type && !APPARMOR_TYPES.includes(sc.appArmorProfile.type)) add('AppArmor', `${path}.securityContext.appArmorProfile.type`, `container ${c.name}: AppArmor ${sc.appArmorProfile.type}`, 'appArmor');
    if (sc.procMount && sc.procMount !== 'Default') add('/proc Mount Type', `${path}.securityContext.procMount`, `container ${c.name}: procMount ${sc.procMount}`);
    seLinux(sc.seLinuxOptions, `${path}.securityContext.seLinuxOptions`, add);
  }
  return v;
}

function seLinux(o: Obj | undefined, path: string, add: (control: string, path: string, message: string, ask?: BaselineAsk) => void): void {
  if (!o) return;
  if (o.type && !SELINUX_TYPES.includes(o.type)) add('SELinux', `${path}.type`, `SELinux type ${o.type}`, 'seLinux');
  if (o.user) add('SELinux', `${path}.user`, 'SELinux user must be unset', 'seLinux');
  if (o.role) add('SELinux', `${path}.role`, 'SELinux role must be unset', 'seLinux');
}

/** Restricted violations (baseline included) of a pod spec; `scope.only` limits it to some containers. */
export function restrictedViolations(spec: Obj, base: string, scope: Scope = {}): Violation[] {
  const v: Violation[] = baselineViolations(spec, base, scope).map((x) => ({ ...x, level: 'restricted' as const }));
  const add = (control: string, path: string, message: string) => v.push({ level: 'restricted', control, path, message });
  const psc = spec.securityContext ?? {};
  if (!scope.only) {
    (spec.volumes ?? []).forEach((vol: Obj, i: number) => {
      const type = Object.keys(vol).find((k) => k !== 'name');
      if (type && !RESTRICTED_VOLUME_TYPES.includes(type)) add('Volume Types', `${base}.volumes[${i}]`, `volume ${vol.name} is of type ${type}`);
    });
  }
  for (const { c, path } of containers(spec, base, scope)) {
    const sc = c.securityContext ?? {};
    if (sc.allowPrivilegeEscalation !== false) add('Privilege Escalation', `${path}.securityContext.allowPrivilegeEscalation`, `container ${c.name} must set allowPrivilegeEscalation: false`);
    const nonRoot = sc.runAsNonRoot ?? psc.runAsNonRoot;
    if (nonRoot !== true) add('Running as Non-root', `${path}.securityContext.runAsNonRoot`, `container ${c.name} must run with runAsNonRoot: true (here or on the pod)`);
    const uid = sc.runAsUser ?? psc.runAsUser;
    if (uid === 0) add('Running as Non-root user', `${path}.securityContext.runAsUser`, `container ${c.name} runs as uid 0`);
    const seccomp = sc.seccompProfile?.type ?? psc.seccompProfile?.type;
    if (!SECCOMP_TYPES.includes(seccomp)) add('Seccomp', `${path}.securityContext.seccompProfile`, `container ${c.name} needs seccompProfile RuntimeDefault or Localhost (here or on the pod)`);
    const drop: string[] = sc.capabilities?.drop ?? [];
    if (!drop.includes('ALL')) add('Capabilities', `${path}.securityContext.capabilities.drop`, `container ${c.name} must drop ALL capabilities`);
    const added = (sc.capabilities?.add ?? []).filter((x: string) => !RESTRICTED_ADD_CAPABILITIES.includes(x));
    if (added.length) add('Capabilities', `${path}.securityContext.capabilities.add`, `container ${c.name} may add only NET_BIND_SERVICE, not ${added.join(', ')}`);
  }
  return v;
}
