/**
 * One dist/ object → one Helm template. The object keeps every field and its name; only the fields
 * users turn are replaced by expressions over `.Values` (see values.ts for the keys):
 * - every object: `namespace: {{ .Release.Namespace }}`, Helm's standard labels plus
 *   `commonLabels`, `commonAnnotations`, and the owning service's `labels` / `annotations`;
 * - the service's workload: replicas (unless autoscaling), image (built services from
 *   `global.image`), pull policy, pull secrets, resources, non-secret env values, pod labels and
 *   annotations, nodeSelector / tolerations / affinity (merged per kind); built images of the containers of services
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
import { HELM_RESOURCE_POLICY } from '../../../plan/claims';
import type { ColocationPlan } from '../../../plan/model';
import { AFFINITY_VAR, SCALED_VAR, colocationHeader, colocationWhenScaled } from './claim-affinity';
import { CLUSTER_SCOPED_KINDS, RELEASE_INFO_NAME } from './labels';
import { POD_TEMPLATE_PATH } from '../../common/workload-paths';
import { ChartModel, K8sObject, ServiceModel, SCALABLE_KINDS, cpuMetric, getPath, podTemplateOf, utilizationMetric } from './model';
import { BlockLines, MapSource, TemplateText, goValue, mapBlock, withBlock } from './text';

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

/** Label every object and pod gets while `prefixNames` is on, so two releases select disjoint pods. */
export const LABEL_INSTANCE = 'app.kubernetes.io/instance';
const INSTANCE_WHEN_PREFIXED: MapSource = { expr: `ternary (dict ${goString(LABEL_INSTANCE)} $.Release.Name) (dict) $.Values.prefixNames` };

/**
 * Object metadata. Precedence when a key is set twice (first wins):
 * - labels: the tool's own (dist/'s and Helm's standard labels) > the service's `labels` > `commonLabels`;
 * - annotations: the object's own value (`service.annotations`, `ingress.annotations`) > the
 *   service's `annotations` > the tool's own (dist/'s, e.g. the Argo CD sync wave) > `commonAnnotations`.
 */
function metadata(obj: K8sObject, scope: Scope, extra: { annotations?: string[] } = {}): void {
  const { t, chart, owner } = scope;
  const meta = obj.metadata as K8sObject;
  if (!CLUSTER_SCOPED_KINDS.has(obj.kind)) meta.namespace = t.scalar('{{ .Release.Namespace }}');
  const workload = owner && POD_TEMPLATE_PATH[obj.kind] !== undefined && meta.name === owner.workload.name;
  if (typeof meta.name === 'string') meta.name = t.scalar(`{{ ${objName(chart, meta.name)} | quote }}`);
  putBlock(meta, 'labels', t, mapBlock('labels', [
    { literal: meta.labels },
    { expr: `include ${goString(`${chart}.labels`)} $ | fromYaml` },
    ...(owner ? [{ expr: '$svc.labels' }] : []),
    { expr: '$.Values.commonLabels' },
  ]));
  putBlock(meta, 'annotations', t, mapBlock('annotations', [
    ...(extra.annotations ?? []).map((expr) => ({ expr })),
    ...(owner ? [{ expr: '$svc.annotations' }] : []),
    { literal: meta.annotations },
    ...(workload ? [{ expr: `include ${goString(`${chart}.releaseAnnotations`)} (dict "root" $ "image" $svc.image "built" ${owner!.builtImage}) | fromYaml` }] : []),
    { expr: '$.Values.commonAnnotations' },
  ]));
}

/** The name an object of dist/ named `name` gets (the release prefix while `prefixNames` is on). */
export function objName(chart: string, name: string): string {
  return `include ${goString(`${chart}.objname`)} (list $ ${goString(name)})`;
}

/** Keys holding the name of another object of the release, by the key of the map holding them. */
const NAME_REFS: Readonly<Record<string, string>> = {
  secretKeyRef: 'name',
  configMapKeyRef: 'name',
  configMapRef: 'name',
  secretRef: 'name',
  configMap: 'name',
  secret: 'secretName',
  service: 'name',
  scaleTargetRef: 'name',
};

/**
 * References to objects of the release follow their names: Secrets, ConfigMaps, claims (or
 * `persistence.<volume>.existingClaim`), Services, scale targets, a StatefulSet's governing
 * Service; label selectors gain the instance label while `prefixNames` is on.
 */
function followReferences(obj: K8sObject, model: ChartModel, t: TemplateText): void {
  const chart = t.chartName;
  const names = referableNames(model);
  const external = externalSecretNames(model);
  const selectors: K8sObject[] = [];
  const walk = (node: unknown, parentKey: string): void => {
    if (Array.isArray(node)) {
      for (const item of node) walk(item, parentKey);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const map = node as K8sObject;
    const refKey = NAME_REFS[parentKey];
    if (refKey && typeof map[refKey] === 'string' && names.has(map[refKey]) && !(SECRET_REFS.has(parentKey) && external.has(map[refKey]))) {
      map[refKey] = t.scalar(`{{ ${objName(chart, map[refKey])} | quote }}`);
    }
    if (parentKey === 'persistentVolumeClaim' && typeof map.claimName === 'string' && names.has(map.claimName)) {
      const volume = model.claims.get(map.claimName);
      const fallback = objName(chart, map.claimName);
      map.claimName = t.scalar(volume !== undefined
        ? `{{ (index $.Values.persistence ${goString(volume)}).existingClaim | default (${fallback}) | quote }}`
        : `{{ ${fallback} | quote }}`);
    }
    for (const [k, v] of Object.entries(map)) {
      if (k === 'matchLabels' && parentKey !== 'namespaceSelector' && v && typeof v === 'object') selectors.push(map);
      walk(v, k);
    }
  };
  walk(obj.spec, 'spec');
  if (typeof obj.spec?.serviceName === 'string' && names.has(obj.spec.serviceName)) obj.spec.serviceName = t.scalar(`{{ ${objName(chart, obj.spec.serviceName)} | quote }}`);
  if (obj.kind === 'Service' && obj.spec?.selector) selectors.push(obj.spec);
  for (const holder of selectors) {
    const key = holder.matchLabels ? 'matchLabels' : 'selector';
    const literal = holder[key] as Record<string, unknown>;
    putBlock(holder, key, t, mapBlock(key, [{ literal }, INSTANCE_WHEN_PREFIXED]));
  }
}

/** Keys of NAME_REFS whose map names a Secret. */
const SECRET_REFS: ReadonlySet<string> = new Set(['secretKeyRef', 'secretRef', 'secret']);

/** Names of the release's objects (and of the Secrets it needs), which follow `prefixNames`. */
function referableNames(model: ChartModel): Set<string> {
  const names = new Set<string>();
  for (const o of model.objects) if (o.kind !== 'Namespace' && typeof o.metadata?.name === 'string') names.add(o.metadata.name);
  for (const s of model.plan.secretRefs) names.add(s.name);
  return names;
}

/**
 * Secrets marked `external: true` in Compose: they exist in the cluster under their own name, so
 * references to them keep it while `prefixNames` is on.
 */
export function externalSecretNames(model: ChartModel): Set<string> {
  return new Set(model.plan.secretRefs.filter((s) => s.external).map((s) => s.name));
}

/** Service names another container may reach by host name (env values, `wait-*` targets). */
export function serviceNames(model: ChartModel): string[] {
  return [...new Set(model.objects.filter((o) => o.kind === 'Service').map((o) => String(o.metadata.name)))].sort();
}

/** `text` with each Service host name in it as the name that Service gets: a Go expression. */
function hostRefsText(text: string, model: ChartModel, chart: string): string | undefined {
  const hosts = serviceNames(model);
  if (hosts.length === 0) return undefined;
  const re = new RegExp(`(?<![A-Za-z0-9.-])(${hosts.map((h) => h.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})(?![A-Za-z0-9-]|\\.[A-Za-z])`, 'g');
  const parts: string[] = [];
  let last = 0;
  let found = false;
  for (const m of text.matchAll(re)) {
    found = true;
    parts.push(goString(text.slice(last, m.index)), `(${objName(chart, m[1])})`);
    last = m.index! + m[0].length;
  }
  if (!found) return undefined;
  parts.push(goString(text.slice(last)));
  return `print ${parts.filter((p) => p !== '""').join(' ')}`;
}

function podSpec(s: ServiceModel, workload: K8sObject, model: ChartModel, t: TemplateText, colocation: ColocationPlan | undefined): void {
  const template = podTemplateOf(workload) as K8sObject;
  template.metadata ??= {};
  // Pod labels: dist/'s (the selector's) win over the values' podLabels, so selectors always match.
  putBlock(template.metadata, 'labels', t, mapBlock('labels', [
    { literal: template.metadata.labels },
    ...(colocation ? [{ expr: `ternary ${goValue({ [colocation.labelKey]: colocation.labelValue })} (dict) ${SCALED_VAR}` }] : []),
    INSTANCE_WHEN_PREFIXED,
    { expr: '$svc.podLabels' },
  ]));
  putBlock(template.metadata, 'annotations', t, mapBlock('annotations', [{ expr: '$svc.podAnnotations' }, { literal: template.metadata.annotations }]));
  const spec = template.spec as K8sObject;

  const container = ((spec.containers ?? []) as K8sObject[]).find((c) => c.name === s.workload.container.name);
  if (container) {
    const image = s.builtImage
      ? `{{ include ${goString(`${t.chartName}.builtImage`)} (dict "image" $svc.image "global" $.Values.global.image) | quote }}`
      : `{{ include ${goString(`${t.chartName}.image`)} $svc.image | quote }}`;
    container.image = t.scalar(image);
    putBlock(container, 'env', t, envBlock(s, container, model, t));
    if (container.imagePullPolicy !== undefined) container.imagePullPolicy = t.scalar('{{ $svc.image.pullPolicy }}');
    else putBlock(container, 'imagePullPolicy', t, () => ['{{- with $svc.image.pullPolicy }}', 'imagePullPolicy: {{ . }}', '{{- end }}']);
    putBlock(container, 'resources', t, withBlock('resources', '$svc.resources'));
  }
  // Built images of services sharing this one's network follow global.image like the service's own.
  for (const c of (spec.containers ?? []) as K8sObject[]) {
    const built = c !== container ? s.builtSidecars.get(c.name) : undefined;
    if (!built) continue;
    const image = `(dict "repository" ${goString(built.repository)} "tag" ${goString(built.tag)} "digest" "")`;
    c.image = t.scalar(`{{ include ${goString(`${t.chartName}.builtImage`)} (dict "image" ${image} "global" $.Values.global.image) | quote }}`);
  }

  // `wait-*` helpers wait for a Service by its host name: it follows the Service's name.
  for (const c of (spec.initContainers ?? []) as K8sObject[]) {
    if (!String(c.name).startsWith('wait-') || !Array.isArray(c.command)) continue;
    c.command = (c.command as unknown[]).map((arg) => {
      const expr = typeof arg === 'string' ? hostRefsText(arg, model, t.chartName) : undefined;
      return expr ? t.scalar(`{{ ${expr} | quote }}`) : arg;
    });
  }
  const pullSecrets = spec.imagePullSecrets ? '($svc.imagePullSecrets | default $.Values.global.imagePullSecrets)' : '$svc.imagePullSecrets';
  putBlock(spec, 'imagePullSecrets', t, withBlock('imagePullSecrets', pullSecrets));
  for (const key of ['nodeSelector', 'tolerations']) {
    // The service's value wins, then the global value.
    putBlock(spec, key, t, withBlock(key, `($svc.${key} | default $.Values.global.${key})`));
  }
  putBlock(spec, 'affinity', t, affinityBlock(colocation !== undefined));
}

/**
 * The pod's affinity, merged per kind (nodeAffinity, podAffinity, podAntiAffinity): each kind the
 * service's `affinity` value sets replaces only that kind of the co-location (while values scale a
 * single pod on a ReadWriteOnce claim) and of `global.affinity`, the co-location's replaces the
 * global one; kinds set by none are left out, and so is a kind set to `{}`. The service's value holds
 * dist/'s affinity (deploy.placement, pods sharing a claim), so a podAntiAffinity set there keeps
 * them. Kinds are replaced whole, never appended to: two required terms could never be met together.
 */
function affinityBlock(scaled: boolean): BlockLines {
  const sources = ['($.Values.global.affinity | default dict)', ...(scaled ? [AFFINITY_VAR] : []), '($svc.affinity | default dict)'];
  return (indent) => [
    '{{- $affinity := dict }}',
    `{{- range $source := list ${sources.join(' ')} }}`,
    '{{- range $kind, $value := $source }}',
    '{{- $_ := set $affinity $kind $value }}',
    '{{- end }}',
    '{{- end }}',
    '{{- range $kind, $value := $affinity }}',
    '{{- if empty $value }}{{- $_ := unset $affinity $kind }}{{- end }}',
    '{{- end }}',
    '{{- with $affinity }}',
    'affinity:',
    `  {{- toYaml . | nindent ${indent + 2} }}`,
    '{{- end }}',
  ];
}

/** The Go expression of env value `value` of variable `key`: Service host names in it follow `prefixNames`. */
export function envValue(chart: string, key: string, value: string): string {
  return `include ${goString(`${chart}.envValue`)} (dict "root" $ "key" ${key} "value" ${value})`;
}

/**
 * The main container's `env`: dist/'s variables in dist/'s order (plain values from
 * `services.<name>.env`, Secret references as they are), then every other key of
 * `services.<name>.env` that neither they nor the env ConfigMaps hold, in key order.
 */
function envBlock(s: ServiceModel, container: K8sObject, model: ChartModel, t: TemplateText): BlockLines {
  const chart = t.chartName;
  const env = (container.env ?? []) as K8sObject[];
  const known = new Set(env.map((e) => String(e.name)));
  for (const o of model.objects) if (o.kind === 'ConfigMap' && s.envConfigMaps.has(o.metadata?.name)) for (const k of Object.keys(o.data ?? {})) known.add(k);
  const names = referableNames(model);
  const external = externalSecretNames(model);
  const sub = new TemplateText(chart);
  const literal = env.map((e) => {
    if (typeof e.value === 'string') return { name: e.name, value: sub.scalar(`{{ ${envValue(chart, goString(e.name), `(index $svc.env ${goString(e.name)})`)} }}`) };
    const ref = e.valueFrom?.secretKeyRef ?? e.valueFrom?.configMapKeyRef;
    const keepsName = e.valueFrom?.secretKeyRef !== undefined && external.has(ref.name);
    if (ref && names.has(ref.name) && !keepsName) ref.name = sub.scalar(`{{ ${objName(chart, ref.name)} | quote }}`);
    return e;
  });
  delete container.env;
  const body = literal.length > 0 ? sub.render(literal).trimEnd().split('\n') : [];
  const extra = `omit $svc.env${[...known].sort().map((k) => ` ${goString(k)}`).join('')}`;
  return () => [
    `{{- $envExtra := ${extra} }}`,
    ...(body.length > 0 ? ['env:'] : ['{{- if $envExtra }}', 'env:']),
    ...body.map((l) => `  ${l}`),
    '  {{- range $k, $v := $envExtra }}',
    '  - name: {{ $k | quote }}',
    `    value: {{ ${envValue(chart, '$k', '$v')} }}`,
    '  {{- end }}',
    ...(body.length > 0 ? [] : ['{{- end }}']),
  ];
}

/** The template for one dist/ object. */
export function objectTemplate(source: K8sObject, model: ChartModel, chart: string, owner: ServiceModel | undefined): string {
  if (owner && source === owner.ingressObject) return ingressTemplate(owner, model, chart, source);
  if (owner && source === owner.hpaObject) return hpaTemplate(owner, model, chart, source);
  const obj = clone(source);
  const t = new TemplateText(chart);
  const scope: Scope = { chart, t, owner };
  const header: string[] = [];
  if (owner) header.push(serviceHeader(owner));

  if (owner && source === owner.workloadObject) {
    const colocation = SCALABLE_KINDS.has(obj.kind) ? colocationWhenScaled(owner.workload) : undefined;
    const autoscaling = model.values.services[owner.key].autoscaling !== undefined;
    if (SCALABLE_KINDS.has(obj.kind) && !autoscaling) header.push(autoscalingRefusal(owner));
    if (colocation) header.push(...colocationHeader(colocation, autoscaling));
    podSpec(owner, obj, model, t, colocation);
    if (SCALABLE_KINDS.has(obj.kind)) {
      if (!autoscaling) {
        obj.spec ??= {};
        if (typeof obj.spec.replicas === 'number') obj.spec.replicas = t.scalar('{{ $svc.replicas }}');
        else putBlock(obj.spec, 'replicas', t, () => ['replicas: {{ $svc.replicas }}']);
      } else if (owner.hpaObject && typeof obj.spec?.replicas === 'number') {
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
    for (const key of Object.keys(obj.data ?? {})) obj.data[key] = t.scalar(`{{ ${envValue(chart, goString(key), `(index $svc.env ${goString(key)})`)} }}`);
  }
  let claimCondition: string | undefined;
  if (obj.kind === 'PersistentVolumeClaim' && model.claims.has(obj.metadata?.name)) {
    header.push(`{{- $vol := index .Values.persistence ${goString(model.claims.get(obj.metadata.name)!)} }}`);
    claimCondition = 'not $vol.existingClaim';
    if (getPath(obj, ['spec', 'resources', 'requests', 'storage']) !== undefined) obj.spec.resources.requests.storage = t.scalar('{{ $vol.size | quote }}');
    if (obj.spec.storageClassName !== undefined) obj.spec.storageClassName = t.scalar('{{ $vol.storageClass | quote }}');
  }
  if (obj.kind === 'PersistentVolumeClaim' && model.plan.volumeClaims.find((c) => c.name === obj.metadata?.name)?.keep) {
    // helm uninstall leaves the claim, and so its volume and data (plan/claims.ts).
    obj.metadata.annotations = { ...(obj.metadata.annotations ?? {}), [HELM_RESOURCE_POLICY]: 'keep' };
  }
  followReferences(obj, model, t);
  metadata(obj, scope, { annotations: extraAnnotations });
  if (claimCondition) return wrapIf(header.join('\n'), claimCondition, t.render(obj));
  return `${header.join('\n')}${header.length ? '\n' : ''}${t.render(obj)}`;
}

/** A `fail` with the reason when values switch on autoscaling the chart does not offer (see model.autoscalingSafe). */
function autoscalingRefusal(owner: ServiceModel): string {
  const claims = [...new Set(owner.workload.volumes.flatMap((v) => ('claimName' in v ? [v.claimName] : [])))].sort();
  const why = `services.${owner.key}.autoscaling: ${owner.key} mounts the ReadWriteOnce claim${claims.length === 1 ? '' : 's'} ${claims.join(', ') || '(none)'} and rolls out with Recreate;`
    + ' an autoscaler would start several pods writing one volume, so the chart offers none. Scale a service without a claim instead.';
  return `{{- if and (kindIs "map" $svc.autoscaling) $svc.autoscaling.enabled }}{{ fail ${goString(why)} }}{{- end }}`;
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
export function ingressTemplate(owner: ServiceModel, model: ChartModel, chart: string, base: K8sObject): string {
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
    `              name: {{ ${objName(chart, service)} | quote }}`,
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
  followReferences(obj, model, t);
  return wrapIf(serviceHeader(owner), '$svc.ingress.enabled', t.render(obj));
}

/**
 * The HorizontalPodAutoscaler of a service, on while `services.<name>.autoscaling.enabled`, with
 * min / max replicas and the CPU target from values.
 */
export function hpaTemplate(owner: ServiceModel, model: ChartModel, chart: string, base: K8sObject): string {
  const t = new TemplateText(chart);
  const obj = clone(base);
  obj.spec ??= {};
  const cpu = cpuMetric(obj);
  if (cpu) cpu.resource.target.averageUtilization = t.scalar('{{ $svc.autoscaling.targetCPUUtilizationPercentage }}');
  const memory = utilizationMetric(obj, 'memory');
  if (memory) memory.resource.target.averageUtilization = t.scalar('{{ $svc.autoscaling.targetMemoryUtilizationPercentage }}');
  const spec = obj.spec as K8sObject;
  const rest = Object.fromEntries(Object.entries(spec).filter(([k]) => k !== 'minReplicas' && k !== 'maxReplicas' && k !== 'scaleTargetRef'));
  obj.spec = {
    scaleTargetRef: spec.scaleTargetRef,
    minReplicas: t.scalar('{{ $svc.autoscaling.minReplicas }}'),
    maxReplicas: t.scalar('{{ $svc.autoscaling.maxReplicas }}'),
    ...rest,
  };
  followReferences(obj, model, t);
  metadata(obj, { chart, t, owner });
  return wrapIf(serviceHeader(owner), '$svc.autoscaling.enabled', t.render(obj));
}

function wrapIf(header: string, condition: string, body: string): string {
  return `${header}\n{{- if ${condition} }}\n${body}{{- end }}\n`;
}

/**
 * dist/'s release-info ConfigMap, from values: the git sha (global.image.tag, the tag CI pushed),
 * each workload's image, the digests of built images set in values, and releaseInfo.buildRun.
 */
export function releaseInfoTemplate(model: ChartModel, chart: string): string {
  const t = new TemplateText(chart);
  const lines: string[] = [];
  for (const s of [...model.services].sort((a, b) => (a.workload.name < b.workload.name ? -1 : a.workload.name > b.workload.name ? 1 : 0))) {
    const first = (getPath(s.workloadObject ? podTemplateOf(s.workloadObject) : undefined, ['spec', 'containers']) ?? [])[0] as K8sObject | undefined;
    if (!first?.image || !s.workloadObject || !POD_TEMPLATE_PATH[s.workloadObject.kind]) continue;
    const svc = `(index $.Values.services ${goString(s.key)})`;
    const image = first.name !== s.workload.container.name ? goString(String(first.image))
      : s.builtImage ? `include ${goString(`${chart}.builtImage`)} (dict "image" ${svc}.image "global" $.Values.global.image)`
        : `include ${goString(`${chart}.image`)} ${svc}.image`;
    lines.push(`  ${s.workload.name}.image: {{ ${image} | quote }}`);
    if (s.builtImage) lines.push(`  {{- with ${svc}.image.digest }}`, `  ${s.workload.name}.digest: {{ . | quote }}`, '  {{- end }}');
  }
  const obj = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: RELEASE_INFO_NAME, labels: { 'app.kubernetes.io/component': 'release-info', 'app.kubernetes.io/part-of': model.plan.project } },
    [t.blockKey(() => [
      'data:',
      '  git-sha: {{ .Values.global.image.tag | toString | quote }}',
      '  {{- with .Values.releaseInfo.buildRun }}',
      '  build-run: {{ . | quote }}',
      '  {{- end }}',
      ...lines,
    ])]: null,
  };
  metadata(obj, { chart, t });
  return `{{- if .Values.releaseInfo.enabled }}\n${t.render(obj)}{{- end }}\n`;
}


/**
 * `helm test`: one Pod per Service with a TCP port, checking with `nc -z` that the Service answers
 * on its first TCP port. Pod Security "restricted" (non-root numeric user, no privilege
 * escalation, every capability dropped, RuntimeDefault seccomp, read-only root) and small
 * resources; deleted before the next run and after success.
 */
export function testPodTemplate(service: K8sObject, chart: string): string | undefined {
  const port = ((service.spec?.ports ?? []) as K8sObject[]).find((p) => (p.protocol ?? 'TCP') === 'TCP');
  if (!port) return undefined;
  const t = new TemplateText(chart);
  const name = String(service.metadata.name);
  const obj: K8sObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${name}-test-connection`,
      labels: { 'app.kubernetes.io/component': 'test', ...(service.metadata.labels?.['app.kubernetes.io/part-of'] ? { 'app.kubernetes.io/part-of': service.metadata.labels['app.kubernetes.io/part-of'] } : {}) },
      annotations: { 'helm.sh/hook': 'test', 'helm.sh/hook-delete-policy': 'before-hook-creation,hook-succeeded' },
    },
    spec: {
      automountServiceAccountToken: false,
      restartPolicy: 'Never',
      securityContext: { runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [{
        name: 'nc',
        image: t.scalar('{{ .Values.tests.image | quote }}'),
        command: ['sh', '-c', t.scalar(`{{ print "nc -z -w 5 " (${objName(chart, name)}) " ${Number(port.port)}" | quote }}`)],
        resources: { limits: { cpu: '100m', memory: '32Mi' }, requests: { cpu: '10m', memory: '16Mi' } },
        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true, runAsNonRoot: true, runAsUser: 65534 },
      }],
    },
  };
  metadata(obj, { chart, t });
  return `{{- if .Values.tests.enabled }}\n${t.render(obj)}{{- end }}\n`;
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
function exposedPorts(owner: ServiceModel, dist: readonly { port: number; protocol: string }[], hasIngressValues: boolean): ExposedPort[] {
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
  // Only where values hold an ingress block (HTTP services; dist/'s own describable Ingress).
  const ingressValues = hasIngressValues;
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
export function exposurePolicyTemplate(owner: ServiceModel, model: ChartModel, chart: string, base: K8sObject): string {
  const t = new TemplateText(chart);
  const obj = clone(base);
  const distPorts = (((obj.spec?.ingress ?? []) as K8sObject[]).flatMap((r) => (r.ports ?? []) as K8sObject[]))
    .map((p) => ({ port: Number(p.port), protocol: String(p.protocol ?? 'TCP') }));
  const candidates = exposedPorts(owner, distPorts, model.values.services[owner.key].ingress !== undefined);
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
  followReferences(obj, model, t);
  const always = candidates.some((p) => p.when === true);
  const any = always ? '.Values.networkPolicies.enabled' : `and .Values.networkPolicies.enabled (${orOf(candidates.flatMap((p) => (p.when === true ? [] : p.when)))})`;
  return wrapIf(serviceHeader(owner), any, t.render(obj));
}

/** A dist/ NetworkPolicy (a Compose network's, a dependency wait's): present while `networkPolicies.enabled`. */
export function networkPolicyTemplate(source: K8sObject, model: ChartModel, chart: string): string {
  const body = objectTemplate(source, model, chart, undefined);
  return `{{- if .Values.networkPolicies.enabled }}\n${body}{{- end }}\n`;
}
