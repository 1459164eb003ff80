/**
 * The first-deploy rehearsal checks. Each is a pure function of the objects that exist after the
 * rehearsal (cluster.ts `rehearse`: every object carries its namespace) and returns findings
 * (object, field path, message); none of them reads the planner's code.
 */
import { dataDirRow } from './data-dirs';
import {
  ComposeFacts, ComposeServiceFacts, ContainerRef, Finding, Obj, PodTemplate, byKindName, containersOf, dnsName, finding,
  podTemplates, selectorMatches, serviceSelects,
} from './model';
import { baselineViolations, restrictedViolations } from './pss';

const ns = (o: Obj): string => o.metadata?.namespace ?? '';

/** Same-named objects of that kind in other namespaces, for the message. */
function elsewhere(objects: readonly Obj[], kind: string, name: string, namespace: string): string {
  const found = objects.filter((o) => o.kind === kind && o.metadata?.name === name && ns(o) !== namespace)
    .map((o) => `"${ns(o)}"${o.provided ? ` (${o.provided})` : ''}`);
  return found.length ? `; it exists in namespace ${found.join(', ')}` : '';
}

// ---------------------------------------------------------------------------------------------
// 1. references: Secrets, ConfigMaps, PVCs, ServiceAccounts a pod needs exist in its namespace.

export function checkReferences(objects: readonly Obj[]): Finding[] {
  const out: Finding[] = [];
  for (const t of podTemplates(objects)) {
    const need = (kind: string, name: string | undefined, path: string, optional?: boolean) => {
      if (!name || optional) return;
      if (!byKindName(objects, kind, t.namespace, name)) {
        out.push(finding('references', t.owner, path, `${kind} ${name} does not exist in namespace "${t.namespace}"${elsewhere(objects, kind, name, t.namespace)}`));
      }
    };
    const s = t.spec;
    const base = t.specPath;
    need('ServiceAccount', s.serviceAccountName ?? s.serviceAccount ?? 'default', `${base}.serviceAccountName`);
    (s.imagePullSecrets ?? []).forEach((p: Obj, i: number) => need('Secret', p.name, `${base}.imagePullSecrets[${i}]`));
    const claimTemplates = new Set<string>((t.owner.kind === 'StatefulSet' ? t.owner.spec?.volumeClaimTemplates ?? [] : []).map((v: Obj) => v.metadata?.name));
    const volumes = new Set<string>();
    (s.volumes ?? []).forEach((v: Obj, i: number) => {
      volumes.add(v.name);
      const p = `${base}.volumes[${i}]`;
      if (v.secret) need('Secret', v.secret.secretName, `${p}.secret.secretName`, v.secret.optional);
      if (v.configMap) need('ConfigMap', v.configMap.name, `${p}.configMap.name`, v.configMap.optional);
      if (v.persistentVolumeClaim) need('PersistentVolumeClaim', v.persistentVolumeClaim.claimName, `${p}.persistentVolumeClaim.claimName`);
      (v.projected?.sources ?? []).forEach((src: Obj, j: number) => {
        if (src.secret) need('Secret', src.secret.name, `${p}.projected.sources[${j}].secret.name`, src.secret.optional);
        if (src.configMap) need('ConfigMap', src.configMap.name, `${p}.projected.sources[${j}].configMap.name`, src.configMap.optional);
      });
    });
    for (const { container: c, path } of containersOf(t)) {
      (c.env ?? []).forEach((e: Obj, i: number) => {
        const sk = e.valueFrom?.secretKeyRef;
        const ck = e.valueFrom?.configMapKeyRef;
        if (sk) need('Secret', sk.name, `${path}.env[${i}].valueFrom.secretKeyRef`, sk.optional);
        if (ck) need('ConfigMap', ck.name, `${path}.env[${i}].valueFrom.configMapKeyRef`, ck.optional);
      });
      (c.envFrom ?? []).forEach((e: Obj, i: number) => {
        if (e.secretRef) need('Secret', e.secretRef.name, `${path}.envFrom[${i}].secretRef`, e.secretRef.optional);
        if (e.configMapRef) need('ConfigMap', e.configMapRef.name, `${path}.envFrom[${i}].configMapRef`, e.configMapRef.optional);
      });
      (c.volumeMounts ?? []).forEach((m: Obj, i: number) => {
        if (!volumes.has(m.name) && !claimTemplates.has(m.name)) {
          out.push(finding('references', t.owner, `${path}.volumeMounts[${i}]`, `mounts volume ${m.name}, which is neither a pod volume nor a volumeClaimTemplate`));
        }
      });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// 2. services: every Service selects pods and its targetPort exists on a selected container.

export function selectedTemplates(objects: readonly Obj[], svc: Obj): PodTemplate[] {
  return podTemplates(objects).filter((t) => t.namespace === ns(svc) && serviceSelects(svc.spec?.selector, t.labels));
}

/** The container port a Service port reaches on a template (by number or by name); undefined when none. */
export function resolveTargetPort(t: PodTemplate, servicePort: Obj): { number: number; protocol: string } | undefined {
  const target = servicePort.targetPort ?? servicePort.port;
  const protocol = servicePort.protocol ?? 'TCP';
  for (const { container } of containersOf(t).filter((c) => c.list === 'containers' || c.container.restartPolicy === 'Always')) {
    for (const p of container.ports ?? []) {
      if ((p.protocol ?? 'TCP') !== protocol) continue;
      if (typeof target === 'number' ? p.containerPort === target : /^\d+$/.test(String(target)) ? p.containerPort === Number(target) : p.name === target) {
        return { number: p.containerPort, protocol };
      }
    }
  }
  return undefined;
}

export function checkServices(objects: readonly Obj[]): Finding[] {
  const out: Finding[] = [];
  for (const svc of objects.filter((o) => o.kind === 'Service' && !o.provided)) {
    if (svc.spec?.type === 'ExternalName') continue;
    if (!svc.spec?.selector || Object.keys(svc.spec.selector).length === 0) {
      out.push(finding('services', svc, 'spec.selector', 'has no selector: it reaches no pod (and no Endpoints object is written for it)'));
      continue;
    }
    const selected = selectedTemplates(objects, svc);
    if (selected.length === 0) {
      out.push(finding('services', svc, 'spec.selector', `selects no pod template in namespace "${ns(svc)}" (selector ${JSON.stringify(svc.spec.selector)})`));
      continue;
    }
    (svc.spec.ports ?? []).forEach((p: Obj, i: number) => {
      const missing = selected.filter((t) => !resolveTargetPort(t, p));
      for (const t of missing) {
        out.push(finding('services', svc, `spec.ports[${i}].targetPort`, `targetPort ${p.targetPort ?? p.port}/${p.protocol ?? 'TCP'} is not a port of the containers of ${t.owner.kind} ${t.owner.metadata?.name}`));
      }
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// 3. wait-targets: every `wait-*` init container waits for a real Service port.

/** host and port a wait container waits for, from its command: `nc -z [-w N] host port`, or `host:port`. */
export function parseWaitTarget(c: Obj): { host: string; port: number } | undefined {
  const text = [...(c.command ?? []), ...(c.args ?? [])].join(' ');
  const nc = /\bnc\b(?:\s+-[a-zA-Z]+(?:\s+\d+)?)*\s+([A-Za-z0-9][A-Za-z0-9.-]*)\s+(\d+)\b/.exec(text);
  if (nc) return { host: nc[1], port: Number(nc[2]) };
  const hp = /(?:^|[\s/"'])([A-Za-z][A-Za-z0-9.-]*):(\d+)\b/.exec(text);
  if (hp) return { host: hp[1], port: Number(hp[2]) };
  return undefined;
}

/** `svc`, `svc.ns`, `svc.ns.svc`, `svc.ns.svc.cluster.local` → Service name and namespace. */
export function serviceOfHost(host: string, podNamespace: string): { name: string; namespace: string } {
  const parts = host.replace(/\.$/, '').split('.');
  return { name: parts[0], namespace: parts.length > 1 ? parts[1] : podNamespace };
}

export function checkWaitTargets(objects: readonly Obj[]): Finding[] {
  const out: Finding[] = [];
  for (const t of podTemplates(objects)) {
    for (const { container: c, path } of containersOf(t).filter((x) => x.list === 'initContainers' && /^wait-/.test(x.container.name ?? ''))) {
      const target = parseWaitTarget(c);
      if (!target) {
        out.push(finding('wait-targets', t.owner, `${path}.command`, `cannot tell which host:port ${c.name} waits for`));
        continue;
      }
      const where = serviceOfHost(target.host, t.namespace);
      const svc = byKindName(objects, 'Service', where.namespace, where.name);
      if (!svc) {
        out.push(finding('wait-targets', t.owner, `${path}.command`, `${c.name} waits for ${target.host}:${target.port}, but there is no Service ${where.name} in namespace "${where.namespace}": it waits forever`));
      } else if (!(svc.spec?.ports ?? []).some((p: Obj) => p.port === target.port && (p.protocol ?? 'TCP') === 'TCP')) {
        out.push(finding('wait-targets', t.owner, `${path}.command`, `${c.name} waits for ${target.host}:${target.port}, but Service ${where.name} has ports ${(svc.spec?.ports ?? []).map((p: Obj) => p.port).join(', ') || 'none'}: it waits forever`));
      } else if (selectedTemplates(objects, svc).length === 0) {
        out.push(finding('wait-targets', t.owner, `${path}.command`, `${c.name} waits for Service ${where.name}, which selects no pod: it waits forever`));
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// 4. network-policies: dependency edges and exposed ports are allowed.

/** A traffic source. */
export type Peer =
  | { readonly kind: 'pod'; readonly namespace: string; readonly labels: Readonly<Record<string, string>> }
  | { readonly kind: 'external'; readonly ip: string };

/** Where outside traffic comes from in the model: a LoadBalancer client, and an ingress controller pod. */
export const EXTERNAL_CLIENT: Peer = { kind: 'external', ip: '203.0.113.7' };
export const INGRESS_CONTROLLER: Peer = { kind: 'pod', namespace: 'ingress-nginx', labels: { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' } };
export const KUBE_DNS = { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } };

function ipv4(ip: string): number | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip);
  return m ? m.slice(1).reduce((a, x) => a * 256 + Number(x), 0) : undefined;
}

export function cidrContains(cidr: string, ip: string): boolean {
  const [base, bits] = cidr.split('/');
  const b = ipv4(base);
  const i = ipv4(ip);
  if (b === undefined || i === undefined) return false;
  const n = Number(bits ?? 32);
  const size = 2 ** (32 - n);
  return Math.floor(b / size) === Math.floor(i / size);
}

function namespaceLabels(objects: readonly Obj[], namespace: string): Record<string, string> {
  const o = objects.find((x) => x.kind === 'Namespace' && x.metadata?.name === namespace);
  return { ...(o?.metadata?.labels ?? {}), 'kubernetes.io/metadata.name': namespace };
}

function peerMatches(objects: readonly Obj[], item: Obj, policyNs: string, peer: Peer): boolean {
  if (item.ipBlock) return peer.kind === 'external' && cidrContains(item.ipBlock.cidr, peer.ip) && !(item.ipBlock.except ?? []).some((e: string) => cidrContains(e, peer.ip));
  if (peer.kind !== 'pod') return false;
  if (item.namespaceSelector) return selectorMatches(item.namespaceSelector, namespaceLabels(objects, peer.namespace)) && (!item.podSelector || selectorMatches(item.podSelector, peer.labels));
  if (item.podSelector) return peer.namespace === policyNs && selectorMatches(item.podSelector, peer.labels);
  return false;
}

interface Endpoint {
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Resolves a named port of the destination; undefined for a destination we cannot see (kube-dns). */
  readonly template?: PodTemplate;
}

function portMatches(rulePorts: Obj[] | undefined, port: number, protocol: string, dest: Endpoint): boolean {
  if (!rulePorts || rulePorts.length === 0) return true;
  return rulePorts.some((p) => {
    if ((p.protocol ?? 'TCP') !== protocol) return false;
    if (p.port === undefined) return true;
    if (typeof p.port === 'number' || /^\d+$/.test(String(p.port))) {
      const lo = Number(p.port);
      return p.endPort ? port >= lo && port <= p.endPort : port === lo;
    }
    if (!dest.template) return false;
    return containersOf(dest.template).some(({ container }) => (container.ports ?? []).some((cp: Obj) => cp.name === p.port && cp.containerPort === port && (cp.protocol ?? 'TCP') === protocol));
  });
}

function types(p: Obj): string[] {
  return p.spec?.policyTypes ?? (p.spec?.egress ? ['Ingress', 'Egress'] : ['Ingress']);
}

/** Why traffic from `from` to `to` on port/protocol is blocked, or undefined when allowed. */
export function blockedBy(objects: readonly Obj[], from: Peer, to: Endpoint, port: number, protocol = 'TCP'): string | undefined {
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
  const ingress = policies.filter((p) => ns(p) === to.namespace && types(p).includes('Ingress') && selectorMatches(p.spec?.podSelector ?? {}, to.labels));
  if (ingress.length > 0 && !ingress.some((p) => (p.spec?.ingress ?? []).some((r: Obj) =>
    (!r.from || r.from.length === 0 || r.from.some((f: Obj) => peerMatches(objects, f, ns(p), from))) && portMatches(r.ports, port, protocol, to)))) {
    return `ingress: NetworkPolicy ${ingress.map((p) => p.metadata?.name).join(', ')} select the destination and allow none of it`;
  }
  if (from.kind === 'pod') {
    const egress = policies.filter((p) => ns(p) === from.namespace && types(p).includes('Egress') && selectorMatches(p.spec?.podSelector ?? {}, from.labels));
    const dest: Peer = { kind: 'pod', namespace: to.namespace, labels: to.labels };
    if (egress.length > 0 && !egress.some((p) => (p.spec?.egress ?? []).some((r: Obj) =>
      (!r.to || r.to.length === 0 || r.to.some((x: Obj) => peerMatches(objects, x, ns(p), dest))) && portMatches(r.ports, port, protocol, to)))) {
      return `egress: NetworkPolicy ${egress.map((p) => p.metadata?.name).join(', ')} select the source and allow none of it`;
    }
  }
  return undefined;
}

function factsOf(facts: ComposeFacts | undefined, t: PodTemplate): { name: string; facts: ComposeServiceFacts } | undefined {
  if (!facts) return undefined;
  const entry = Object.entries(facts.services).find(([name]) => name === t.service || dnsName(name) === t.service);
  return entry ? { name: entry[0], facts: entry[1] } : undefined;
}

function serviceObjectsOf(objects: readonly Obj[], composeName: string, namespace: string): Obj[] {
  return objects.filter((o) => o.kind === 'Service' && !o.provided && ns(o) === namespace
    && (o.metadata?.annotations?.['compose-cdk8s.io/service'] === composeName || o.metadata?.name === dnsName(composeName)));
}

/** Service port → the pod templates and container port it reaches, for each selected template. */
function reached(objects: readonly Obj[], svc: Obj): { t: PodTemplate; port: number; protocol: string; via: string }[] {
  const out: { t: PodTemplate; port: number; protocol: string; via: string }[] = [];
  for (const t of selectedTemplates(objects, svc)) {
    for (const p of svc.spec?.ports ?? []) {
      const r = resolveTargetPort(t, p);
      if (r) out.push({ t, port: r.number, protocol: r.protocol, via: `Service ${svc.metadata?.name}:${p.port}` });
    }
  }
  return out;
}

export function checkNetworkPolicies(objects: readonly Obj[], facts?: ComposeFacts): Finding[] {
  const out: Finding[] = [];
  const templates = podTemplates(objects);
  // Dependency edges (depends_on, host names in the environment).
  if (facts) {
    for (const t of templates) {
      const me = factsOf(facts, t);
      if (!me) continue;
      const targets = [...new Set([...me.facts.dependsOn, ...me.facts.hostRefs])].filter((x) => x !== me.name && facts.services[x]);
      for (const target of targets) {
        for (const svc of serviceObjectsOf(objects, facts.services[target].sharesPodWith ?? target, t.namespace)) {
          for (const r of reached(objects, svc)) {
            if (r.t === t) continue;
            const why = blockedBy(objects, { kind: 'pod', namespace: t.namespace, labels: t.labels }, { namespace: r.t.namespace, labels: r.t.labels, template: r.t }, r.port, r.protocol);
            if (why) out.push(finding('network-policies', t.owner, `${t.specPath}`, `Compose lets ${me.name} reach ${target} (${me.facts.dependsOn.includes(target) ? 'depends_on' : 'host name in environment'}) on ${r.via} → ${r.port}/${r.protocol}; blocked by ${why}`));
          }
        }
      }
    }
  }
  // Exposed ports: LoadBalancer / NodePort Services (clients outside the cluster), Ingress backends (the ingress controller).
  for (const svc of objects.filter((o) => o.kind === 'Service' && (o.spec?.type === 'LoadBalancer' || o.spec?.type === 'NodePort'))) {
    for (const r of reached(objects, svc)) {
      const why = blockedBy(objects, EXTERNAL_CLIENT, { namespace: r.t.namespace, labels: r.t.labels, template: r.t }, r.port, r.protocol);
      if (why) out.push(finding('network-policies', svc, 'spec.ports', `${svc.spec.type} traffic from outside to ${r.via} → ${r.port}/${r.protocol} is blocked by ${why}`));
    }
  }
  for (const ing of objects.filter((o) => o.kind === 'Ingress')) {
    const backends: { b: Obj; path: string }[] = [];
    if (ing.spec?.defaultBackend) backends.push({ b: ing.spec.defaultBackend, path: 'spec.defaultBackend' });
    (ing.spec?.rules ?? []).forEach((rule: Obj, i: number) => (rule.http?.paths ?? []).forEach((p: Obj, j: number) => backends.push({ b: p.backend, path: `spec.rules[${i}].http.paths[${j}].backend` })));
    for (const { b, path } of backends) {
      const svc = b?.service && byKindName(objects, 'Service', ns(ing), b.service.name);
      if (!svc) {
        out.push(finding('network-policies', ing, path, `backend Service ${b?.service?.name} does not exist in namespace "${ns(ing)}"`));
        continue;
      }
      const ports = (svc.spec?.ports ?? []).filter((p: Obj) => p.port === b.service.port?.number || (b.service.port?.name && p.name === b.service.port.name));
      if (ports.length === 0) out.push(finding('network-policies', ing, path, `backend port ${JSON.stringify(b.service.port)} is not a port of Service ${svc.metadata.name}`));
      for (const p of ports) {
        for (const t of selectedTemplates(objects, svc)) {
          const r = resolveTargetPort(t, p);
          if (!r) continue;
          const why = blockedBy(objects, INGRESS_CONTROLLER, { namespace: t.namespace, labels: t.labels, template: t }, r.number, r.protocol);
          if (why) out.push(finding('network-policies', ing, path, `traffic from the ingress controller to Service ${svc.metadata.name}:${p.port} → ${r.number} is blocked by ${why}`));
        }
      }
    }
  }
  // DNS: every pod whose egress is limited can still ask kube-dns.
  for (const t of templates) {
    for (const protocol of ['UDP', 'TCP']) {
      const why = blockedBy(objects, { kind: 'pod', namespace: t.namespace, labels: t.labels }, KUBE_DNS, 53, protocol);
      if (why) out.push(finding('network-policies', t.owner, t.specPath, `DNS (${protocol} 53 to kube-dns) is blocked by ${why}`));
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// 5. data-directories: no database data directory on a volume root.

function envValue(objects: readonly Obj[], t: PodTemplate, c: Obj, name: string): string | undefined {
  let value: string | undefined;
  for (const e of c.envFrom ?? []) {
    const cm = e.configMapRef && byKindName(objects, 'ConfigMap', t.namespace, e.configMapRef.name);
    const key = `${e.prefix ?? ''}`;
    if (cm?.data && name.startsWith(key) && cm.data[name.slice(key.length)] !== undefined) value = cm.data[name.slice(key.length)];
  }
  for (const e of c.env ?? []) {
    if (e.name !== name) continue;
    if (e.value !== undefined) value = String(e.value);
    const ck = e.valueFrom?.configMapKeyRef;
    if (ck) value = byKindName(objects, 'ConfigMap', t.namespace, ck.name)?.data?.[ck.key];
  }
  return value;
}

const trimSlash = (p: string): string => p.replace(/\/+$/, '') || '/';

export function checkDataDirectories(objects: readonly Obj[]): Finding[] {
  const out: Finding[] = [];
  for (const t of podTemplates(objects)) {
    const claimVolumes = new Set<string>([
      ...(t.spec.volumes ?? []).filter((v: Obj) => v.persistentVolumeClaim || v.ephemeral).map((v: Obj) => v.name),
      ...(t.owner.kind === 'StatefulSet' ? t.owner.spec?.volumeClaimTemplates ?? [] : []).map((v: Obj) => v.metadata?.name),
    ]);
    for (const { container: c, path } of containersOf(t).filter((x: ContainerRef) => x.list === 'containers')) {
      const row = c.image && dataDirRow(String(c.image));
      if (!row || !row.fails) continue;
      const dataDir = trimSlash((row.envVar && envValue(objects, t, c, row.envVar)) || row.dataDir);
      (c.volumeMounts ?? []).forEach((m: Obj, i: number) => {
        if (!claimVolumes.has(m.name) || m.subPath || m.subPathExpr) return;
        if (trimSlash(m.mountPath) === dataDir) {
          out.push(finding('data-directories', t.owner, `${path}.volumeMounts[${i}]`, `${c.image}: claim ${m.name} is mounted at ${m.mountPath}, the data directory itself; a new volume holds lost+found there: ${row.reason}`));
        }
      });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// 6. claims: PVCs survive Argo CD prune / app deletion (dist/) and `helm uninstall` (chart).

export const ARGO_SYNC_OPTIONS = 'argocd.argoproj.io/sync-options';
export const HELM_RESOURCE_POLICY = 'helm.sh/resource-policy';

export interface ClaimsOptions {
  /** `dist` (Argo CD applies it) or `chart` (helm installs it). */
  readonly source: 'dist' | 'chart';
  /** The documented opt-out: a claim the user chose to leave unprotected. */
  readonly optedOut?: (pvc: Obj) => boolean;
}

export function checkClaims(objects: readonly Obj[], opts: ClaimsOptions): Finding[] {
  const out: Finding[] = [];
  for (const pvc of objects.filter((o) => o.kind === 'PersistentVolumeClaim' && !o.provided)) {
    if (opts.optedOut?.(pvc)) continue;
    const a = pvc.metadata?.annotations ?? {};
    if (opts.source === 'dist') {
      const options = String(a[ARGO_SYNC_OPTIONS] ?? '').split(',').map((x) => x.trim());
      for (const want of ['Prune=false', 'Delete=false']) {
        if (!options.includes(want)) out.push(finding('claims', pvc, `metadata.annotations["${ARGO_SYNC_OPTIONS}"]`, `lacks ${want}: Argo CD deletes the claim (${want.startsWith('Prune') ? 'prune after it leaves Git' : 'app deletion'}), and do-block-storage then deletes the disk`));
      }
    } else if (a[HELM_RESOURCE_POLICY] !== 'keep') {
      out.push(finding('claims', pvc, `metadata.annotations["${HELM_RESOURCE_POLICY}"]`, 'lacks helm.sh/resource-policy: keep: helm uninstall deletes the claim, and do-block-storage then deletes the disk'));
    }
  }
  for (const sts of objects.filter((o) => o.kind === 'StatefulSet')) {
    if (sts.spec?.persistentVolumeClaimRetentionPolicy?.whenDeleted === 'Delete' && (sts.spec?.volumeClaimTemplates ?? []).length > 0) {
      out.push(finding('claims', sts, 'spec.persistentVolumeClaimRetentionPolicy.whenDeleted', 'Delete removes the claims (and disks) with the StatefulSet'));
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// 7. pod-security: RuntimeDefault seccomp everywhere; wait-* helpers "restricted" with resources;
//    nothing below "baseline" unless Compose asked for it.

export function checkPodSecurity(objects: readonly Obj[], facts?: ComposeFacts): Finding[] {
  const out: Finding[] = [];
  for (const t of podTemplates(objects)) {
    const service = factsOf(facts, t);
    const asks = new Set(service?.facts.asks ?? []);
    const s = t.spec;
    const podSeccomp = s.securityContext?.seccompProfile?.type;
    const all = containersOf(t);
    const everyContainerConfined = all.length > 0 && all.every(({ container }) => ['RuntimeDefault', 'Localhost'].includes(container.securityContext?.seccompProfile?.type));
    if (podSeccomp !== 'RuntimeDefault' && !everyContainerConfined && !asks.has('seccomp')) {
      out.push(finding('pod-security', t.owner, `${t.specPath}.securityContext.seccompProfile`, `pod runs ${podSeccomp ?? 'Unconfined'} instead of seccompProfile RuntimeDefault (Docker applies its default profile to every container)`));
    }
    const waits = (list: string, i: number) => list === 'initContainers' && /^wait-/.test(s.initContainers?.[i]?.name ?? '');
    for (const v of restrictedViolations(s, t.specPath, { only: waits })) out.push(finding('pod-security', t.owner, v.path, `helper below "restricted" (${v.control}): ${v.message}`));
    for (const { container: c, path } of all.filter((x) => waits(x.list, x.index))) {
      const r = c.resources ?? {};
      const missing = [!r.requests?.cpu && 'requests.cpu', !r.requests?.memory && 'requests.memory', !r.limits?.memory && 'limits.memory'].filter(Boolean);
      if (missing.length) out.push(finding('pod-security', t.owner, `${path}.resources`, `helper ${c.name} has no ${missing.join(', ')}`));
    }
    for (const v of baselineViolations(s, t.specPath)) {
      if (v.ask && asks.has(v.ask)) continue;
      out.push(finding('pod-security', t.owner, v.path, `below "baseline" (${v.control}) without the Compose file asking: ${v.message}`));
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// 8. statefulset-service: serviceName names a headless Service.

export function checkStatefulSetServices(objects: readonly Obj[]): Finding[] {
  const out: Finding[] = [];
  for (const sts of objects.filter((o) => o.kind === 'StatefulSet')) {
    const name = sts.spec?.serviceName;
    if (!name) continue;
    const svc = byKindName(objects, 'Service', ns(sts), name);
    if (!svc) out.push(finding('statefulset-service', sts, 'spec.serviceName', `governing Service ${name} does not exist in namespace "${ns(sts)}"`));
    else if (svc.spec?.clusterIP !== 'None') out.push(finding('statefulset-service', sts, 'spec.serviceName', `governing Service ${name} is not headless (clusterIP: ${svc.spec?.clusterIP ?? 'allocated'}); it must be clusterIP: None`));
    else if (!serviceSelects(svc.spec?.selector, sts.spec?.template?.metadata?.labels ?? {})) out.push(finding('statefulset-service', sts, 'spec.serviceName', `governing Service ${name} does not select the StatefulSet's pods`));
  }
  return out;
}
