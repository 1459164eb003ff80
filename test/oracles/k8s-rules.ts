/**
 * Checks the Kubernetes API server does that the OpenAPI schema does not (k8s.io/apimachinery
 * validation; quantity syntax is already checked by kubernetes-models' `format: quantity`):
 * IsDNS1123Subdomain, IsDNS1123Label, IsDNS1035Label, IsValidPortName,
 * IsQualifiedName, IsValidLabelValue, IsEnvVarName, IsConfigMapKey; apps/v1 selector rules).
 * Pure functions over one parsed object; messages are `path: what is wrong`.
 */
type Obj = Record<string, any>;

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const ENV_VAR_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const CONFIG_MAP_KEY = /^[-._a-zA-Z0-9]+$/;

export function dns1123Label(v: string): string | null {
  if (v.length > 63) return `must be no more than 63 characters (DNS-1123 label), got ${v.length}`;
  return DNS1123_LABEL.test(v) ? null : `"${v}" is not a DNS-1123 label (lowercase alphanumerics and '-', start and end alphanumeric)`;
}
export function dns1123Subdomain(v: string): string | null {
  if (v.length > 253) return `must be no more than 253 characters (DNS-1123 subdomain), got ${v.length}`;
  return DNS1123_SUBDOMAIN.test(v) ? null : `"${v}" is not a DNS-1123 subdomain (lowercase alphanumerics, '-' and '.', start and end alphanumeric)`;
}
export function dns1035Label(v: string): string | null {
  if (v.length > 63) return `must be no more than 63 characters (DNS-1035 label), got ${v.length}`;
  return DNS1035_LABEL.test(v) ? null : `"${v}" is not a DNS-1035 label (lowercase alphanumerics and '-', start with a letter, end alphanumeric)`;
}
/** IANA_SVC_NAME (container port names). */
export function ianaSvcName(v: string): string | null {
  if (v.length < 1 || v.length > 15) return `port name "${v}" must be 1-15 characters (IANA_SVC_NAME)`;
  if (!/^[-a-z0-9]+$/.test(v)) return `port name "${v}" may contain only [-a-z0-9] (IANA_SVC_NAME)`;
  if (!/[a-z]/.test(v)) return `port name "${v}" must contain at least one letter (IANA_SVC_NAME)`;
  if (v.includes('--')) return `port name "${v}" must not contain "--" (IANA_SVC_NAME)`;
  if (v.startsWith('-') || v.endsWith('-')) return `port name "${v}" must not begin or end with '-' (IANA_SVC_NAME)`;
  return null;
}
/** Label / annotation keys: [prefix/]name. */
export function qualifiedName(v: string): string | null {
  const parts = v.split('/');
  if (parts.length > 2) return `key "${v}" has more than one '/'`;
  const name = parts[parts.length - 1];
  if (parts.length === 2) {
    if (parts[0].length === 0) return `key "${v}" has an empty prefix`;
    const p = dns1123Subdomain(parts[0]);
    if (p) return `key "${v}" prefix: ${p}`;
  }
  if (name.length === 0 || name.length > 63) return `key "${v}" name part must be 1-63 characters`;
  return QUALIFIED_NAME_PART.test(name) ? null : `key "${v}" name part must be alphanumerics, '-', '_' or '.', start and end alphanumeric`;
}
export function labelValue(v: unknown): string | null {
  if (typeof v !== 'string') return `label value must be a string, got ${JSON.stringify(v)}`;
  if (v.length > 63) return `label value "${v}" must be no more than 63 characters`;
  return LABEL_VALUE.test(v) ? null : `label value "${v}" must be empty or alphanumerics, '-', '_' or '.', start and end alphanumeric`;
}

type NameRule = (v: string) => string | null;
const maxLen = (n: number, rule: NameRule): NameRule => (v) => (v.length > n ? `must be no more than ${n} characters, got ${v.length}` : rule(v));

/** metadata.name rule per kind (default DNS-1123 subdomain). */
const NAME_RULES: Readonly<Record<string, NameRule>> = {
  Service: dns1035Label,
  Namespace: dns1123Label,
  // the controller adds a `controller-revision-hash: <name>-<hash>` label (63 max) to each pod
  StatefulSet: maxLen(52, dns1123Subdomain),
  CronJob: maxLen(52, dns1123Subdomain),
  Job: maxLen(63, dns1123Subdomain), // batch.kubernetes.io/job-name label
};

const POD_SPEC_PATHS: Readonly<Record<string, readonly string[]>> = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};
const SELECTOR_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet']);

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const dig = (o: unknown, keys: readonly string[]): unknown => keys.reduce<unknown>((a, k) => (isObj(a) ? a[k] : undefined), o);

function checkLabels(labels: unknown, at: string, out: string[]): void {
  if (!isObj(labels)) return;
  for (const [k, v] of Object.entries(labels)) {
    const e = qualifiedName(k) ?? labelValue(v);
    if (e) out.push(`${at}: ${e}`);
  }
}
function checkAnnotationKeys(ann: unknown, at: string, out: string[]): void {
  if (!isObj(ann)) return;
  for (const k of Object.keys(ann)) {
    const e = qualifiedName(k);
    if (e) out.push(`${at}: ${e}`);
  }
}

function checkMetadata(o: Obj, out: string[]): void {
  const md = o.metadata;
  if (!isObj(md) || (typeof md.name !== 'string' && typeof md.generateName !== 'string')) {
    out.push('metadata.name: required');
    return;
  }
  if (typeof md.name === 'string') {
    const e = (NAME_RULES[o.kind] ?? dns1123Subdomain)(md.name);
    if (e) out.push(`metadata.name: ${e}`);
  }
  if (typeof md.namespace === 'string') {
    const e = dns1123Label(md.namespace);
    if (e) out.push(`metadata.namespace: ${e}`);
  }
  checkLabels(md.labels, 'metadata.labels', out);
  checkAnnotationKeys(md.annotations, 'metadata.annotations', out);
}

function matches(selector: Obj, labels: Obj): boolean {
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const r of (selector.matchExpressions ?? []) as Obj[]) {
    const has = Object.prototype.hasOwnProperty.call(labels, r.key);
    const values: unknown[] = r.values ?? [];
    const ok =
      r.operator === 'In' ? has && values.includes(labels[r.key])
      : r.operator === 'NotIn' ? !has || !values.includes(labels[r.key])
      : r.operator === 'Exists' ? has
      : r.operator === 'DoesNotExist' ? !has
      : false;
    if (!ok) return false;
  }
  return true;
}

function checkSelector(o: Obj, out: string[]): void {
  if (!SELECTOR_KINDS.has(o.kind)) return;
  const sel = dig(o, ['spec', 'selector']);
  if (!isObj(sel)) {
    out.push('spec.selector: required');
    return;
  }
  checkLabels(sel.matchLabels, 'spec.selector.matchLabels', out);
  if (Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0) {
    out.push('spec.selector: empty selector is invalid for apps/v1');
  }
  const labels = dig(o, ['spec', 'template', 'metadata', 'labels']);
  if (!isObj(labels) || !matches(sel, labels)) {
    out.push('spec.template.metadata.labels: `selector` does not match template `labels`');
  }
}

function portNumber(v: unknown, at: string, out: string[]): void {
  if (typeof v === 'number' && (!Number.isInteger(v) || v < 1 || v > 65535)) out.push(`${at}: ${v} must be between 1 and 65535`);
}

/** `claimTemplates`: a StatefulSet's volumeClaimTemplates names, which its mounts may name (the controller adds those volumes). */
function checkPodSpec(spec: unknown, at: string, out: string[], claimTemplates: readonly string[] = []): void {
  if (!isObj(spec)) return;
  const volumes = new Set<string>();
  ((spec.volumes ?? []) as Obj[]).forEach((v, i) => {
    const e = typeof v?.name === 'string' ? dns1123Label(v.name) : 'name required';
    if (e) out.push(`${at}.volumes[${i}].name: ${e}`);
    if (volumes.has(v?.name)) out.push(`${at}.volumes[${i}].name: duplicate volume "${v.name}"`);
    volumes.add(v?.name);
  });
  const names = new Set<string>();
  for (const list of ['initContainers', 'containers', 'ephemeralContainers']) {
    const cs = spec[list];
    if (!Array.isArray(cs)) continue;
    cs.forEach((c: Obj, i: number) => {
      const p = `${at}.${list}[${i}]`;
      if (!isObj(c)) return;
      if (typeof c.name === 'string') {
        const e = dns1123Label(c.name);
        if (e) out.push(`${p}.name: ${e}`);
        if (names.has(c.name)) out.push(`${p}.name: duplicate container name "${c.name}"`);
        names.add(c.name);
      }
      const portNames = new Set<string>();
      ((c.ports ?? []) as Obj[]).forEach((port, j) => {
        portNumber(port?.containerPort, `${p}.ports[${j}].containerPort`, out);
        portNumber(port?.hostPort, `${p}.ports[${j}].hostPort`, out);
        if (typeof port?.name === 'string') {
          const e = ianaSvcName(port.name);
          if (e) out.push(`${p}.ports[${j}].name: ${e}`);
          if (portNames.has(port.name)) out.push(`${p}.ports[${j}].name: duplicate port name "${port.name}"`);
          portNames.add(port.name);
        }
      });
      ((c.env ?? []) as Obj[]).forEach((env, j) => {
        if (typeof env?.name === 'string' && !ENV_VAR_NAME.test(env.name)) {
          out.push(`${p}.env[${j}].name: "${env.name}" is not a valid environment variable name ([-._a-zA-Z][-._a-zA-Z0-9]*)`);
        }
      });
      ((c.volumeMounts ?? []) as Obj[]).forEach((m, j) => {
        if (typeof m?.name === 'string' && !volumes.has(m.name) && !claimTemplates.includes(m.name)) out.push(`${p}.volumeMounts[${j}].name: volume "${m.name}" not found in ${at}.volumes`);
      });
      for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
        const pr = c[probe];
        if (!isObj(pr)) continue;
        const handlers = ['exec', 'httpGet', 'tcpSocket', 'grpc'].filter((h) => pr[h] !== undefined);
        if (handlers.length !== 1) out.push(`${p}.${probe}: must specify exactly one handler (exec, httpGet, tcpSocket, grpc), got ${handlers.length}`);
        for (const h of ['httpGet', 'tcpSocket']) {
          const port = dig(pr, [h, 'port']);
          if (typeof port === 'string') {
            const e = ianaSvcName(port);
            if (e) out.push(`${p}.${probe}.${h}.port: ${e}`);
          } else portNumber(port, `${p}.${probe}.${h}.port`, out);
        }
      }
    });
  }
}

function checkService(o: Obj, out: string[]): void {
  const spec = o.spec;
  if (!isObj(spec)) return;
  checkLabels(spec.selector, 'spec.selector', out);
  const ports = (spec.ports ?? []) as Obj[];
  const names = new Set<string>();
  ports.forEach((p, i) => {
    portNumber(p?.port, `spec.ports[${i}].port`, out);
    if (typeof p?.targetPort === 'string') {
      const e = ianaSvcName(p.targetPort);
      if (e) out.push(`spec.ports[${i}].targetPort: ${e}`);
    } else portNumber(p?.targetPort, `spec.ports[${i}].targetPort`, out);
    if (ports.length > 1 && !p?.name) out.push(`spec.ports[${i}].name: required when the Service has more than one port`);
    if (typeof p?.name === 'string') {
      const e = dns1123Label(p.name);
      if (e) out.push(`spec.ports[${i}].name: ${e}`);
      if (names.has(p.name)) out.push(`spec.ports[${i}].name: duplicate port name "${p.name}"`);
      names.add(p.name);
    }
  });
  if (ports.length === 0 && spec.type !== 'ExternalName' && spec.clusterIP !== 'None') out.push('spec.ports: required');
}

function checkDataKeys(o: Obj, out: string[]): void {
  for (const field of ['data', 'binaryData', 'stringData']) {
    const d = o[field];
    if (!isObj(d)) continue;
    for (const k of Object.keys(d)) {
      if (k.length > 253 || !CONFIG_MAP_KEY.test(k)) out.push(`${field}["${k}"]: key must be alphanumerics, '-', '_' or '.' (max 253)`);
    }
  }
}

/** API-server-only problems of one object. */
export function apiServerChecks(o: Obj): string[] {
  const out: string[] = [];
  checkMetadata(o, out);
  checkSelector(o, out);
  const podPath = POD_SPEC_PATHS[o.kind];
  if (podPath) {
    const templates = o.kind === 'StatefulSet' ? ((dig(o, ['spec', 'volumeClaimTemplates']) ?? []) as Obj[]).map((t) => t?.metadata?.name).filter((n): n is string => typeof n === 'string') : [];
    checkPodSpec(dig(o, podPath), podPath.join('.'), out, templates);
    if (podPath.length > 1) {
      const tmd = dig(o, [...podPath.slice(0, -1), 'metadata']);
      if (isObj(tmd)) {
        checkLabels(tmd.labels, `${podPath.slice(0, -1).join('.')}.metadata.labels`, out);
        checkAnnotationKeys(tmd.annotations, `${podPath.slice(0, -1).join('.')}.metadata.annotations`, out);
      }
    }
  }
  if (o.kind === 'Service' && o.apiVersion === 'v1') checkService(o, out);
  if ((o.kind === 'ConfigMap' || o.kind === 'Secret') && o.apiVersion === 'v1') checkDataKeys(o, out);
  return out;
}
