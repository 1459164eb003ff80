/**
 * Services left out of the cluster, decided before anything else is planned.
 *
 * - `refused`: the service's core needs the Docker host or the node itself: it bind-mounts the
 *   Docker socket, `/var/lib/docker`, or the node's `/proc`, `/sys`, `/dev`, logs or sockets
 *   (bind-mounts.ts `classifyHostPath`: classes `engine` and `node`). Log shippers, container
 *   monitors and auto-updaters do that; on DOKS a cluster add-on or a DaemonSet chart does their
 *   job (table `INSTEAD`). A warning names the service, why, and what to use instead; under
 *   `--strict` it is an error. `x-k8s.allowHostPath: true` keeps today's opt-in (hostPath volumes).
 * - `excluded`: `x-k8s: {exclude: true}`: the user's choice, for any service; no warning.
 *
 * The rest converts without them: a `depends_on` edge to a left-out service is dropped with a
 * warning (the dependent would otherwise wait forever for a pod that never comes), and a service
 * that runs in a left-out service's network namespace (`network_mode: service:X`) is left out
 * with it. Pure.
 */
import type { ComposeProject, ComposeService } from '../compose/model';
import { ComposeError, Diagnostic, warning } from '../diagnostics';
import { compareStrings } from '../order';
import { classifyBind, classifyHostPath } from './bind-mounts';
import type { LeftOutService } from './model';
import { readServiceXK8s, readTopLevelXK8s, ServiceXK8s, XK8sProject } from './x-k8s';

/** What does the job on DOKS, by image name (first match wins; the last row is the fallback). */
export const INSTEAD: readonly { readonly images: RegExp; readonly use: string }[] = [
  { images: /(promtail|grafana\/alloy|fluent-?bit|fluentd|filebeat|logspout|timberio\/vector|vector$|loki-docker-driver)/, use: 'a log collector DaemonSet from its Helm chart (grafana/alloy or grafana/promtail), which reads every pod\'s logs on every node' },
  { images: /(cadvisor|node-exporter|netdata|glances|telegraf|datadog\/agent|dd-agent|prometheus-node)/, use: 'DOKS\'s built-in metrics (every cluster runs the DigitalOcean metrics agent; node metrics are in the control panel) and, per container, the Kubernetes Monitoring Stack 1-Click from the DigitalOcean Marketplace (kube-prometheus-stack), which reads cAdvisor metrics from every kubelet' },
  { images: /(watchtower|ouroboros|diun|shepherd)/, use: 'Argo CD Image Updater (or a registry webhook that runs the docr-build workflow), which updates image tags through Git instead of restarting containers on a host' },
  { images: /(traefik|nginx-proxy|docker-gen|acme-companion|letsencrypt-nginx-proxy-companion|caddy-docker-proxy)/, use: 'an Ingress controller (ingress-nginx or Traefik from its Helm chart) with cert-manager for certificates; routes come from x-k8s.ingress' },
  { images: /(portainer|dozzle|yacht|lazydocker|docker-socket-proxy|dind|docker:)/, use: 'the DigitalOcean control panel and kubectl (or a Kubernetes dashboard Helm chart): the cluster has no Docker engine to manage' },
  { images: /.*/, use: 'a DaemonSet (from the tool\'s Helm chart) or a DOKS add-on that does the same job on every node' },
];

function insteadOf(service: ComposeService): string {
  const image = (service.image ?? '').toLowerCase();
  return INSTEAD.find((r) => r.images.test(image))!.use;
}

function quietly<T>(fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ComposeError) return fallback; // reported by the x-k8s stage
    throw e;
  }
}

/** Why a service cannot run in the cluster (its first engine or node mount), or undefined. */
export function hostBound(project: ComposeProject, service: ComposeService): { index: number; source: string; reason: string } | undefined {
  for (const [index, m] of service.volumes.entries()) {
    if (m.type !== 'bind' || classifyBind(project, m).kind !== 'host') continue;
    const written = m.sourceAsWritten ?? m.source ?? '';
    const host = classifyHostPath(m.source ?? '', written);
    if (host.class === 'engine' || host.class === 'node') return { index, source: written, reason: host.reason };
  }
  return undefined;
}

export interface LeftOutPlan {
  /** The project without the left-out services, and without edges to them. */
  readonly project: ComposeProject;
  readonly leftOut: LeftOutService[];
  readonly warnings: Diagnostic[];
}

/** Decide which services are left out; see the module comment. */
export function planLeftOut(project: ComposeProject): LeftOutPlan {
  const top = quietly<XK8sProject>(() => readTopLevelXK8s(project), {});
  const leftOut: LeftOutService[] = [];
  const warnings: Diagnostic[] = [];
  const names = Object.keys(project.services).sort(compareStrings);
  for (const name of names) {
    const service = project.services[name];
    const xk8s = quietly<ServiceXK8s>(() => readServiceXK8s(project, name, top), {});
    const path = `services.${name}`;
    if (xk8s.exclude === true) {
      leftOut.push({ service: name, status: 'excluded', reason: 'left out by x-k8s.exclude', path: `${path}.x-k8s.exclude` });
      continue;
    }
    if (xk8s.allowHostPath === true) continue;
    const bound = hostBound(project, service);
    if (!bound) continue;
    const at = `${path}.volumes[${bound.index}]`;
    const use = insteadOf(service);
    const reason = `it mounts ${bound.source} from the Docker host: ${bound.reason}`;
    leftOut.push({ service: name, status: 'refused', reason, instead: use, path: at });
    warnings.push(warning(`service ${name} is left out of the cluster: ${reason}; on DOKS use ${use} instead`, {
      path: at, hint: `set services.${name}.x-k8s.exclude: true to acknowledge this and silence the warning`,
    }));
  }
  // A service in a left-out service's network namespace goes with it (repeat: chains).
  for (let changed = true; changed;) {
    changed = false;
    for (const name of names) {
      if (leftOut.some((l) => l.service === name)) continue;
      const mode = project.services[name].networkMode ?? '';
      const host = mode.startsWith('service:') ? mode.slice('service:'.length) : undefined;
      if (host === undefined || !leftOut.some((l) => l.service === host)) continue;
      const reason = `it runs in the network of service ${host} (network_mode: service:${host}), which is left out`;
      leftOut.push({ service: name, status: 'refused', reason, path: `services.${name}.network_mode` });
      warnings.push(warning(`service ${name} is left out of the cluster: ${reason}`, {
        path: `services.${name}.network_mode`, hint: `set services.${name}.x-k8s.exclude: true to acknowledge this and silence the warning`,
      }));
      changed = true;
    }
  }
  leftOut.sort((a, b) => compareStrings(a.service, b.service));
  const gone = new Set(leftOut.map((l) => l.service));
  if (gone.size === 0) return { project, leftOut, warnings };
  const services: Record<string, ComposeService> = {};
  for (const name of names) {
    if (gone.has(name)) continue;
    const service = project.services[name];
    const dropped = Object.keys(service.dependsOn).filter((d) => gone.has(d)).sort(compareStrings);
    for (const d of dropped) {
      const excluded = leftOut.find((l) => l.service === d)?.status === 'excluded';
      warnings.push(warning(`depends_on ${d} is dropped: ${d} is left out of the cluster${excluded ? ' (x-k8s.exclude)' : ''}, so ${name} starts without waiting for it`, {
        path: `services.${name}.depends_on.${d}`, hint: `if ${name} needs ${d}, run ${d} outside the cluster and point ${name} at it`,
      }));
    }
    services[name] = dropped.length === 0 ? service
      : { ...service, dependsOn: Object.fromEntries(Object.entries(service.dependsOn).filter(([d]) => !gone.has(d))) };
  }
  // Keep services in their declared order.
  const ordered = Object.fromEntries(Object.keys(project.services).filter((n) => !gone.has(n)).map((n) => [n, services[n]]));
  return { project: { ...project, services: ordered }, leftOut, warnings };
}

/** The project as the plan sees it (the same filter as planLeftOut, without warnings). */
export function withoutLeftOut(project: ComposeProject, leftOut: readonly LeftOutService[] | undefined): ComposeProject {
  if (!leftOut || leftOut.length === 0) return project;
  return planLeftOut(project).project;
}
