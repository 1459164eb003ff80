/**
 * Runtime keys of a service → container and pod settings.
 *
 * | Compose            | Kubernetes                                                      |
 * |--------------------|-----------------------------------------------------------------|
 * | group_add          | pod securityContext.supplementalGroups (numeric ids only)       |
 * | cap_add / cap_drop | container securityContext.capabilities.add / drop              |
 * | privileged         | securityContext.privileged, only with x-k8s.allowPrivileged     |
 * | read_only          | securityContext.readOnlyRootFilesystem                          |
 * | init               | shareProcessNamespace (the pause container reaps zombies)       |
 * | stop_signal        | lost unless SIGTERM (Kubernetes always sends SIGTERM)           |
 * | extra_hosts        | hostAliases                                                     |
 * | dns / dns_search / dns_opt | dnsConfig (added to the cluster DNS, not replacing it)  |
 * | sysctls            | pod securityContext.sysctls (the safe set; others refused)      |
 * | ulimits            | lost (Kubernetes has no per-pod ulimits)                        |
 * | tty / stdin_open   | container tty / stdin                                           |
 * | network_mode       | host → hostNetwork with x-k8s.allowHostNetwork                  |
 * | network_mode: service:X / container:NAME | a container in X's pod (shared-network.ts): one network namespace, no workload of its own; a Service named after it selects X's pods when it has ports; container:NAME refused unless NAME is a service's container_name |
 * (`user`, `hostname` and `stop_grace_period` are planned in plan.ts.)
 */
import { isIP } from 'net';
import type { ComposeProject, ComposeService } from '../compose/model';
import { Diagnostic, warning } from '../diagnostics';
import { compareStrings } from '../order';
import type { ContainerPlan, KeyDecision, PodRuntimePlan, SecurityContextPlan, WorkloadPlan } from './model';
import { servicePath } from './names';
import type { ServiceXK8s } from './x-k8s';
import { appendTo } from '../collections';

/** Sysctls the kubelet allows without `--allowed-unsafe-sysctls` (Kubernetes 1.29+). */
export const SAFE_SYSCTLS: ReadonlySet<string> = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.ping_group_range',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_syncookies',
]);

export interface RuntimePlan {
  readonly security: SecurityContextPlan;
  readonly pod: PodRuntimePlan;
  readonly tty?: boolean;
  readonly stdin?: boolean;
  readonly decisions: KeyDecision[];
  readonly warnings: Diagnostic[];
}

function capability(name: string): string {
  return name.toUpperCase().replace(/^CAP_/, '');
}

/**
 * Planner pass `runtimeKeys` (see passes.ts): every workload's runtime keys (planRuntime) on its
 * container (tty, stdin, securityContext) and pod.
 */
export function planRuntimeKeys(
  project: ComposeProject,
  workloads: readonly WorkloadPlan[],
  xk8sOf: (service: string) => ServiceXK8s,
): { workloads: WorkloadPlan[]; decisions: KeyDecision[]; warnings: Diagnostic[] } {
  const decisions: KeyDecision[] = [];
  const warnings: Diagnostic[] = [];
  const out = workloads.map((w) => {
    const runtime = planRuntime(project.services[w.composeName], xk8sOf(w.composeName));
    warnings.push(...runtime.warnings);
    decisions.push(...runtime.decisions);
    const security = { ...(w.container.securityContext ?? {}), ...runtime.security };
    const container: ContainerPlan = {
      ...w.container,
      ...(runtime.tty ? { tty: true } : {}),
      ...(runtime.stdin ? { stdin: true } : {}),
      ...(Object.keys(security).length ? { securityContext: security } : {}),
    };
    return { ...w, container, ...(Object.keys(runtime.pod).length ? { pod: { ...runtime.pod } } : {}) };
  });
  return { workloads: out, decisions, warnings };
}

export function planRuntime(service: ComposeService, xk8s: ServiceXK8s): RuntimePlan {
  const base = servicePath(service.name);
  const decisions: KeyDecision[] = [];
  const warnings: Diagnostic[] = [];
  const lose = (key: string, message: string, hint?: string, status: KeyDecision['status'] = 'lossy'): void => {
    decisions.push({ path: `${base}.${key}`, status, reason: message });
    warnings.push(warning(message, { path: `${base}.${key}`, ...(hint ? { hint } : {}) }));
  };

  const security: { -readonly [K in keyof SecurityContextPlan]: SecurityContextPlan[K] } = {};
  const pod: { -readonly [K in keyof PodRuntimePlan]: PodRuntimePlan[K] } = {};

  const add = (service.capAdd ?? []).map(capability);
  const drop = (service.capDrop ?? []).map(capability);
  if (add.length || drop.length) {
    security.capabilities = {
      ...(add.length ? { add: [...new Set(add)].sort(compareStrings) } : {}),
      ...(drop.length ? { drop: [...new Set(drop)].sort(compareStrings) } : {}),
    };
  }

  if (service.privileged === true) {
    if (xk8s.allowPrivileged) {
      security.privileged = true;
    } else {
      lose('privileged', 'privileged: true is refused: a privileged pod has full access to the node', 'remove it, or opt in with x-k8s.allowPrivileged: true', 'refused');
    }
  }
  if (service.readOnly === true) security.readOnlyRootFilesystem = true;

  if (service.init === true) {
    pod.shareProcessNamespace = true;
    decisions.push({
      path: `${base}.init`, status: 'lossy',
      reason: 'shareProcessNamespace: the pod\'s pause container reaps zombies as PID 1, and the pod\'s containers see each other\'s processes',
    });
  }

  const stopSignal = service.stopSignal;
  if (stopSignal !== undefined && !/^(SIG)?TERM$/i.test(String(stopSignal)) && String(stopSignal) !== '15') {
    lose('stop_signal', `stop_signal ${String(stopSignal)} is lost: Kubernetes stops containers with SIGTERM`, 'make the process exit on SIGTERM, or add a preStop hook');
  }

  const aliases = new Map<string, string[]>();
  for (const { host, ip } of service.extraHosts ?? []) {
    const address = ip.replace(/^\[|\]$/g, '');
    if (address === 'host-gateway') {
      lose('extra_hosts', `extra_hosts entry ${host} (host-gateway) is not converted: Kubernetes has no host-gateway address`, 'reach the node or an outside service through a Service of type ExternalName', 'refused');
      continue;
    }
    if (isIP(address) === 0) {
      lose('extra_hosts', `extra_hosts entry "${host}${ip ? ` ${ip}` : ''}" is left out: "${address}" is not an IP address`, 'write host:address, e.g. "db.local:10.0.0.5"', 'refused');
      continue;
    }
    appendTo(aliases, address, host);
  }
  if (aliases.size > 0) {
    pod.hostAliases = [...aliases.entries()]
      .sort(([a], [b]) => compareStrings(a, b))
      .map(([ip, hostnames]) => ({ ip, hostnames: [...new Set(hostnames)].sort(compareStrings) }));
  }

  const nameservers = [...(service.dns ?? [])];
  const searches = [...(service.dnsSearch ?? [])];
  const options = (service.dnsOpt ?? []).map((o) => {
    const i = o.indexOf(':');
    return i < 0 ? { name: o } : { name: o.slice(0, i), value: o.slice(i + 1) };
  });
  if (nameservers.length || searches.length || options.length) {
    pod.dnsConfig = {
      ...(nameservers.length ? { nameservers: nameservers.slice(0, 2) } : {}),
      ...(searches.length ? { searches } : {}),
      ...(options.length ? { options } : {}),
    };
    if (nameservers.length) {
      decisions.push({ path: `${base}.dns`, status: 'lossy', reason: 'dnsConfig.nameservers are added after the cluster DNS server (which keeps resolving Service names), not used instead of it' });
    }
    if (nameservers.length > 2) {
      lose('dns', `only the first 2 dns servers are kept (${nameservers.slice(2).join(', ')} dropped): Kubernetes allows 3 nameservers including the cluster DNS`);
    }
  }

  const sysctls: Array<{ name: string; value: string }> = [];
  for (const { name, value } of service.sysctls ?? []) {
    if (SAFE_SYSCTLS.has(name)) sysctls.push({ name, value });
    else lose('sysctls', `sysctl ${name} is refused: it is not in Kubernetes' safe set, so the kubelet would not start the pod`, 'drop it, or ask the cluster admin to allow it and set it with a pod patch', 'refused');
  }
  if (sysctls.length) pod.sysctls = sysctls.sort((a, b) => compareStrings(a.name, b.name));

  if (service.ulimits !== undefined) {
    lose('ulimits', 'ulimits are lost: Kubernetes has no per-pod ulimits (the node\'s container runtime defaults apply)');
  }

  const groups: number[] = [];
  for (const g of service.groupAdd ?? []) {
    if (/^\d+$/.test(g)) groups.push(Number(g));
    else lose('group_add', `group_add "${g}" is not numeric and is left out: Kubernetes only takes numeric group ids`, 'write the numeric gid');
  }
  if (groups.length) pod.supplementalGroups = [...new Set(groups)].sort((a, b) => a - b);

  const mode = service.networkMode;
  if (mode !== undefined) {
    if (mode === 'host') {
      if (xk8s.allowHostNetwork) pod.hostNetwork = true;
      else lose('network_mode', 'network_mode: host is refused: the pod would share the node\'s network', 'remove it (the Service reaches the pod), or opt in with x-k8s.allowHostNetwork: true', 'refused');
    } else if (mode.startsWith('service:') || mode.startsWith('container:')) {
      // Decided across services: a container in the other service's pod (shared-network.ts).
    } else if (mode === 'none') {
      lose('network_mode', 'network_mode: none is lost: every pod has a network interface');
    } else {
      decisions.push({ path: `${base}.network_mode`, status: 'ignored', reason: `network_mode: ${mode}: pods use the cluster network` });
    }
  }

  return {
    security,
    pod,
    ...(service.tty === true ? { tty: true } : {}),
    ...(service.stdinOpen === true ? { stdin: true } : {}),
    decisions,
    warnings,
  };
}
