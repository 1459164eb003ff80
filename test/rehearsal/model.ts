/**
 * Plain-object view of Kubernetes manifests for the first-deploy rehearsal (issue 13, "Proof").
 *
 * Everything under test/rehearsal/ reads manifests as parsed YAML (what `synth` writes to dist/,
 * what `helm template` prints) and never imports the planner (lib/plan) or the constructs
 * (lib/constructs): the rehearsal must judge the output, not repeat the code that made it.
 */

export type Obj = Record<string, any>;

/** The checks, by name (the keys of KNOWN_FAILING in rehearsal.test.ts). */
export type CheckName =
  | 'namespaces'
  | 'references'
  | 'services'
  | 'wait-targets'
  | 'network-policies'
  | 'data-directories'
  | 'claims'
  | 'pod-security'
  | 'statefulset-service';

export interface Finding {
  readonly check: CheckName;
  /** `Kind/namespace/name` of the object the finding is about. */
  readonly object: string;
  /** Field path inside the object, e.g. `spec.template.spec.containers[0].envFrom[1]`. */
  readonly path: string;
  readonly message: string;
}

export function objectId(o: Obj): string {
  return `${o?.kind}/${o?.metadata?.namespace ?? ''}/${o?.metadata?.name}`;
}

export function finding(check: CheckName, o: Obj, path: string, message: string): Finding {
  return { check, object: objectId(o), path, message };
}

/** What the Compose file says, derived outside the planner (the loader, or by hand in unit tests). */
export interface ComposeFacts {
  readonly services: Readonly<Record<string, ComposeServiceFacts>>;
  /** Objects the Compose file says exist already (`external: true` volumes, secrets, configs), under each name they may get. */
  readonly external?: readonly { readonly kind: string; readonly name: string }[];
}

/** Things a Compose service may ask for that fall below Pod Security "baseline". */
export type BaselineAsk = 'privileged' | 'capabilities' | 'hostNetwork' | 'hostPID' | 'hostIPC' | 'hostPath' | 'hostPort' | 'seccomp' | 'appArmor' | 'sysctls' | 'seLinux';

export interface ComposeServiceFacts {
  /** Services this one depends on (`depends_on`). */
  readonly dependsOn: readonly string[];
  /** Other services whose name appears as a host name in this service's environment. */
  readonly hostRefs: readonly string[];
  /** What the service asks for below "baseline". */
  readonly asks: readonly BaselineAsk[];
  /** `network_mode: service:x` / `container:x`: runs in x's pod (no network edge of its own). */
  readonly sharesPodWith?: string;
}

/** A Compose name as Kubernetes names it by default (DNS-1035: lowercase, `_`/`.` → `-`). */
export function dnsName(composeName: string): string {
  let n = composeName.toLowerCase().replace(/[^a-z0-9-]/g, '-').replace(/^-+|-+$/g, '');
  if (!/^[a-z]/.test(n)) n = `x-${n}`;
  return n.slice(0, 63).replace(/-+$/, '');
}

export const POD_TEMPLATE_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Pod'] as const;

export interface PodTemplate {
  /** The workload that holds the template. */
  readonly owner: Obj;
  readonly namespace: string;
  /** Path of the pod spec inside the owner (`spec.template.spec`). */
  readonly specPath: string;
  readonly spec: Obj;
  readonly labels: Readonly<Record<string, string>>;
  /** Compose service of the workload: the `compose-cdk8s.io/service` annotation, else its name. */
  readonly service: string;
}

export const SERVICE_ANNOTATION = 'compose-cdk8s.io/service';

/** Every pod template in the objects (CronJobs: the job template's pod template). */
export function podTemplates(objects: readonly Obj[]): PodTemplate[] {
  const out: PodTemplate[] = [];
  for (const o of objects) {
    let tpl: Obj | undefined;
    let specPath: string;
    if (o.kind === 'Pod') {
      tpl = { metadata: o.metadata, spec: o.spec };
      specPath = 'spec';
    } else if (o.kind === 'CronJob') {
      tpl = o.spec?.jobTemplate?.spec?.template;
      specPath = 'spec.jobTemplate.spec.template.spec';
    } else if ((POD_TEMPLATE_KINDS as readonly string[]).includes(o.kind)) {
      tpl = o.spec?.template;
      specPath = 'spec.template.spec';
    } else continue;
    if (!tpl?.spec) continue;
    out.push({
      owner: o,
      namespace: o.metadata?.namespace ?? '',
      specPath,
      spec: tpl.spec,
      labels: tpl.metadata?.labels ?? {},
      service: o.metadata?.annotations?.[SERVICE_ANNOTATION] ?? o.metadata?.name,
    });
  }
  return out;
}

export interface ContainerRef {
  readonly container: Obj;
  /** `containers`, `initContainers` or `ephemeralContainers`. */
  readonly list: string;
  readonly index: number;
  readonly path: string;
}

export function containersOf(t: { spec: Obj; specPath: string }): ContainerRef[] {
  const out: ContainerRef[] = [];
  for (const list of ['initContainers', 'containers', 'ephemeralContainers']) {
    (t.spec[list] ?? []).forEach((c: Obj, index: number) => out.push({ container: c, list, index, path: `${t.specPath}.${list}[${index}]` }));
  }
  return out;
}

/** A LabelSelector (matchLabels + matchExpressions) against labels. An empty selector matches everything. */
export function selectorMatches(selector: Obj | undefined | null, labels: Readonly<Record<string, string>>): boolean {
  if (!selector) return true;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const values: string[] = e.values ?? [];
    switch (e.operator) {
      case 'In': if (!has || !values.includes(labels[e.key])) return false; break;
      case 'NotIn': if (has && values.includes(labels[e.key])) return false; break;
      case 'Exists': if (!has) return false; break;
      case 'DoesNotExist': if (has) return false; break;
      default: return false;
    }
  }
  return true;
}

/** A Service's plain `selector` map: matches when every pair is in the labels; empty selects nothing. */
export function serviceSelects(selector: Readonly<Record<string, string>> | undefined, labels: Readonly<Record<string, string>>): boolean {
  if (!selector || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

export function byKindName(objects: readonly Obj[], kind: string, namespace: string, name: string): Obj | undefined {
  return objects.find((o) => o.kind === kind && (o.metadata?.namespace ?? '') === namespace && o.metadata?.name === name);
}
