/**
 * Exposure: how published ports leave the cluster.
 *
 * By default nothing leaves it: the ClusterIP Service (ports.ts) serves in-cluster traffic on the
 * container ports, and published ports are reported as reachable only inside the cluster. Per
 * service, `x-k8s` asks for more:
 * - `serviceType: LoadBalancer` (or `NodePort`): a second Service `<name>-public` carrying only the
 *   published ports (port = published port, targetPort = container port), with DigitalOcean
 *   load-balancer annotations from `x-k8s.loadBalancer`. Ports that were only `expose`d stay
 *   private. The ClusterIP Service keeps serving the other services unchanged.
 * - `ingress`: an Ingress routing host/path to the ClusterIP Service.
 * Never hostPort; NodePort only when asked.
 */
import type { ComposeProject, ComposeService } from '../compose/model';
import { Diagnostic, error } from '../diagnostics';
import type { IngressPlan, KeyDecision, ServicePlan, ServicePortPlan, WorkloadPlan } from './model';
import { childName, servicePath } from './names';
import type { ServiceXK8s, XK8sProject } from './x-k8s';

/** DigitalOcean cloud-controller annotations for the `loadBalancer` shorthands. */
export const DO_LB_ANNOTATIONS = {
  name: 'service.beta.kubernetes.io/do-loadbalancer-name',
  size: 'service.beta.kubernetes.io/do-loadbalancer-size-slug',
  certificateId: 'service.beta.kubernetes.io/do-loadbalancer-certificate-id',
  redirectHttpToHttps: 'service.beta.kubernetes.io/do-loadbalancer-redirect-http-to-https',
} as const;

const K8S_PROTOCOL = { tcp: 'TCP', udp: 'UDP', sctp: 'SCTP' } as const;

export interface ExposurePlan {
  readonly publicService?: ServicePlan;
  readonly ingress?: IngressPlan;
  readonly decisions: KeyDecision[];
  readonly errors: Diagnostic[];
}

/** Published ports as Service ports (published → container port); ranges keep the container port. */
export function publishedPorts(service: ComposeService): ServicePortPlan[] {
  const out = new Map<string, ServicePortPlan>();
  for (const p of service.ports) {
    if (p.published === undefined || p.published === '') continue;
    const port = /^\d+$/.test(p.published) ? Number(p.published) : p.target;
    const key = `${p.protocol}/${port}`;
    if (!out.has(key)) out.set(key, { name: `${p.protocol}-${port}`, port, targetPort: p.target, protocol: K8S_PROTOCOL[p.protocol] });
  }
  return [...out.values()].sort((a, b) => a.port - b.port || (a.protocol < b.protocol ? -1 : 1));
}

/**
 * Planner pass `exposure` (see passes.ts): every workload's public Service and Ingress
 * (planExposure), and its ClusterIP Service made headless by `x-k8s.serviceType: Headless`.
 */
export function planWorkloadExposure(
  project: ComposeProject,
  workloads: readonly WorkloadPlan[],
  top: XK8sProject,
  xk8sOf: (service: string) => ServiceXK8s,
): { workloads: WorkloadPlan[]; decisions: KeyDecision[]; errors: Diagnostic[] } {
  const decisions: KeyDecision[] = [];
  const errors: Diagnostic[] = [];
  const out = workloads.map((w) => {
    const xk8s = xk8sOf(w.composeName);
    const exposure = planExposure(w, project.services[w.composeName], xk8s, top);
    errors.push(...exposure.errors);
    decisions.push(...exposure.decisions);
    return {
      ...w,
      ...(xk8s.serviceType === 'Headless' && w.service ? { service: { ...w.service, headless: true } } : {}),
      ...(exposure.publicService ? { publicService: exposure.publicService } : {}),
      ...(exposure.ingress ? { ingress: exposure.ingress } : {}),
    };
  });
  return { workloads: out, decisions, errors };
}

export function planExposure(workload: WorkloadPlan, service: ComposeService, xk8s: ServiceXK8s, top: XK8sProject): ExposurePlan {
  const base = servicePath(service.name);
  const decisions: KeyDecision[] = [];
  const errors: Diagnostic[] = [];
  const published = publishedPorts(service);
  const type = xk8s.serviceType ?? 'ClusterIP';

  let publicService: ServicePlan | undefined;
  if (type !== 'ClusterIP' && type !== 'Headless') {
    const ports = published.length > 0 ? published : [...(workload.service?.ports ?? [])];
    if (ports.length === 0) {
      errors.push(error(`serviceType ${type} needs a port, and the service has none`, { path: `${base}.x-k8s.serviceType`, hint: 'add ports: to the service' }));
    } else {
      const lb = xk8s.loadBalancer ?? {};
      const annotations: Record<string, string> = {};
      if (type === 'LoadBalancer') {
        if (lb.name !== undefined) annotations[DO_LB_ANNOTATIONS.name] = lb.name;
        if (lb.size !== undefined) annotations[DO_LB_ANNOTATIONS.size] = lb.size;
        if (lb.certificateId !== undefined) annotations[DO_LB_ANNOTATIONS.certificateId] = lb.certificateId;
        if (lb.redirectHttpToHttps !== undefined) annotations[DO_LB_ANNOTATIONS.redirectHttpToHttps] = String(lb.redirectHttpToHttps);
        Object.assign(annotations, lb.annotations ?? {});
      }
      publicService = {
        name: childName(workload.name, 'public'),
        type,
        ports,
        ...(Object.keys(annotations).length ? { annotations } : {}),
        ...(xk8s.externalTrafficPolicy ? { externalTrafficPolicy: xk8s.externalTrafficPolicy } : {}),
        ...(type === 'NodePort' && xk8s.nodePort !== undefined ? { nodePort: xk8s.nodePort } : {}),
      };
      decisions.push({
        path: `${base}.ports`, status: 'mapped',
        reason: `published ports ${ports.map((p) => p.port).join(', ')} → Service ${publicService.name} of type ${type}`,
      });
    }
  }

  let ingress: IngressPlan | undefined;
  if (xk8s.ingress) {
    const ing = xk8s.ingress;
    const svc = workload.service;
    const firstPublished = service.ports.find((p) => p.published !== undefined && p.published !== '' && p.protocol === 'tcp')?.target;
    const wanted = ing.port ?? firstPublished ?? svc?.ports.find((p) => p.protocol === 'TCP')?.port;
    if (!svc || wanted === undefined) {
      errors.push(error('an ingress needs a port to route to, and the service has none', { path: `${base}.x-k8s.ingress`, hint: 'add ports: or expose: to the service' }));
    } else if (!svc.ports.some((p) => p.port === wanted && p.protocol === 'TCP')) {
      errors.push(error(`ingress port ${wanted} is not a TCP port of the service (ports: ${svc.ports.map((p) => p.port).join(', ')})`, { path: `${base}.x-k8s.ingress.port` }));
    } else {
      const className = ing.className ?? top.ingressClass;
      ingress = {
        name: workload.name,
        ...(className ? { className } : {}),
        ...(ing.host ? { host: ing.host } : {}),
        path: ing.path ?? '/',
        pathType: ing.pathType ?? 'Prefix',
        ...(ing.rules && ing.rules.length > 0 ? { extraRules: ing.rules.map((r) => ({ ...(r.host ? { host: r.host } : {}), path: r.path ?? '/' })) } : {}),
        serviceName: svc.name,
        servicePort: wanted,
        ...(ing.tlsSecret ? { tlsSecret: ing.tlsSecret } : {}),
        annotations: { ...(ing.annotations ?? {}) },
      };
      decisions.push({
        path: `${base}.ports`, status: 'mapped',
        reason: `Ingress ${[{ host: ing.host, path: ingress.path }, ...(ingress.extraRules ?? [])].map((r) => `${r.host ?? '*'}${r.path}`).join(', ')} → Service ${svc.name} port ${wanted}`,
      });
    }
  }

  if (!publicService && !ingress && published.length > 0) {
    decisions.push({
      path: `${base}.ports`, status: 'lossy',
      reason: `published ports ${published.map((p) => p.port).join(', ')} are reachable only inside the cluster (ClusterIP Service on the container port); set x-k8s.serviceType: LoadBalancer or x-k8s.ingress to expose them`,
    });
  }
  return { ...(publicService ? { publicService } : {}), ...(ingress ? { ingress } : {}), decisions, errors };
}

/** A port Compose published that no LoadBalancer / NodePort Service or Ingress carries out of the cluster. */
export interface ClusterOnlyPort {
  /** Compose service name. */
  readonly service: string;
  /** The published port (the container port for a range). */
  readonly port: number;
  readonly protocol: 'TCP' | 'UDP' | 'SCTP';
}

/**
 * Every published port that became reachable only inside the cluster: not on the service's public
 * Service, and not the port its Ingress routes to. In name order, then port order.
 */
export function clusterOnlyPorts(project: ComposeProject, workloads: readonly WorkloadPlan[]): ClusterOnlyPort[] {
  const out: ClusterOnlyPort[] = [];
  for (const w of [...workloads].sort((a, b) => (a.composeName < b.composeName ? -1 : a.composeName > b.composeName ? 1 : 0))) {
    const service = project.services[w.composeName];
    if (!service) continue;
    const onPublic = new Set((w.publicService?.ports ?? []).map((p) => `${p.protocol}/${p.port}`));
    for (const p of publishedPorts(service)) {
      if (onPublic.has(`${p.protocol}/${p.port}`)) continue;
      if (w.ingress && p.protocol === 'TCP' && p.targetPort === w.ingress.servicePort) continue;
      out.push({ service: w.composeName, port: p.port, protocol: p.protocol });
    }
  }
  return out;
}

/**
 * At most this many cluster-only lines are printed: a stack of hundreds of services would bury
 * everything else under one line per port. The conversion report lists each port of the Compose
 * file as written.
 */
export const MAX_CLUSTER_ONLY_LINES = 20;

/** A cluster-only line to print, and whether the conversion report lists its port (one of the Compose file as written). */
export interface ClusterOnlyText {
  readonly text: string;
  readonly inReport: boolean;
}

/**
 * The cluster-only lines as printed: all of them, in order, up to MAX_CLUSTER_ONLY_LINES; past it
 * the first ones and a count of the rest, keeping first the lines the report does not list (a
 * port that only an environment leaves in the cluster).
 */
export function clusterOnlyLines(lines: readonly ClusterOnlyText[]): string[] {
  if (lines.length <= MAX_CLUSTER_ONLY_LINES) return lines.map((l) => l.text);
  const ordered = [...lines.filter((l) => !l.inReport), ...lines.filter((l) => l.inReport)];
  const shown = MAX_CLUSTER_ONLY_LINES - 1;
  const rest = ordered.slice(shown);
  const where = rest.every((l) => l.inReport) ? ' (compose-cdk8s report lists each)' : '';
  return [...ordered.slice(0, shown).map((l) => l.text), `… and ${rest.length} more published ports reachable only inside the cluster${where}`];
}

/** The line `synth` prints for one cluster-only port, naming the x-k8s setting that exposes it. */
export function clusterOnlyLine(p: ClusterOnlyPort): string {
  const port = p.protocol === 'TCP' ? String(p.port) : `${p.port}/${p.protocol.toLowerCase()}`;
  return `${p.service}: port ${port} is reachable only inside the cluster; set x-k8s.serviceType: LoadBalancer or x-k8s.ingress to expose it`;
}
