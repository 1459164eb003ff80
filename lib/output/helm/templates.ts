/**
 * One dist/ object → one Helm template. The object keeps every field and its name; only the fields
 * users turn are replaced by expressions over `.Values` (see values.ts for the keys):
 * - every object: `namespace: {{ .Release.Namespace }}`, Helm's standard labels plus
 *   `commonLabels`, `commonAnnotations`, and the owning service's `labels` / `annotations`;
 * - the service's workload: replicas (unless autoscaling), image (built services from
 *   `global.image`), pull policy, pull secrets, resources, non-secret env values, pod labels and
 *   annotations, nodeSelector / tolerations / affinity; built images of the containers of services
 *   sharing its network (network_mode: service:) from `global.image` too (their other fields stay as in dist/);
 *   a single pod on ReadWriteOnce claims gets the plan's co-location label and podAffinity while
 *   values run more than one pod (claim-affinity.ts);
 * - its Service: type and annotations; its env ConfigMap: the env values;
 * - PersistentVolumeClaims: size and storage class, and `helm.sh/resource-policy: keep` on the
 *   claims the plan keeps (plan/claims.ts), so `helm uninstall` leaves their data;
 * - its Ingress and HorizontalPodAutoscaler (dist/'s, or the chart's own, off by default): on/off,
 *   class, hosts, paths, TLS, annotations; min / max replicas and the CPU target.
 * Every string that comes from dist/ is escaped, so `{{` in a Compose value stays text.
 */
import { HELM_RESOURCE_POLICY } from '../../plan/claims';
import type { ColocationPlan } from '../../plan/model';
import { AFFINITY_VAR, SCALED_VAR, colocationHeader, colocationWhenScaled } from './claim-affinity';
import { CLUSTER_SCOPED_KINDS } from './labels';
import { ChartModel, K8sObject, ServiceModel, SCALABLE_KINDS, cpuMetric, getPath, podTemplateOf } from './model';
import { BlockLines, TemplateText, mapBlock, withBlock } from './text';

/** A Go template string literal. */
export function goString(text: string): string {
  return JSON.stringify(text);
}

/** Replace `key` in place (or add it at the end) with a template block. */
function putBlock(obj: K8sObject, key: string, t: TemplateText, lines: BlockLines): void {
  const keys = Object.keys(obj);
  const at = keys.indexOf(key);
  const entries = Object.entries(obj).filter(([k]) => k !== key);
  const blockEntry: [string, null] = [t.blockKey(lines), null];
  // Never first in a map (it may be a list item, where the key shares the line with "- ").
  if (at > 0) entries.splice(at, 0, blockEntry);
  else entries.push(blockEntry);
  for (const k of keys) delete obj[k];
  for (const [k, v] of entries) obj[k] = v;
}

function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

interface Scope {
  readonly chart: string;
  readonly t: TemplateText;
  readonly owner?: ServiceModel;
}

function metadata(obj: K8sObject, scope: Scope, extra: { annotations?: string[] } = {}): void {
  const { t, chart, owner } = scope;
  const meta = obj.metadata as K8sObject;
  if (!CLUSTER_SCOPED_KINDS.has(obj.kind)) meta.namespace = t.scalar('{{ .Release.Namespace }}');
  const labels = owner ? ['$svc.labels'] : [];
  putBlock(meta, 'labels', t, mapBlock('labels', meta.labels, labels, [`include ${goString(`${chart}.labels`)} $`]));
  const annotations = [...(extra.annotations ?? []), ...(owner ? ['$svc.annotations'] : []), '$.Values.commonAnnotations'];
  putBlock(meta, 'annotations', t, mapBlock('annotations', meta.annotations, annotations));
}

function podSpec(s: ServiceModel, workload: K8sObject, t: TemplateText, colocation: ColocationPlan | undefined): void {
  const template = podTemplateOf(workload) as K8sObject;
  template.metadata ??= {};
  const scaledLabel = colocation ? { condition: SCALED_VAR, entries: { [colocation.labelKey]: colocation.labelValue } } : undefined;
  putBlock(template.metadata, 'labels', t, mapBlock('labels', template.metadata.labels, ['$svc.podLabels'], [], scaledLabel));
  putBlock(template.metadata, 'annotations', t, mapBlock('annotations', template.metadata.annotations, ['$svc.podAnnotations']));
  const spec = template.spec as K8sObject;

  const container = ((spec.containers ?? []) as K8sObject[]).find((c) => c.name === s.workload.container.name);
  if (container) {
    const image = s.builtImage
      ? `{{ include ${goString(`${t.chartName}.builtImage`)} (dict "image" $svc.image "global" $.Values.global.image) | quote }}`
      : `{{ include ${goString(`${t.chartName}.image`)} $svc.image | quote }}`;
    container.image = t.scalar(image);
    if (container.imagePullPolicy !== undefined) container.imagePullPolicy = t.scalar('{{ $svc.image.pullPolicy }}');
    for (const e of (container.env ?? []) as K8sObject[]) {
      if (typeof e.value === 'string') e.value = t.scalar(`{{ index $svc.env ${goString(e.name)} | quote }}`);
    }
    putBlock(container, 'resources', t, withBlock('resources', '$svc.resources'));
  }
  // Built images of services sharing this one's network follow global.image like the service's own.
  for (const c of (spec.containers ?? []) as K8sObject[]) {
    const built = c !== container ? s.builtSidecars.get(c.name) : undefined;
    if (!built) continue;
    const image = `(dict "repository" ${goString(built.repository)} "tag" ${goString(built.tag)})`;
    c.image = t.scalar(`{{ include ${goString(`${t.chartName}.builtImage`)} (dict "image" ${image} "global" $.Values.global.image) | quote }}`);
  }

  const pullSecrets = spec.imagePullSecrets ? '($svc.imagePullSecrets | default $.Values.global.imagePullSecrets)' : '$svc.imagePullSecrets';
  putBlock(spec, 'imagePullSecrets', t, () => [
    `{{- with ${pullSecrets} }}`,
    'imagePullSecrets:',
    '  {{- range . }}',
    '  - name: {{ . | quote }}',
    '  {{- end }}',
    '{{- end }}',
  ]);
  for (const key of ['nodeSelector', 'tolerations', 'affinity']) {
    // The service's value wins, then (while scaled) the co-location, then the global value.
    const scaled = key === 'affinity' && colocation ? ` | default ${AFFINITY_VAR}` : '';
    putBlock(spec, key, t, withBlock(key, `($svc.${key}${scaled} | default $.Values.global.${key})`));
  }
}

/** The template for one dist/ object. */
export function objectTemplate(source: K8sObject, model: ChartModel, chart: string, owner: ServiceModel | undefined): string {
  if (owner && source === owner.ingressObject) return ingressTemplate(owner, chart, source);
  if (owner && source === owner.hpaObject) return hpaTemplate(owner, chart, source);
  const obj = clone(source);
  const t = new TemplateText(chart);
  const scope: Scope = { chart, t, owner };
  const header: string[] = [];
  if (owner) header.push(serviceHeader(owner));

  if (owner && source === owner.workloadObject) {
    const colocation = SCALABLE_KINDS.has(obj.kind) ? colocationWhenScaled(owner.workload) : undefined;
    if (colocation) header.push(...colocationHeader(colocation));
    podSpec(owner, obj, t, colocation);
    if (SCALABLE_KINDS.has(obj.kind)) {
      if (owner.hpaObject && typeof obj.spec?.replicas === 'number') {
        // dist/ sets both replicas and an HPA: so does the chart.
        obj.spec.replicas = t.scalar('{{ $svc.replicas }}');
      } else {
        obj.spec ??= {};
        putBlock(obj.spec, 'replicas', t, () => ['{{- if not $svc.autoscaling.enabled }}', 'replicas: {{ $svc.replicas }}', '{{- end }}']);
      }
    }
  }
  const extraAnnotations: string[] = [];
  if (owner && source === owner.serviceObject) {
    obj.spec.type = t.scalar('{{ $svc.service.type }}');
    extraAnnotations.push('$svc.service.annotations');
  }
  if (owner && source === owner.publicServiceObject) {
    obj.spec.type = t.scalar('{{ $svc.publicService.type }}');
    extraAnnotations.push('$svc.publicService.annotations');
  }
  if (owner && obj.kind === 'ConfigMap' && owner.envConfigMaps.has(obj.metadata?.name)) {
    for (const key of Object.keys(obj.data ?? {})) obj.data[key] = t.scalar(`{{ index $svc.env ${goString(key)} | quote }}`);
  }
  if (obj.kind === 'PersistentVolumeClaim' && model.claims.has(obj.metadata?.name)) {
    header.push(`{{- $vol := index .Values.persistence ${goString(model.claims.get(obj.metadata.name)!)} }}`);
    if (getPath(obj, ['spec', 'resources', 'requests', 'storage']) !== undefined) obj.spec.resources.requests.storage = t.scalar('{{ $vol.size | quote }}');
    if (obj.spec.storageClassName !== undefined) obj.spec.storageClassName = t.scalar('{{ $vol.storageClass | quote }}');
  }
  if (obj.kind === 'PersistentVolumeClaim' && model.plan.volumeClaims.find((c) => c.name === obj.metadata?.name)?.keep) {
    // helm uninstall leaves the claim, and so its volume and data (plan/claims.ts).
    obj.metadata.annotations = { ...(obj.metadata.annotations ?? {}), [HELM_RESOURCE_POLICY]: 'keep' };
  }
  metadata(obj, scope, { annotations: extraAnnotations });
  return `${header.join('\n')}${header.length ? '\n' : ''}${t.render(obj)}`;
}

function serviceHeader(owner: ServiceModel): string {
  return `{{- $svc := index .Values.services ${goString(owner.key)} }}`;
}

/** The Ingress a service may switch on, made without one in dist/. */
export function newIngress(owner: ServiceModel): K8sObject {
  const service = owner.serviceObject!;
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: service.metadata.name, labels: { ...(service.metadata.labels ?? {}) } },
    spec: {},
  };
}

/** The HorizontalPodAutoscaler a service may switch on, made without one in dist/. */
export function newHpa(owner: ServiceModel): K8sObject {
  const w = owner.workloadObject!;
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: w.metadata.name, labels: { ...(w.metadata.labels ?? {}) } },
    spec: {
      scaleTargetRef: { apiVersion: w.apiVersion, kind: w.kind, name: w.metadata.name },
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }],
    },
  };
}

/**
 * The Ingress of a service, on while `services.<name>.ingress.enabled`: class, TLS, hosts / paths
 * and annotations come from values; anything else in `base` (dist/'s Ingress, or a new one) stays.
 */
export function ingressTemplate(owner: ServiceModel, chart: string, base: K8sObject): string {
  const t = new TemplateText(chart);
  const obj = clone(base);
  const service = owner.serviceObject!.metadata.name as string;
  delete obj.metadata.annotations;
  metadata(obj, { chart, t, owner }, { annotations: ['$svc.ingress.annotations'] });
  obj.spec ??= {};
  putBlock(obj.spec, 'ingressClassName', t, () => ['{{- with $svc.ingress.className }}', 'ingressClassName: {{ . | quote }}', '{{- end }}']);
  putBlock(obj.spec, 'tls', t, withBlock('tls', '$svc.ingress.tls'));
  putBlock(obj.spec, 'rules', t, () => [
    'rules:',
    '  {{- range $svc.ingress.hosts }}',
    '  - http:',
    '      paths:',
    '        {{- range .paths }}',
    '        - backend:',
    '            service:',
    `              name: ${service}`,
    '              port:',
    '                number: {{ $svc.ingress.port }}',
    '          path: {{ .path | quote }}',
    '          pathType: {{ .pathType | quote }}',
    '        {{- end }}',
    '    {{- with .host }}',
    '    host: {{ . | quote }}',
    '    {{- end }}',
    '  {{- end }}',
  ]);
  return wrapIf(serviceHeader(owner), '$svc.ingress.enabled', t.render(obj));
}

/**
 * The HorizontalPodAutoscaler of a service, on while `services.<name>.autoscaling.enabled`, with
 * min / max replicas and the CPU target from values.
 */
export function hpaTemplate(owner: ServiceModel, chart: string, base: K8sObject): string {
  const t = new TemplateText(chart);
  const obj = clone(base);
  obj.spec ??= {};
  const cpu = cpuMetric(obj);
  if (cpu) cpu.resource.target.averageUtilization = t.scalar('{{ $svc.autoscaling.targetCPUUtilizationPercentage }}');
  const spec = obj.spec as K8sObject;
  const rest = Object.fromEntries(Object.entries(spec).filter(([k]) => k !== 'minReplicas' && k !== 'maxReplicas' && k !== 'scaleTargetRef'));
  obj.spec = {
    scaleTargetRef: spec.scaleTargetRef,
    minReplicas: t.scalar('{{ $svc.autoscaling.minReplicas }}'),
    maxReplicas: t.scalar('{{ $svc.autoscaling.maxReplicas }}'),
    ...rest,
  };
  metadata(obj, { chart, t, owner });
  return wrapIf(serviceHeader(owner), '$svc.autoscaling.enabled', t.render(obj));
}

function wrapIf(header: string, condition: string, body: string): string {
  return `${header}\n{{- if ${condition} }}\n${body}{{- end }}\n`;
}

/** A candidate pod port of a service's exposure policy, and when values open it. */
interface ExposedPort {
  readonly port: number;
  readonly protocol: string;
  /** A Go template condition, or `true` when dist/ always exposes it. */
  readonly when: string[] | true;
}

/**
 * The pod ports a service's values may expose outside the cluster, each with the values that open
 * it: its public Service's ports (always), the ClusterIP Service's ports while `service.type` is
 * not ClusterIP, the port behind `ingress.port` while the Ingress is enabled (dist/'s own Ingress
 * the values cannot describe: always).
 */
function exposedPorts(owner: ServiceModel, dist: readonly { port: number; protocol: string }[]): ExposedPort[] {
  const byKey = new Map<string, { port: number; protocol: string; when: Set<string> | true }>();
  const add = (port: number, protocol: string, when: string | true): void => {
    const key = `${port}/${protocol}`;
    const known = byKey.get(key) ?? { port, protocol, when: new Set<string>() };
    if (when === true || known.when === true) known.when = true;
    else known.when.add(when);
    byKey.set(key, known);
  };
  const ports = (svc: K8sObject | undefined): K8sObject[] => (svc?.spec?.ports ?? []) as K8sObject[];
  const target = (p: K8sObject): number => (typeof p.targetPort === 'number' ? p.targetPort : Number(p.port));
  for (const p of ports(owner.publicServiceObject)) add(target(p), String(p.protocol ?? 'TCP'), true);
  for (const p of ports(owner.serviceObject)) add(target(p), String(p.protocol ?? 'TCP'), 'ne $svc.service.type "ClusterIP"');
  const ingressValues = owner.ingressObject !== undefined || (owner.serviceObject !== undefined && !owner.otherIngress);
  for (const p of ports(owner.serviceObject)) {
    if (String(p.protocol ?? 'TCP') !== 'TCP') continue;
    if (ingressValues) add(target(p), 'TCP', `and $svc.ingress.enabled (eq (int $svc.ingress.port) ${Number(p.port)})`);
  }
  // dist/'s policy ports the values cannot turn off (an Ingress kept as is).
  for (const p of dist) if (!byKey.has(`${p.port}/${p.protocol}`) || owner.otherIngress) add(p.port, p.protocol, true);
  return [...byKey.values()]
    .sort((a, b) => a.port - b.port || (a.protocol < b.protocol ? -1 : a.protocol > b.protocol ? 1 : 0))
    .map((p) => ({ port: p.port, protocol: p.protocol, when: p.when === true ? true : [...p.when] }));
}

function orOf(conditions: readonly string[]): string {
  return conditions.length === 1 ? conditions[0] : `or ${conditions.map((c) => `(${c})`).join(' ')}`;
}

/**
 * The NetworkPolicy `<name>-public` of a service, opening exactly the pod ports its values expose
 * outside the cluster (see `exposedPorts`), to any source: a DigitalOcean load balancer's traffic
 * comes from outside the cluster, an ingress controller's from its own namespace. Rendered while
 * `networkPolicies.enabled` and something is exposed; with the default values it is dist/'s
 * `<name>-public` (or absent, as in dist/).
 */
export function exposurePolicyTemplate(owner: ServiceModel, chart: string, base: K8sObject): string {
  const t = new TemplateText(chart);
  const obj = clone(base);
  const distPorts = (((obj.spec?.ingress ?? []) as K8sObject[]).flatMap((r) => (r.ports ?? []) as K8sObject[]))
    .map((p) => ({ port: Number(p.port), protocol: String(p.protocol ?? 'TCP') }));
  const candidates = exposedPorts(owner, distPorts);
  delete obj.metadata.annotations;
  metadata(obj, { chart, t, owner });
  obj.spec ??= {};
  putBlock(obj.spec, 'ingress', t, () => [
    'ingress:',
    '  - ports:',
    ...candidates.flatMap((p) => {
      const entry = [`      - port: ${p.port}`, `        protocol: ${p.protocol}`];
      return p.when === true ? entry : [`      {{- if ${orOf(p.when)} }}`, ...entry, '      {{- end }}'];
    }),
  ]);
  const always = candidates.some((p) => p.when === true);
  const any = always ? '.Values.networkPolicies.enabled' : `and .Values.networkPolicies.enabled (${orOf(candidates.flatMap((p) => (p.when === true ? [] : p.when)))})`;
  return wrapIf(serviceHeader(owner), any, t.render(obj));
}

/** A dist/ NetworkPolicy (a Compose network's, a dependency wait's): present while `networkPolicies.enabled`. */
export function networkPolicyTemplate(source: K8sObject, model: ChartModel, chart: string): string {
  const body = objectTemplate(source, model, chart, undefined);
  return `{{- if .Values.networkPolicies.enabled }}\n${body}{{- end }}\n`;
}
