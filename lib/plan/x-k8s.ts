/**
 * The `x-k8s` extension blocks: Kubernetes-only settings kept in the Compose file, which
 * `docker compose` ignores. Three places hold one:
 * - top level (`x-k8s:`): registry, tag, namespace, pull secret, storage/ingress class, defaults;
 * - per service (`services.<name>.x-k8s`): service type, ingress, replicas, autoscaling, kind, ...;
 * - per volume (`volumes.<name>.x-k8s`): size and storage class.
 * All three are checked with ajv against schema/x-k8s.schema.json (the same file editors use for
 * completion). Errors are placed at file:line:col and unknown keys name the closest valid key.
 *
 * kompose users' `kompose.*` service labels are read as aliases for the same settings (table
 * KOMPOSE_LABELS); the service's own `x-k8s` block wins over them, and both over `defaults`.
 */
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { ComposeProject, Healthcheck } from '../compose/model';
import { AJV_OPTIONS, closest } from '../compose/schema';
import { ComposeError, Diagnostic, error } from '../diagnostics';
import { compareStrings } from '../order';
import type { XK8sTopLevel } from '../settings';
import { SchemaSet, validatorsOf } from '../schemas/schema-set';
import { parseDuration } from '../compose/units';
import { servicePath } from './names';
import { CheckTiming, ProbeCheck, probeCommand, probesOf } from './probes';
import schemaJson from '../../schema/x-k8s.schema.json';

export type WorkloadKindSetting = 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'Job' | 'CronJob';
export type ServiceTypeSetting = 'ClusterIP' | 'Headless' | 'LoadBalancer' | 'NodePort';

export interface ProbeOverride {
  readonly disable?: boolean;
  readonly tcpPort?: number;
  readonly httpGet?: { readonly path?: string; readonly port: number };
  readonly exec?: readonly string[];
  readonly initialDelaySeconds?: number;
  readonly periodSeconds?: number;
  readonly timeoutSeconds?: number;
  readonly failureThreshold?: number;
}

export interface IngressSetting {
  readonly host?: string;
  readonly path?: string;
  /** Further host / path rules to the same port. */
  readonly rules?: readonly { readonly host?: string; readonly path?: string }[];
  readonly pathType?: 'Prefix' | 'Exact' | 'ImplementationSpecific';
  readonly port?: number;
  readonly tlsSecret?: string;
  readonly className?: string;
  readonly annotations?: Readonly<Record<string, string>>;
}

export interface LoadBalancerSetting {
  readonly annotations?: Readonly<Record<string, string>>;
  readonly name?: string;
  readonly size?: string;
  readonly certificateId?: string;
  readonly redirectHttpToHttps?: boolean;
}

/** `services.<name>.x-k8s` (see #/definitions/service in the schema). */
export interface ServiceXK8s {
  readonly kind?: WorkloadKindSetting;
  readonly schedule?: string;
  readonly serviceType?: ServiceTypeSetting;
  readonly loadBalancer?: LoadBalancerSetting;
  readonly ingress?: IngressSetting;
  readonly replicas?: number;
  readonly imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
  readonly autoscaling?: { readonly min?: number; readonly max: number; readonly cpu?: number; readonly memory?: number };
  readonly volumeSize?: string;
  /** Sub-folder of its claim each named-volume mount uses, unless the mount sets `volume.subpath`. */
  readonly volumeSubPath?: string;
  /** What the service's named-volume mounts become (default persistentVolumeClaim). */
  readonly volumeType?: 'persistentVolumeClaim' | 'emptyDir';
  readonly storageClass?: string;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly podLabels?: Readonly<Record<string, string>>;
  /** Liveness is off unless set: `true` (the healthcheck's probe) or an object overriding it. */
  readonly probes?: { readonly readiness?: ProbeOverride; readonly liveness?: boolean | ProbeOverride; readonly startup?: ProbeOverride };
  readonly waitForDependencies?: boolean;
  readonly allowHostPath?: boolean;
  /** Leave the service out of the cluster (left-out.ts). */
  readonly exclude?: boolean;
  /** Exact variable names that are (`secret`) or are not (`plain`) credentials (env.ts). */
  readonly env?: { readonly secret?: readonly string[]; readonly plain?: readonly string[] };
  readonly allowPrivileged?: boolean;
  readonly allowHostNetwork?: boolean;
  readonly externalTrafficPolicy?: 'Cluster' | 'Local';
  readonly concurrencyPolicy?: 'Allow' | 'Forbid' | 'Replace';
  readonly nodePort?: number;
  /** Further pull secrets of the pod. */
  readonly imagePullSecrets?: readonly string[];
  /** Pod securityContext.fsGroup. */
  readonly fsGroup?: number;
  /** Container ephemeral-storage request / limit (Kubernetes quantities). */
  readonly ephemeralStorage?: { readonly request?: string; readonly limit?: string };
  /** Job / CronJob backoffLimit. */
  readonly backoffLimit?: number;
  /** Extra init containers, after the dependency waits. */
  readonly initContainers?: readonly { readonly name: string; readonly image: string; readonly command?: readonly string[] }[];
}

/** `volumes.<name>.x-k8s`. */
export interface VolumeXK8s {
  readonly size?: string;
  readonly storageClass?: string;
  /** Keep the claim when the app is deleted or pruned (default true; see claims.ts). */
  readonly keep?: boolean;
}

/** The top-level block: the Settings keys plus the plan-only ones. */
export interface XK8sProject extends XK8sTopLevel {
  readonly storageClass?: string;
  readonly ingressClass?: string;
  /** NetworkPolicies for declared networks (default true). */
  readonly networkPolicies?: boolean;
  readonly waitImage?: string;
  readonly defaults?: ServiceXK8s;
  /** Signing, attestations, scanning (generated workflows) and digest pinning (synth --digests). */
  readonly supplyChain?: SupplyChainSetting;
}

/** `x-k8s.supplyChain` as written (defaults: lib/output/supply/workflows/options.ts). */
export interface SupplyChainSetting {
  readonly sign?: boolean;
  readonly provenance?: boolean;
  readonly sbom?: boolean;
  readonly scan?: boolean;
  readonly scanSeverity?: string;
  readonly scanIgnoreUnfixed?: boolean;
  readonly pinDigests?: boolean;
}

type Setter = (value: string) => Record<string, unknown> | string;

const bool = (v: string): boolean | undefined => (/^(true|yes|1)$/i.test(v) ? true : /^(false|no|0)$/i.test(v) ? false : undefined);
const int = (v: string): number | string => (/^\d+$/.test(v) ? Number(v) : v);
/** kompose's init container command: a JSON/YAML flow list (`["sh", "-c", "..."]`), else a shell command. */
function commandOf(v: string): string[] {
  const t = v.trim();
  if (t.startsWith('[')) {
    try {
      const list = JSON.parse(t.replace(/'/g, '"')) as unknown;
      if (Array.isArray(list) && list.every((x) => typeof x === 'string')) return list as string[];
    } catch {
      // not JSON: run it through the shell below
    }
  }
  return ['/bin/sh', '-c', t];
}

/**
 * kompose's `kompose.service.healthcheck.{readiness,liveness}.*` labels are read together (one
 * probe from several labels): each setter files its value under this key, which
 * komposeLabelsOf turns into `probes` settings before the block is checked (komposeProbes).
 */
const CHECK_LABELS = 'komposeHealthcheck';
type CheckLabels = {
  test?: string[]; httpPath?: string; httpPort?: number | string; tcpPort?: number | string;
  interval?: number; timeout?: number; retries?: number | string; startPeriod?: number; disable?: boolean;
};
const filed = (probe: 'readiness' | 'liveness', fields: CheckLabels): Record<string, unknown> => ({ [CHECK_LABELS]: { [probe]: fields } });
const durationOf = (field: 'interval' | 'timeout' | 'startPeriod'): Setter => (v) => {
  const secs = parseDuration(v);
  return secs === undefined ? `"${v}" is not a duration (write e.g. 10s or 1m30s)` : filed('readiness', { [field]: secs });
};
/** A readiness `test` label: a JSON list as Compose's `test` (CMD, CMD-SHELL, NONE), else a shell command as a string `test` is. */
function testOf(v: string): string[] | string {
  const t = v.trim();
  if (t.startsWith('[')) {
    try {
      const list = JSON.parse(t) as unknown;
      if (Array.isArray(list) && list.length > 0 && list.every((x) => typeof x === 'string')) return list as string[];
    } catch {
      // not JSON: said below
    }
    return `"${v}" is not a JSON list of strings (write ["CMD", "pg_isready"] or a shell command)`;
  }
  return t === '' ? 'the test is empty' : ['CMD-SHELL', t];
}

/** kompose's volume types (`kompose.volume.type`), lower-cased → as kompose spells them. */
const VOLUME_TYPES: Readonly<Record<string, string>> = { persistentvolumeclaim: 'persistentVolumeClaim', emptydir: 'emptyDir', hostpath: 'hostPath', configmap: 'configMap' };

/**
 * kompose labels accepted as aliases. Each turns the label's value into a partial `x-k8s` service
 * block (validated like one), or returns a string: the reason the value cannot be used.
 */
export const KOMPOSE_LABELS: Readonly<Record<string, {
  readonly xk8s: string;
  readonly set: Setter;
  /** Why this value is not honoured (it is accepted, warned about and reported), if it is not. */
  readonly loss?: (value: string) => string | undefined;
}>> = {
  'kompose.service.type': {
    xk8s: 'serviceType',
    set: (v) => {
      const t = ({ clusterip: 'ClusterIP', headless: 'Headless', loadbalancer: 'LoadBalancer', nodeport: 'NodePort' } as Record<string, string>)[v.toLowerCase()];
      return t ? { serviceType: t } : `service type "${v}" is not supported (use clusterip, headless, loadbalancer or nodeport)`;
    },
  },
  'kompose.service.expose': {
    xk8s: 'ingress.host / ingress.path / ingress.rules',
    set: (v) => {
      if (bool(v) === true) return { ingress: {} };
      if (bool(v) === false) return {};
      const rules = v.split(',').map((x) => x.trim()).filter(Boolean).map((entry) => {
        const slash = entry.indexOf('/');
        return slash < 0 ? { host: entry } : { host: entry.slice(0, slash), path: entry.slice(slash) };
      });
      if (rules.length === 0) return {};
      return { ingress: { ...rules[0], ...(rules.length > 1 ? { rules: rules.slice(1) } : {}) } };
    },
  },
  'kompose.service.expose.tls-secret': { xk8s: 'ingress.tlsSecret', set: (v) => ({ ingress: { tlsSecret: v } }) },
  'kompose.service.expose.ingress-class-name': { xk8s: 'ingress.className', set: (v) => ({ ingress: { className: v } }) },
  'kompose.controller.type': {
    xk8s: 'kind',
    set: (v) => {
      const k = ({ deployment: 'Deployment', statefulset: 'StatefulSet', daemonset: 'DaemonSet', job: 'Job', cronjob: 'CronJob' } as Record<string, string>)[v.toLowerCase()];
      return k ? { kind: k } : `controller type "${v}" is not supported (use deployment, statefulset, daemonset, job or cronjob)`;
    },
  },
  'kompose.image-pull-policy': {
    xk8s: 'imagePullPolicy',
    set: (v) => (['Always', 'IfNotPresent', 'Never'].includes(v) ? { imagePullPolicy: v } : `image pull policy "${v}" is not valid (use Always, IfNotPresent or Never)`),
  },
  'kompose.cronjob.schedule': { xk8s: 'kind: CronJob + schedule', set: (v) => ({ kind: 'CronJob', schedule: v }) },
  'kompose.volume.size': { xk8s: 'volumeSize', set: (v) => ({ volumeSize: v }) },
  'kompose.volume.subpath': { xk8s: 'volumeSubPath', set: (v) => ({ volumeSubPath: v }) },
  'kompose.volume.type': {
    xk8s: 'volumeType',
    set: (v) => {
      const t = VOLUME_TYPES[v.toLowerCase()];
      if (t === undefined) return `volume type "${v}" is not a kompose volume type (persistentVolumeClaim, emptyDir, hostPath, configMap)`;
      return t === 'persistentVolumeClaim' || t === 'emptyDir' ? { volumeType: t } : {};
    },
    // configMap is what project files become anyway (README); hostPath is not made from a label.
    loss: (v) => (VOLUME_TYPES[v.toLowerCase()] === 'hostPath'
      ? 'hostPath is not made on DOKS: it pins the data to one node of a managed pool (DigitalOcean replaces nodes) and exposes the node; named volumes stay PersistentVolumeClaims (to mount host paths anyway: x-k8s.allowHostPath: true)'
      : undefined),
  },
  'kompose.volume.storage-class-name': { xk8s: 'storageClass', set: (v) => ({ storageClass: v }) },
  'kompose.hpa.replicas.min': { xk8s: 'autoscaling.min', set: (v) => ({ autoscaling: { min: int(v) } }) },
  'kompose.hpa.replicas.max': { xk8s: 'autoscaling.max', set: (v) => ({ autoscaling: { max: int(v) } }) },
  'kompose.hpa.cpu': { xk8s: 'autoscaling.cpu', set: (v) => ({ autoscaling: { cpu: int(v.replace(/%$/, '')) } }) },
  'kompose.hpa.memory': { xk8s: 'autoscaling.memory', set: (v) => ({ autoscaling: { memory: int(v.replace(/%$/, '')) } }) },
  'kompose.service.external-traffic-policy': {
    xk8s: 'externalTrafficPolicy',
    set: (v) => {
      const p = ({ cluster: 'Cluster', local: 'Local' } as Record<string, string>)[v.toLowerCase()];
      return p ? { externalTrafficPolicy: p } : `external traffic policy "${v}" is not valid (use cluster or local)`;
    },
  },
  'kompose.cronjob.concurrency_policy': {
    xk8s: 'concurrencyPolicy',
    set: (v) => {
      const p = ({ allow: 'Allow', forbid: 'Forbid', replace: 'Replace' } as Record<string, string>)[v.toLowerCase()];
      return p ? { concurrencyPolicy: p } : `concurrency policy "${v}" is not valid (use Allow, Forbid or Replace)`;
    },
  },
  'kompose.service.nodeport.port': { xk8s: 'nodePort', set: (v) => ({ nodePort: int(v) }) },
  'kompose.image-pull-secret': { xk8s: 'imagePullSecrets', set: (v) => ({ imagePullSecrets: v.split(',').map((x) => x.trim()).filter(Boolean) }) },
  'kompose.security-context.fsgroup': { xk8s: 'fsGroup', set: (v) => ({ fsGroup: int(v) }) },
  'kompose.cronjob.backoff_limit': { xk8s: 'backoffLimit', set: (v) => ({ backoffLimit: int(v) }) },
  'kompose.init.containers.name': { xk8s: 'initContainers[0].name', set: (v) => ({ initContainers: [{ name: v }] }) },
  'kompose.init.containers.image': { xk8s: 'initContainers[0].image', set: (v) => ({ initContainers: [{ image: v }] }) },
  'kompose.init.containers.command': { xk8s: 'initContainers[0].command', set: (v) => ({ initContainers: [{ command: commandOf(v) }] }) },
  'kompose.ephemeral-storage.request': { xk8s: 'ephemeralStorage.request', set: (v) => ({ ephemeralStorage: { request: v } }) },
  'kompose.ephemeral-storage.limit': { xk8s: 'ephemeralStorage.limit', set: (v) => ({ ephemeralStorage: { limit: v } }) },
  'kompose.service.healthcheck.readiness.test': {
    xk8s: 'probes.readiness.exec + probes.startup',
    set: (v) => {
      const test = testOf(v);
      return typeof test === 'string' ? test : filed('readiness', { test });
    },
  },
  'kompose.service.healthcheck.readiness.http_get_path': { xk8s: 'probes.readiness.httpGet.path + probes.startup', set: (v) => filed('readiness', { httpPath: v }) },
  'kompose.service.healthcheck.readiness.http_get_port': { xk8s: 'probes.readiness.httpGet.port + probes.startup', set: (v) => filed('readiness', { httpPort: int(v) }) },
  'kompose.service.healthcheck.readiness.tcp_port': { xk8s: 'probes.readiness.tcpPort + probes.startup', set: (v) => filed('readiness', { tcpPort: int(v) }) },
  'kompose.service.healthcheck.readiness.interval': { xk8s: 'probes.readiness.periodSeconds + probes.startup', set: durationOf('interval') },
  'kompose.service.healthcheck.readiness.timeout': { xk8s: 'probes.readiness.timeoutSeconds + probes.startup', set: durationOf('timeout') },
  'kompose.service.healthcheck.readiness.retries': { xk8s: 'probes.readiness.failureThreshold + probes.startup', set: (v) => (/^\d+$/.test(v.trim()) && Number(v) >= 1 ? filed('readiness', { retries: Number(v) }) : `retries "${v}" is not a whole number of at least 1`) },
  'kompose.service.healthcheck.readiness.start_period': { xk8s: 'probes.startup.failureThreshold', set: durationOf('startPeriod') },
  'kompose.service.healthcheck.readiness.disable': {
    xk8s: 'probes.readiness.disable + probes.startup.disable',
    set: (v) => (bool(v) === undefined ? `"${v}" is not true or false` : filed('readiness', { disable: bool(v) })),
  },
  'kompose.service.healthcheck.liveness.http_get_path': { xk8s: 'probes.liveness.httpGet.path', set: (v) => filed('liveness', { httpPath: v }) },
  'kompose.service.healthcheck.liveness.http_get_port': { xk8s: 'probes.liveness.httpGet.port', set: (v) => filed('liveness', { httpPort: int(v) }) },
  'kompose.service.healthcheck.liveness.tcp_port': { xk8s: 'probes.liveness.tcpPort', set: (v) => filed('liveness', { tcpPort: int(v) }) },
};

/**
 * Documented kompose labels (kompose's docs/user-guide.md, and labels its test fixtures use) that
 * are not read, each with why. The planner warns about each at its line, and the report lists it;
 * no `kompose.*` label becomes an annotation.
 */
export const KOMPOSE_NOT_HONOURED: Readonly<Record<string, string>> = {
  'kompose.volume.selector': 'a claim with a selector binds only to a pre-made PersistentVolume carrying those labels, and is never provisioned dynamically: on DOKS (do-block-storage provisions every claim) it would stay Pending. To use a volume made beforehand, create its PersistentVolume and claim yourself and declare the Compose volume external: true (used by name)',
  'kompose.service.group': 'kompose groups services into one pod only with kompose convert --service-group-mode label; by default, as here, each service keeps its own pod (Compose semantics: its own name, restarts and scaling). To run a service in another one\'s pod, sharing its network as Compose does, write network_mode: service:<name>',
  'kompose.controller.port.expose': 'container ports are exposed through a Service, never a hostPort',
};

/** True when kompose labels give the service a probe check of their own (they then time it with the healthcheck's timing). */
export function hasKomposeProbeCheck(labels: Readonly<Record<string, string>>): boolean {
  return Object.keys(labels).some((l) => /^kompose\.service\.healthcheck\.(readiness|liveness)\.(test|http_get_path|http_get_port|tcp_port)$/.test(l));
}

/** kompose labels also read from `deploy.labels` (service labels win), as kompose does. */
export const DEPLOY_LABEL_ALIASES: ReadonlySet<string> = new Set(['kompose.ephemeral-storage.request', 'kompose.ephemeral-storage.limit']);

/** Why a `kompose.*` label (with this value) is not honoured, or undefined when it is (an alias in KOMPOSE_LABELS). */
export function komposeLabelLoss(label: string, value?: string): string | undefined {
  if (KOMPOSE_LABELS[label]) return value === undefined ? undefined : KOMPOSE_LABELS[label].loss?.(value);
  return KOMPOSE_NOT_HONOURED[label] ?? 'not a kompose label compose-cdk8s knows (see the kompose → x-k8s table in README.md)';
}

/** The Markdown table of KOMPOSE_NOT_HONOURED (kept in schema/README.md, checked by a test). */
export function komposeNotHonouredTable(): string {
  const rows = Object.keys(KOMPOSE_NOT_HONOURED).sort(compareStrings).map((k) => `| \`${k}\` | ${KOMPOSE_NOT_HONOURED[k].replace(/\|/g, '\\|')} |`);
  return ['| kompose label | why not |', '|---|---|', ...rows].join('\n');
}

/** True for the `kompose.*` label namespace (none of them becomes an annotation). */
export function isKomposeLabel(label: string): boolean {
  return label.startsWith('kompose.');
}

// ---------------------------------------------------------------------------------------------
// Validation

/** schema/x-k8s.schema.json and its parts; compiled at run time from the sources, precompiled in the bundle. */
export const X_K8S_SCHEMA: SchemaSet<'top' | 'service' | 'volume'> = {
  name: 'x-k8s',
  options: AJV_OPTIONS,
  schema: () => {
    const schema = { ...(schemaJson as Record<string, unknown>) };
    delete schema.$schema;
    return schema;
  },
  refs: { top: 'x-k8s', service: 'x-k8s#/definitions/service', volume: 'x-k8s#/definitions/volume' },
};

function compiled(): Record<'top' | 'service' | 'volume', ValidateFunction> {
  return validatorsOf(X_K8S_SCHEMA);
}

function joinPath(base: string, instancePath: string): string {
  let out = base;
  for (const seg of instancePath.split('/').slice(1)) {
    const s = seg.replace(/~1/g, '/').replace(/~0/g, '~');
    out += /^\d+$/.test(s) ? `[${s}]` : /^[A-Za-z0-9_-]+$/.test(s) ? `.${s}` : `["${s}"]`;
  }
  return out;
}

/** Patterns of the schema said in words, with the fix. */
const PATTERN_MESSAGES: Readonly<Record<string, { message: string; hint: string }>> = {
  '^[0-9]+(\\.[0-9]+)?([KMGTPE]i?|[kmgtpe])?$': { message: 'is not a Kubernetes quantity', hint: 'write a number with a unit, e.g. 512Mi, 1Gi or 10G' },
  '^(?!/)(?!.*(^|/)\\.\\.(/|$)).+$': { message: 'is not a relative path inside the volume', hint: "write a folder such as data or db/main, without a leading / or '..'" },
  // An environment's name: the folder <output>/<name>/, part of the deploy job's id.
  '^[a-z]([-a-z0-9]*[a-z0-9])?$': { message: 'is not a lowercase DNS label', hint: 'use lowercase letters, digits and "-", starting with a letter and not ending with "-", e.g. staging or prod-eu' },
};

function describe(e: ErrorObject): { message: string; hint?: string; key?: string } {
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = (e.params as { additionalProperty: string }).additionalProperty;
      const known = Object.keys(((e.parentSchema ?? {}) as { properties?: object }).properties ?? {}).sort(compareStrings);
      const near = closest(key, known);
      return {
        key,
        message: `unknown key "${key}"`,
        hint: near ? `did you mean "${near}"?` : `valid keys: ${known.join(', ')}`,
      };
    }
    case 'enum':
      return { message: `must be one of ${((e.params as { allowedValues: unknown[] }).allowedValues).map((v) => JSON.stringify(v)).join(', ')}` };
    case 'required':
      return { message: `missing required key "${(e.params as { missingProperty: string }).missingProperty}"` };
    case 'pattern': {
      const known = PATTERN_MESSAGES[(e.params as { pattern: string }).pattern];
      return known ?? { message: e.message ?? 'is not valid' };
    }
    default:
      return { message: e.message ?? 'is not valid' };
  }
}

/** Validate `value` with `fn`; diagnostics are placed relative to `base` (a model path). */
function check(project: ComposeProject, fn: ValidateFunction, value: unknown, base: string): Diagnostic[] {
  if (fn(value)) return [];
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  const all = fn.errors ?? [];
  // `probes.liveness: { tcpPort: 99999 }` fails both anyOf branches: say what is wrong in the object, not "must be boolean".
  const deeper = (e: ErrorObject) => all.some((o) => o.instancePath.startsWith(`${e.instancePath}/`));
  for (const e of all) {
    if (e.keyword === 'if' || e.keyword === '$ref' || e.keyword === 'propertyNames') continue;
    if ((e.keyword === 'anyOf' || /\/anyOf\/\d+\/type$/.test(e.schemaPath)) && deeper(e)) continue;
    const d = describe(e);
    // A bad key name (propertyNames: an environment or label name) is reported at the key itself.
    const named = (e as ErrorObject & { propertyName?: string }).propertyName;
    if (named !== undefined) {
      d.key = named;
      d.message = `name "${named}" ${d.message}`;
    }
    const path = d.key !== undefined ? joinPath(base, `${e.instancePath}/${d.key}`) : joinPath(base, e.instancePath);
    const id = `${path}|${d.message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(error(d.message, { path, location: project.sourceMap.nearest(path), ...(d.hint ? { hint: d.hint } : {}) }));
  }
  return out.sort((a, b) => compareStrings(a.path ?? '', b.path ?? ''));
}

function asObject(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** Deep merge of plain objects; `over` wins. */
function merge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const a = asObject(out[k]);
    const b = asObject(v);
    out[k] = a && b ? merge(a, b) : v;
  }
  return out;
}

const CHECKS = ['exec', 'tcpPort', 'httpGet'] as const;

/**
 * merge for settings blocks: a probe override that names its check (exec, tcpPort or httpGet)
 * replaces the check below it, never sits beside it (`x-k8s.probes.readiness.tcpPort` over a
 * kompose label's test is a TCP probe).
 */
function mergeSettings(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out = merge(base, over);
  const probes = asObject(out.probes);
  const overProbes = asObject(over.probes);
  if (!probes || !overProbes) return out;
  const fixed: Record<string, unknown> = { ...probes };
  for (const [name, p] of Object.entries(overProbes)) {
    const o = asObject(p);
    const m = asObject(fixed[name]);
    if (!o || !m || !CHECKS.some((c) => o[c] !== undefined)) continue;
    fixed[name] = Object.fromEntries(Object.entries(m).filter(([k]) => !(CHECKS as readonly string[]).includes(k) || o[k] !== undefined));
  }
  return { ...out, probes: fixed };
}

/** Like merge, but arrays of objects merge item by item (several kompose labels fill one init container). */
function mergeByIndex(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const a = out[k];
    if (Array.isArray(a) && Array.isArray(v) && [...a, ...v].every((x) => asObject(x))) {
      out[k] = a.length >= v.length ? a.map((x, i) => (i < v.length ? merge(x, v[i]) : x)) : v.map((x, i) => (i < a.length ? merge(a[i], x) : x));
      continue;
    }
    const ao = asObject(a);
    const bo = asObject(v);
    out[k] = ao && bo ? mergeByIndex(ao, bo) : v;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Readers

/** Read and check the top-level `x-k8s` block; throws ComposeError with located diagnostics. */
export function readTopLevelXK8s(project: ComposeProject): XK8sProject {
  return remembered(topRead, project, () => readTopLevel(project));
}

/**
 * What a read gave, per project (the model is never changed after loading: an environment is a new
 * project): the planner and the outputs read the same block several times (issue #19: each
 * service's was read and checked five times). A read that failed throws the same error again.
 */
type Read<T> = { readonly value: T } | { readonly error: unknown };
const topRead = new WeakMap<ComposeProject, Read<XK8sProject>>();
const serviceRead = new WeakMap<ComposeProject, Map<string, { readonly top: XK8sProject; readonly read: Read<ServiceXK8s> }>>();

function attempt<T>(read: () => T): Read<T> {
  try {
    return { value: read() };
  } catch (e) {
    return { error: e };
  }
}

function unwrap<T>(r: Read<T>): T {
  if ('error' in r) throw r.error;
  return r.value;
}

function remembered<K extends object, T>(cache: WeakMap<K, Read<T>>, key: K, read: () => T): T {
  let r = cache.get(key);
  if (r === undefined) {
    r = attempt(read);
    cache.set(key, r);
  }
  return unwrap(r);
}

function readTopLevel(project: ComposeProject): XK8sProject {
  const block = project.extensions['x-k8s'];
  if (block === undefined || block === null) return {};
  const problems = check(project, compiled().top, block, 'x-k8s');
  if (problems.length > 0) throw new ComposeError(problems);
  const out = { ...(block as Record<string, unknown>) };
  if (typeof out.tag === 'number') out.tag = String(out.tag);
  return out as XK8sProject;
}

/** The check of a readiness or liveness label family, or why there is none / it is ambiguous. */
function checkOf(f: CheckLabels, family: string): ProbeCheck | string | undefined {
  const kinds = [f.test !== undefined, f.httpPath !== undefined || f.httpPort !== undefined, f.tcpPort !== undefined].filter(Boolean).length;
  if (kinds > 1) return `${family}: give one check (test, http_get_path + http_get_port, or tcp_port), not several`;
  if (f.test !== undefined) {
    const exec = probeCommand({ test: f.test, disable: false });
    return exec ? { exec } : `${family}.test runs nothing (NONE or an empty command): write ${family}.disable: true to have no probe`;
  }
  if (f.httpPath !== undefined || f.httpPort !== undefined) {
    if (f.httpPort === undefined) return `${family}.http_get_path needs ${family}.http_get_port (the port to send the GET to)`;
    return { httpGet: { path: f.httpPath ?? '/', port: f.httpPort as number } };
  }
  if (f.tcpPort !== undefined) return { tcpPort: f.tcpPort as number };
  return undefined;
}

/**
 * kompose's healthcheck labels as `probes` settings, with Compose's meaning (probes.ts):
 * - readiness labels are a healthcheck of their own: a readiness probe and a startup probe with
 *   Compose's budget (start_period + retries × interval), their timing over the service's
 *   `healthcheck` timing, over Docker's defaults. Timing labels without a check label time the
 *   probes made from the service's healthcheck `test`. `disable: true` → neither probe;
 * - liveness labels are the explicit opt-in to a liveness probe (`probes.liveness`), HTTP or TCP,
 *   timed by the service's healthcheck (as kompose does), else Docker's defaults.
 * A string is the reason the labels cannot be used.
 */
function komposeProbes(labels: Record<string, CheckLabels>, hc: Healthcheck | undefined): Record<string, unknown> | string {
  const out: Record<string, unknown> = {};
  const ready = labels.readiness;
  const family = 'kompose.service.healthcheck';
  const timing: CheckTiming = {
    ...(hc?.interval !== undefined ? { interval: hc.interval } : {}),
    ...(hc?.timeout !== undefined ? { timeout: hc.timeout } : {}),
    ...(hc?.retries !== undefined ? { retries: hc.retries } : {}),
    ...(hc?.startPeriod !== undefined ? { startPeriod: hc.startPeriod } : {}),
    ...(hc?.startInterval !== undefined ? { startInterval: hc.startInterval } : {}),
  };
  if (ready?.disable) {
    out.readiness = { disable: true };
    out.startup = { disable: true };
  } else if (ready) {
    const own = checkOf(ready, `${family}.readiness`);
    if (typeof own === 'string') return own;
    const fromCompose = hc ? probeCommand(hc) : undefined;
    const probeCheck = own ?? (fromCompose ? { exec: fromCompose } : undefined);
    if (!probeCheck) return `${family}.readiness timing labels need a check: add ${family}.readiness.test, http_get_path + http_get_port or tcp_port, or a healthcheck test`;
    const t: CheckTiming = {
      ...timing,
      ...(ready.interval !== undefined ? { interval: ready.interval } : {}),
      ...(ready.timeout !== undefined ? { timeout: ready.timeout } : {}),
      ...(ready.retries !== undefined ? { retries: ready.retries as number } : {}),
      ...(ready.startPeriod !== undefined ? { startPeriod: ready.startPeriod } : {}),
    };
    const { readiness, startup } = probesOf(probeCheck, t);
    out.readiness = readiness;
    out.startup = startup;
  }
  if (labels.liveness) {
    const own = checkOf(labels.liveness, `${family}.liveness`);
    if (typeof own === 'string') return own;
    if (own) {
      const { readiness } = probesOf(own, timing);
      out.liveness = readiness;
    }
  }
  return out;
}

/** `kompose.*` labels of a service as a partial x-k8s block, with problems found reading them. */
export function komposeLabelsOf(project: ComposeProject, serviceName: string): { block: Record<string, unknown>; problems: Diagnostic[]; used: string[] } {
  const service = project.services[serviceName];
  let block: Record<string, unknown> = {};
  const problems: Diagnostic[] = [];
  const used: string[] = [];
  const pathOf = new Map<string, string>();
  // kompose reads its ephemeral-storage labels from deploy.labels (its own fixture writes them there).
  const fromDeploy = Object.keys(service?.deploy?.labels ?? {}).filter((l) => DEPLOY_LABEL_ALIASES.has(l) && service.labels[l] === undefined);
  for (const label of [...Object.keys(service?.labels ?? {}), ...fromDeploy].sort(compareStrings)) {
    const alias = KOMPOSE_LABELS[label];
    if (!alias) continue;
    const inDeploy = fromDeploy.includes(label);
    const path = inDeploy ? servicePath(serviceName, 'deploy', 'labels', label) : servicePath(serviceName, 'labels', label);
    pathOf.set(label, path);
    const result = alias.set(inDeploy ? service.deploy!.labels[label] : service.labels[label]);
    if (typeof result === 'string') {
      problems.push(error(result, { path, location: project.sourceMap.nearest(path) }));
      continue;
    }
    used.push(label);
    block = mergeByIndex(block, result);
  }
  if (problems.length === 0 && block[CHECK_LABELS] !== undefined) {
    const probes = komposeProbes(block[CHECK_LABELS] as Record<string, CheckLabels>, service?.healthcheck);
    const { [CHECK_LABELS]: _filed, ...rest } = block;
    void _filed;
    block = typeof probes === 'string' ? rest : merge(rest, { probes });
    if (typeof probes === 'string') {
      const path = servicePath(serviceName, 'labels', used.find((l) => l.startsWith('kompose.service.healthcheck.')) ?? 'kompose.service.healthcheck');
      problems.push(error(probes, { path, location: project.sourceMap.nearest(path), hint: 'see the kompose labels in schema/README.md' }));
    }
  }
  if (problems.length === 0 && used.length > 0) {
    const labelsPath = servicePath(serviceName, 'labels');
    for (const d of check(project, compiled().service, block, labelsPath)) {
      // Place the problem at the label that set the key (`probes.liveness.tcpPort` ← its tcp_port label).
      const key = (d.path ?? '').slice(labelsPath.length + 1).replace(/\[\d+\]/g, '');
      const settings = (l: string) => KOMPOSE_LABELS[l].xk8s.split(/ \+ | \/ /).map((x) => x.replace(/\[\d+\]/g, ''));
      // The label setting that key, else one setting a key inside it, else one setting its parent (`autoscaling` lacks max).
      const label = used.find((l) => settings(l).includes(key))
        ?? used.find((l) => settings(l).some((x) => key.startsWith(`${x}.`)))
        ?? used.find((l) => settings(l).some((x) => x.startsWith(`${key}.`)));
      const at = label ? { path: pathOf.get(label)!, location: project.sourceMap.nearest(pathOf.get(label)!) } : {};
      problems.push({ ...d, ...at, message: `kompose label value: ${d.message}${label ? ` (${key})` : ''}` });
    }
  }
  return { block, problems, used };
}

/**
 * The effective x-k8s settings of a service: top-level `defaults`, then its `kompose.*` labels,
 * then its own `x-k8s` block (strongest). Throws ComposeError with every problem found.
 */
export function readServiceXK8s(project: ComposeProject, serviceName: string, top: XK8sProject = readTopLevelXK8s(project)): ServiceXK8s {
  let reads = serviceRead.get(project);
  if (reads === undefined) {
    reads = new Map();
    serviceRead.set(project, reads);
  }
  const known = reads.get(serviceName);
  if (known !== undefined && known.top === top) return unwrap(known.read);
  const read = attempt(() => readService(project, serviceName, top));
  reads.set(serviceName, { top, read });
  return unwrap(read);
}

function readService(project: ComposeProject, serviceName: string, top: XK8sProject): ServiceXK8s {
  const service = project.services[serviceName];
  const own = service?.extensions['x-k8s'];
  const base = servicePath(serviceName, 'x-k8s');
  const problems: Diagnostic[] = [];
  if (own !== undefined && own !== null) problems.push(...check(project, compiled().service, own, base));
  const kompose = komposeLabelsOf(project, serviceName);
  problems.push(...kompose.problems);
  if (problems.length > 0) throw new ComposeError(problems);
  const defaults = (top.defaults ?? {}) as Record<string, unknown>;
  return mergeSettings(mergeSettings(defaults, kompose.block), asObject(own) ?? {}) as ServiceXK8s;
}

/** `volumes.<name>.x-k8s`, checked. */
export function readVolumeXK8s(project: ComposeProject, volumeName: string): VolumeXK8s {
  const block = project.volumes[volumeName]?.extensions['x-k8s'];
  if (block === undefined || block === null) return {};
  const problems = check(project, compiled().volume, block, `volumes.${volumeName}.x-k8s`);
  if (problems.length > 0) throw new ComposeError(problems);
  const out = { ...(block as Record<string, unknown>) };
  if (typeof out.size === 'number') out.size = String(out.size);
  return out as VolumeXK8s;
}

/** Check every x-k8s block of the project at once, so the user sees all problems in one run. */
export function checkAllXK8s(project: ComposeProject): Diagnostic[] {
  const problems: Diagnostic[] = [];
  let top: XK8sProject = {};
  try {
    top = readTopLevelXK8s(project);
  } catch (e) {
    if (e instanceof ComposeError) problems.push(...e.diagnostics);
    else throw e;
  }
  const attempts: Array<() => unknown> = [
    ...Object.keys(project.services).sort(compareStrings).map((s) => () => readServiceXK8s(project, s, top)),
    ...Object.keys(project.volumes).sort(compareStrings).map((v) => () => readVolumeXK8s(project, v)),
  ];
  for (const attempt of attempts) {
    try {
      attempt();
    } catch (e) {
      if (e instanceof ComposeError) problems.push(...e.diagnostics);
      else throw e;
    }
  }
  return problems;
}
