/**
 * What the chart is made of: dist/'s objects (rendered from the plan) with, for each Compose
 * service, the objects it owns and the default values read back from those objects. Because the
 * defaults are read from the rendered objects, the chart with its default values renders exactly
 * dist/ (see labels.ts for the deliberate differences).
 */
import { POD_TEMPLATE_PATH } from '../../common/workload-paths';
import type { ContainerPlan, DeploymentPlan, WorkloadPlan } from '../../../plan/model';
import { buildsImages } from '../../../plan/model';
import { compareStrings } from '../../../order';
import { splitImage } from '../../../plan/image-reference';

/** Image of the `helm test` pods: a small pinned busybox (nc), the one the wait-* helpers use. */
export const TEST_IMAGE = 'busybox:1.36.1';
import { imageRepositoryName } from '../../../plan/image-ports';

export type K8sObject = Record<string, any>;

/** Workload kinds whose `spec.replicas` is a value (and that an HPA can scale). */
export const SCALABLE_KINDS: ReadonlySet<string> = new Set(['Deployment', 'StatefulSet']);

export interface ImageValues {
  /** Built services: the repository under `global.image.registry`; others: the full repository. */
  repository: string;
  /** Built services: empty means `global.image.tag`. */
  tag: string;
  /** `sha256:…`: pull by digest (wins over the tag); empty: by tag. */
  digest: string;
  pullPolicy: string;
}

export interface IngressValues {
  enabled: boolean;
  className: string;
  annotations: Record<string, string>;
  hosts: { host: string; paths: { path: string; pathType: string }[] }[];
  tls: { secretName?: string; hosts?: string[] }[];
  /** Service port the Ingress sends traffic to. */
  port: number;
}

export interface AutoscalingValues {
  enabled: boolean;
  minReplicas: number;
  maxReplicas: number;
  /** Absent when dist/'s HPA scales on something other than CPU utilization. */
  targetCPUUtilizationPercentage?: number;
  /** Present when dist/'s HPA also scales on memory utilization (x-k8s.autoscaling.memory). */
  targetMemoryUtilizationPercentage?: number;
}

/**
 * Ports of well-known images that speak their own protocol over TCP, not HTTP (the images and
 * ports of plan/image-ports.ts, less their HTTP ports: Elasticsearch 9200, ClickHouse 8123, MinIO).
 * An Ingress (HTTP routing) cannot reach them, so the chart offers none.
 */
export const RAW_TCP_IMAGE_PORTS: Readonly<Record<string, readonly number[]>> = {
  postgres: [5432], postgis: [5432], mysql: [3306], mariadb: [3306],
  redis: [6379], valkey: [6379], 'redis-stack-server': [6379], redismod: [6379],
  mongo: [27017], memcached: [11211], rabbitmq: [5672], elasticsearch: [9300],
  clickhouse: [9000], 'clickhouse-server': [9000], cassandra: [9042], nats: [4222], zookeeper: [2181],
};
/** The same ports, whatever the image (a custom-built redis still speaks RESP on 6379). */
const RAW_TCP_PORTS: ReadonlySet<number> = new Set(Object.entries(RAW_TCP_IMAGE_PORTS).filter(([k]) => k !== 'clickhouse' && k !== 'clickhouse-server').flatMap(([, v]) => v));
const HTTP_APP_PROTOCOLS: ReadonlySet<string> = new Set(['http', 'https', 'kubernetes.io/h2c', 'kubernetes.io/ws', 'kubernetes.io/wss']);

/**
 * Whether a Service port speaks HTTP, so an Ingress can route to it: its appProtocol when set;
 * else not for a port of RAW_TCP_IMAGE_PORTS (by image, or by number alone), nor for UDP / SCTP.
 */
export function isHttpPort(port: K8sObject, image: string): boolean {
  if ((port.protocol ?? 'TCP') !== 'TCP') return false;
  if (typeof port.appProtocol === 'string') return HTTP_APP_PROTOCOLS.has(port.appProtocol.toLowerCase());
  if (typeof port.name === 'string' && /^(https?|h2c|grpc-web)(-|$)/.test(port.name)) return true;
  const n = Number(port.targetPort ?? port.port);
  const raw = RAW_TCP_IMAGE_PORTS[imageRepositoryName(image)] ?? [];
  return !raw.includes(n) && !raw.includes(Number(port.port)) && !RAW_TCP_PORTS.has(n) && !RAW_TCP_PORTS.has(Number(port.port));
}

/**
 * Whether the chart may offer its own autoscaling: not for a workload the plan rolls out with
 * Recreate, which it does for every pod mounting a ReadWriteOnce claim (an HPA would start
 * several pods writing one volume, e.g. two databases on one data directory).
 */
export function autoscalingSafe(w: WorkloadPlan): boolean {
  return w.strategy !== 'Recreate';
}

export interface ServiceValues {
  replicas?: number;
  image: ImageValues;
  imagePullSecrets: { name: string }[];
  resources: Record<string, unknown>;
  env: Record<string, string>;
  service?: { type: string; annotations: Record<string, string> };
  /** The second, LoadBalancer / NodePort Service carrying the published ports (when planned). */
  publicService?: { type: string; annotations: Record<string, string> };
  ingress?: IngressValues;
  autoscaling?: AutoscalingValues;
  nodeSelector: Record<string, string>;
  tolerations: unknown[];
  affinity: Record<string, unknown>;
  annotations: Record<string, string>;
  labels: Record<string, string>;
  podAnnotations: Record<string, string>;
  podLabels: Record<string, string>;
}

export interface ChartValues {
  global: {
    image: { registry: string; tag: string };
    imagePullSecrets: { name: string }[];
    nodeSelector: Record<string, string>;
    tolerations: unknown[];
    affinity: Record<string, unknown>;
  };
  releaseInfo: { enabled: boolean; buildRun: string };
  tests: { enabled: boolean; image: string };
  prefixNames: boolean;
  nameOverride: string;
  fullnameOverride: string;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  services: Record<string, ServiceValues>;
  persistence: Record<string, { size: string; storageClass: string; existingClaim: string }>;
  /** Whether the chart renders its NetworkPolicies (those of dist/, and what exposure opens). */
  networkPolicies: { enabled: boolean };
}

/** One Compose service and what it owns in dist/. */
export interface ServiceModel {
  readonly workload: WorkloadPlan;
  /** Key under `.Values.services` (the Compose service name). */
  readonly key: string;
  readonly workloadObject?: K8sObject;
  readonly serviceObject?: K8sObject;
  readonly publicServiceObject?: K8sObject;
  /** dist/'s Ingress to the service, when its rules all reach the service on one port. */
  readonly ingressObject?: K8sObject;
  /** dist/'s HorizontalPodAutoscaler of the workload. */
  readonly hpaObject?: K8sObject;
  /** ConfigMaps loaded with envFrom, whose data are values under `env`. */
  readonly envConfigMaps: ReadonlySet<string>;
  /** True when the service's image is built here and pulled from `global.image.registry` (the plan's `images`). */
  readonly builtImage: boolean;
  /**
   * Built images of the pod's other containers (services sharing this one's network), by container
   * name: repository under `global.image.registry`, and a tag that is empty when it is `global.image.tag`.
   */
  readonly builtSidecars: ReadonlyMap<string, { readonly repository: string; readonly tag: string }>;
  /** Whether dist/ has an Ingress to it the chart cannot express in values (then it is kept as is). */
  readonly otherIngress: boolean;
}

export interface ChartModel {
  readonly plan: DeploymentPlan;
  /** dist/'s objects, in dist/'s order. */
  readonly objects: readonly K8sObject[];
  readonly services: readonly ServiceModel[];
  /** PVC name → key under `.Values.persistence` (the Compose volume name). */
  readonly claims: ReadonlyMap<string, string>;
  readonly values: ChartValues;
}

const LABEL_NAME = 'app.kubernetes.io/name';

export function getPath(obj: K8sObject | undefined, path: readonly string[]): any {
  let cur: any = obj;
  for (const p of path) cur = cur?.[p];
  return cur;
}

export function podTemplateOf(obj: K8sObject): K8sObject | undefined {
  const path = POD_TEMPLATE_PATH[obj.kind as string];
  return path ? getPath(obj, path) : undefined;
}

export function mainContainer(obj: K8sObject | undefined, w: WorkloadPlan): K8sObject | undefined {
  return containerNamed(obj, w.container.name);
}

/** A container of the workload's pod template, by name. */
export function containerNamed(obj: K8sObject | undefined, name: string): K8sObject | undefined {
  const containers = getPath(obj ? podTemplateOf(obj) : undefined, ['spec', 'containers']) as K8sObject[] | undefined;
  return containers?.find((c) => c.name === name);
}

/** The service that owns an object, if any. */
export function ownerOf(obj: K8sObject, services: readonly ServiceModel[]): ServiceModel | undefined {
  return services.find((s) =>
    obj === s.workloadObject || obj === s.serviceObject || obj === s.publicServiceObject
    || obj === s.ingressObject || obj === s.hpaObject
    || (obj.kind === 'ConfigMap' && s.envConfigMaps.has(obj.metadata?.name))
    || obj.metadata?.labels?.[LABEL_NAME] === s.workload.name);
}

function ingressBackends(obj: K8sObject): K8sObject[] {
  const rules = (getPath(obj, ['spec', 'rules']) ?? []) as K8sObject[];
  const backends = rules.flatMap((r) => ((r.http?.paths ?? []) as K8sObject[]).map((p) => p.backend as K8sObject));
  const def = getPath(obj, ['spec', 'defaultBackend']);
  return [...backends, ...(def ? [def] : [])];
}

/** An Ingress the values can describe: every rule goes to `service` on one port number, paths have path and pathType. */
function simpleIngress(obj: K8sObject, service: string): boolean {
  if (obj.spec?.defaultBackend) return false;
  const rules = (obj.spec?.rules ?? []) as K8sObject[];
  const paths = rules.flatMap((r) => (r.http?.paths ?? []) as K8sObject[]);
  if (rules.length === 0 || rules.some((r) => !r.http?.paths?.length)) return false;
  const ports = new Set(paths.map((p) => p.backend?.service?.port?.number));
  return ports.size === 1 && typeof [...ports][0] === 'number'
    && paths.every((p) => p.backend?.service?.name === service && typeof p.path === 'string' && typeof p.pathType === 'string')
    && rules.every((r) => Object.keys(r).every((k) => k === 'host' || k === 'http'));
}

function ingressValues(obj: K8sObject): IngressValues {
  const rules = obj.spec.rules as K8sObject[];
  return {
    enabled: true,
    className: String(obj.spec.ingressClassName ?? ''),
    annotations: { ...(obj.metadata?.annotations ?? {}) },
    hosts: rules.map((r) => ({ host: String(r.host ?? ''), paths: (r.http.paths as K8sObject[]).map((p) => ({ path: p.path, pathType: p.pathType })) })),
    tls: ((obj.spec.tls ?? []) as K8sObject[]).map((t) => ({ ...(t.secretName !== undefined ? { secretName: String(t.secretName) } : {}), ...(t.hosts ? { hosts: [...t.hosts] } : {}) })),
    port: rules[0].http.paths[0].backend.service.port.number,
  };
}

/** The CPU utilization metric of an HPA, if it has one. */
export function cpuMetric(obj: K8sObject): K8sObject | undefined {
  return utilizationMetric(obj, 'cpu');
}

/** The `cpu` or `memory` utilization metric of an HPA, if it has one. */
export function utilizationMetric(obj: K8sObject, resource: 'cpu' | 'memory'): K8sObject | undefined {
  return ((obj.spec?.metrics ?? []) as K8sObject[]).find((m) => m.type === 'Resource' && m.resource?.name === resource && m.resource?.target?.type === 'Utilization');
}

function autoscalingValues(obj: K8sObject): AutoscalingValues {
  const cpu = cpuMetric(obj)?.resource?.target?.averageUtilization;
  const memory = utilizationMetric(obj, 'memory')?.resource?.target?.averageUtilization;
  return {
    enabled: true,
    minReplicas: Number(obj.spec?.minReplicas ?? 1),
    maxReplicas: Number(obj.spec?.maxReplicas),
    ...(typeof cpu === 'number' ? { targetCPUUtilizationPercentage: cpu } : {}),
    ...(typeof memory === 'number' ? { targetMemoryUtilizationPercentage: memory } : {}),
  };
}

export function buildModel(plan: DeploymentPlan, objects: readonly K8sObject[]): ChartModel {
  const found = plan.workloads.map((w) => {
    const workloadObject = objects.find((o) => POD_TEMPLATE_PATH[o.kind] && o.metadata?.name === w.name);
    const serviceObject = w.service ? objects.find((o) => o.kind === 'Service' && o.metadata?.name === w.service?.name) : undefined;
    const publicServiceObject = w.publicService ? objects.find((o) => o.kind === 'Service' && o.metadata?.name === w.publicService?.name) : undefined;
    const ingresses = serviceObject
      ? objects.filter((o) => o.kind === 'Ingress' && ingressBackends(o).some((b) => b?.service?.name === serviceObject.metadata.name))
      : [];
    const ingressObject = ingresses.length === 1 && simpleIngress(ingresses[0], serviceObject!.metadata.name) ? ingresses[0] : undefined;
    const hpaObject = workloadObject
      ? objects.find((o) => o.kind === 'HorizontalPodAutoscaler' && o.spec?.scaleTargetRef?.kind === workloadObject.kind && o.spec?.scaleTargetRef?.name === w.name)
      : undefined;
    return {
      workload: w,
      key: w.composeName,
      workloadObject,
      serviceObject,
      ...(publicServiceObject ? { publicServiceObject } : {}),
      ...(ingressObject ? { ingressObject } : {}),
      ...(hpaObject ? { hpaObject } : {}),
      envConfigMaps: new Set(w.container.envFromConfigMaps),
      otherIngress: ingresses.length > 0 && !ingressObject,
    };
  });

  // global.image: the plan's registry, and the tag its built images carry (every built image has
  // both, so their own tag values are empty). No built image: no tag, so the chart of a stack that
  // builds nothing never names one.
  const registry = plan.images.registry;
  const tag = buildsImages(plan) ? plan.images.tag ?? '' : '';
  const builtRepository = (c: ContainerPlan): string | undefined => (c.built ? c.repository : undefined);
  const services: ServiceModel[] = found.map((s) => ({
    ...s,
    builtImage: builtRepository(s.workload.container) !== undefined,
    builtSidecars: new Map((s.workload.sidecars ?? [])
      .flatMap((c) => {
        const repository = builtRepository(c);
        return repository !== undefined ? [[c.name, { repository, tag: '' }] as const] : [];
      })),
  }));
  const globalPullSecrets = pullSecretNames(services.find((s) => pullSecretNames(s).length > 0));

  const serviceValues: Record<string, ServiceValues> = {};
  for (const s of services) serviceValues[s.key] = valuesOf(s, objects, { pullSecrets: globalPullSecrets });

  const claims = new Map<string, string>();
  const persistence: ChartValues['persistence'] = {};
  for (const c of plan.volumeClaims) {
    const obj = objects.find((o) => o.kind === 'PersistentVolumeClaim' && o.metadata?.name === c.name);
    if (!obj) continue;
    claims.set(c.name, c.composeName);
    persistence[c.composeName] = {
      size: String(getPath(obj, ['spec', 'resources', 'requests', 'storage']) ?? `${c.sizeGiB}Gi`),
      storageClass: String(obj.spec?.storageClassName ?? c.storageClassName),
      existingClaim: '',
    };
  }

  return {
    plan,
    objects,
    services,
    claims,
    values: {
      global: { image: { registry, tag }, imagePullSecrets: globalPullSecrets.map((name) => ({ name })), nodeSelector: {}, tolerations: [], affinity: {} },
      // As dist/: release metadata describes the images built here; a stack that builds none has none.
      releaseInfo: { enabled: buildsImages(plan), buildRun: '' },
      tests: { enabled: true, image: TEST_IMAGE },
      prefixNames: false,
      nameOverride: '',
      fullnameOverride: '',
      commonLabels: {},
      commonAnnotations: {},
      services: serviceValues,
      persistence,
      networkPolicies: { enabled: true },
    },
  };
}

/** Names of the main container's variables read from Secrets or ConfigMap keys (not values). */
export function valueFromEnvNames(s: ServiceModel): string[] {
  const env = (mainContainer(s.workloadObject, s.workload)?.env ?? []) as K8sObject[];
  return env.filter((e) => e.valueFrom !== undefined).map((e) => String(e.name)).sort(compareStrings);
}

function pullSecretNames(s: ServiceModel | undefined): string[] {
  const list = getPath(s?.workloadObject ? podTemplateOf(s.workloadObject) : undefined, ['spec', 'imagePullSecrets']) as { name: string }[] | undefined;
  return (list ?? []).map((p) => p.name);
}

function valuesOf(s: ServiceModel, objects: readonly K8sObject[], global: { pullSecrets: string[] }): ServiceValues {
  const w = s.workload;
  const pod = s.workloadObject ? podTemplateOf(s.workloadObject) : undefined;
  const container = mainContainer(s.workloadObject, w);
  let imageValues: ImageValues;
  if (s.builtImage && w.container.repository !== undefined) {
    imageValues = {
      repository: w.container.repository,
      tag: '',
      digest: '',
      pullPolicy: String(container?.imagePullPolicy ?? w.container.imagePullPolicy),
    };
  } else {
    // An image as Compose names it (the plan keeps it as written), split the way values hold it.
    const p = splitImage(w.container.image);
    imageValues = {
      repository: p.repository,
      tag: p.tag ?? '',
      digest: p.digest ?? '',
      pullPolicy: String(container?.imagePullPolicy ?? w.container.imagePullPolicy),
    };
  }

  const env: Record<string, string> = {};
  for (const e of (container?.env ?? []) as K8sObject[]) if (typeof e.value === 'string') env[e.name] = e.value;
  for (const o of objects) {
    if (o.kind === 'ConfigMap' && s.envConfigMaps.has(o.metadata?.name)) Object.assign(env, o.data ?? {});
  }

  const own = pullSecretNames(s);
  const scalable = s.workloadObject !== undefined && SCALABLE_KINDS.has(s.workloadObject.kind);
  const firstPort = ((s.serviceObject?.spec?.ports ?? []) as K8sObject[]).find((p) => isHttpPort(p, w.container.image))?.port as number | undefined;
  const replicas = s.workloadObject?.spec?.replicas;
  return {
    ...(scalable ? { replicas: typeof replicas === 'number' ? replicas : w.replicas } : {}),
    image: imageValues,
    imagePullSecrets: (own.length > 0 && own.join('\n') === global.pullSecrets.join('\n') ? [] : own).map((name) => ({ name })),
    resources: { ...(container?.resources ?? {}) },
    env: Object.fromEntries(Object.keys(env).sort(compareStrings).map((k) => [k, env[k]])),
    ...(s.serviceObject ? { service: { type: String(s.serviceObject.spec?.type ?? 'ClusterIP'), annotations: {} } } : {}),
    ...(s.publicServiceObject ? { publicService: { type: String(s.publicServiceObject.spec?.type ?? 'LoadBalancer'), annotations: {} } } : {}),
    ...(s.ingressObject ? { ingress: ingressValues(s.ingressObject) } : {}),
    ...(s.serviceObject && !s.ingressObject && !s.otherIngress && firstPort !== undefined ? {
      ingress: {
        enabled: false,
        className: '',
        annotations: {},
        hosts: [{ host: `${w.name}.example.com`, paths: [{ path: '/', pathType: 'Prefix' }] }],
        tls: [],
        port: firstPort,
      },
    } : {}),
    ...(s.hpaObject ? { autoscaling: autoscalingValues(s.hpaObject) } : {}),
    ...(scalable && !s.hpaObject && autoscalingSafe(w) ? {
      autoscaling: { enabled: false, minReplicas: 1, maxReplicas: 3, targetCPUUtilizationPercentage: 80 },
    } : {}),
    nodeSelector: { ...(pod?.spec?.nodeSelector ?? {}) },
    tolerations: [...(pod?.spec?.tolerations ?? [])],
    affinity: { ...(pod?.spec?.affinity ?? {}) },
    annotations: {},
    labels: {},
    podAnnotations: {},
    podLabels: {},
  };
}
