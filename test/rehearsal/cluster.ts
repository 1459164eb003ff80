/**
 * A small simulated cluster for the first-deploy rehearsal: the documented steps applied in order.
 *
 * 1. The cluster as DOKS hands it over: namespaces `default`, `kube-system`, `kube-public`,
 *    `kube-node-lease`; a `default` ServiceAccount in each namespace (the namespace controller makes
 *    one); the registry integration's pull secret (`registry-<registry>`) copied to every namespace
 *    (DEPLOYMENT.md section 4, option 1).
 * 2. The `secrets` step (`compose-cdk8s secrets | sh`, or `--format manifest | kubectl apply -f -`),
 *    run with the kubectl context's namespace (`default` unless told otherwise). A Secret aimed
 *    at a namespace that does not exist yet is not created.
 * 3. The sync: Argo CD (`CreateNamespace=true` creates the destination namespace first) or
 *    `kubectl apply -k dist/`. Objects without a namespace land in the destination namespace.
 *    Order: sync wave (`argocd.argoproj.io/sync-wave`, default 0), then kind in Argo CD's order
 *    (gitops-engine's kind order, the same as Helm's install order), then name. A namespaced object
 *    whose namespace does not exist when it is applied is refused.
 */
import { parse as shellParse } from 'shell-quote';
import * as YAML from 'yaml';
import { CheckName, Finding, Obj, objectId } from './model';

export const SYNC_WAVE = 'argocd.argoproj.io/sync-wave';

/** gitops-engine `pkg/sync/sync_tasks.go` kindOrder (unknown kinds, e.g. custom resources, go last). */
export const KIND_ORDER: readonly string[] = [
  'Namespace', 'NetworkPolicy', 'ResourceQuota', 'LimitRange', 'PodSecurityPolicy', 'PodDisruptionBudget',
  'ServiceAccount', 'Secret', 'SecretList', 'ConfigMap', 'StorageClass', 'PersistentVolume',
  'PersistentVolumeClaim', 'CustomResourceDefinition', 'ClusterRole', 'ClusterRoleList', 'ClusterRoleBinding',
  'ClusterRoleBindingList', 'Role', 'RoleList', 'RoleBinding', 'RoleBindingList', 'Service', 'DaemonSet', 'Pod',
  'ReplicationController', 'ReplicaSet', 'Deployment', 'HorizontalPodAutoscaler', 'StatefulSet', 'Job', 'CronJob',
  'IngressClass', 'Ingress', 'APIService',
];

/** Kinds that live outside namespaces (the ones our outputs could hold). */
export const CLUSTER_SCOPED = new Set(['Namespace', 'StorageClass', 'PersistentVolume', 'CustomResourceDefinition', 'ClusterRole', 'ClusterRoleBinding', 'IngressClass', 'APIService', 'PriorityClass']);

export const BUILTIN_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export function syncWave(o: Obj): number {
  const w = Number.parseInt(String(o.metadata?.annotations?.[SYNC_WAVE] ?? '0'), 10);
  return Number.isFinite(w) ? w : 0;
}

function kindRank(kind: string): number {
  const i = KIND_ORDER.indexOf(kind);
  return i < 0 ? KIND_ORDER.length : i;
}

/** Objects in the order Argo CD applies them: wave, kind, name. */
export function applyOrder(objects: readonly Obj[]): Obj[] {
  return [...objects].sort((a, b) => syncWave(a) - syncWave(b) || kindRank(a.kind) - kindRank(b.kind)
    || String(a.metadata?.name ?? '').localeCompare(String(b.metadata?.name ?? '')));
}

/** What the `secrets` step would create: Secrets (and Namespaces), each with the namespace it lands in. */
export interface SecretsStep {
  readonly objects: readonly Obj[];
  /** Lines or documents that were not understood (reported, never ignored silently). */
  readonly unparsed: readonly string[];
}

/** `kubectl create secret generic NAME [--namespace=NS|-n NS] ... | kubectl apply -f -`, and `kubectl create namespace NS`. */
export function parseSecretsScript(script: string, contextNamespace: string): SecretsStep {
  const objects: Obj[] = [];
  const unparsed: string[] = [];
  for (const raw of script.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const parsed = shellParse(line);
    const end = parsed.findIndex((w) => typeof w !== 'string');
    const words = (end < 0 ? parsed : parsed.slice(0, end)) as string[];
    if (words[0] !== 'kubectl' || words[1] !== 'create') {
      unparsed.push(line);
      continue;
    }
    let namespace: string | undefined;
    const positional: string[] = [];
    for (let i = 2; i < words.length; i++) {
      const w = words[i];
      if (w.startsWith('--namespace=')) namespace = w.slice('--namespace='.length);
      else if (w === '--namespace' || w === '-n') namespace = words[++i];
      else if (w === '-o') i++;
      else if (!w.startsWith('-')) positional.push(w);
    }
    if (positional[0] === 'namespace' || positional[0] === 'ns') {
      objects.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: positional[1] } });
    } else if (positional[0] === 'secret' && positional[2]) {
      objects.push({ apiVersion: 'v1', kind: 'Secret', metadata: { name: positional[2], namespace: namespace ?? contextNamespace } });
    } else unparsed.push(line);
  }
  return { objects, unparsed };
}

/** `--format manifest` output for `kubectl apply -f -`: objects without a namespace land in the context's. */
export function parseSecretsManifest(text: string, contextNamespace: string): SecretsStep {
  const objects: Obj[] = [];
  for (const doc of YAML.parseAllDocuments(text)) {
    const o = doc.toJS() as Obj | null;
    if (!o) continue;
    objects.push(CLUSTER_SCOPED.has(o.kind) ? o : { ...o, metadata: { ...o.metadata, namespace: o.metadata?.namespace ?? contextNamespace } });
  }
  return { objects, unparsed: [] };
}

export interface DeployTarget {
  /** Where objects without a namespace go (Argo CD's destination, the release namespace, the kubectl context). */
  readonly namespace: string;
  /** Argo CD `CreateNamespace=true`: the destination namespace exists before the first wave. */
  readonly createNamespace: boolean;
  /** The registry pull secret DOKS's registry integration copies to every namespace. */
  readonly pullSecret?: string;
  /** Objects the Compose file declares `external: true`: the user creates them in the destination namespace. */
  readonly external?: readonly { readonly kind: string; readonly name: string }[];
}

export interface Cluster {
  /** Everything that exists after the rehearsal, each with its namespace filled in. */
  readonly objects: readonly Obj[];
  readonly namespaces: ReadonlySet<string>;
  /** Objects of the sync (not the cluster's own or the secrets step's), in apply order, namespaced. */
  readonly applied: readonly Obj[];
  readonly findings: readonly Finding[];
}

const NS_CHECK: CheckName = 'namespaces';

/** Run the secrets step, then the sync, against a fresh cluster. */
export function rehearse(manifests: readonly Obj[], target: DeployTarget, secretsStep?: SecretsStep): Cluster {
  const namespaces = new Set(BUILTIN_NAMESPACES);
  const objects: Obj[] = [];
  const findings: Finding[] = [];
  const provide = (ns: string) => {
    objects.push({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: ns }, provided: 'cluster' });
    if (target.pullSecret) objects.push({ apiVersion: 'v1', kind: 'Secret', metadata: { name: target.pullSecret, namespace: ns }, provided: 'registry integration' });
  };
  const addNamespace = (ns: string) => {
    if (namespaces.has(ns)) return;
    namespaces.add(ns);
    provide(ns);
  };
  for (const ns of namespaces) provide(ns);

  for (const line of secretsStep?.unparsed ?? []) findings.push({ check: NS_CHECK, object: 'secrets step', path: '', message: `line not understood: ${line}` });
  for (const o of applyOrder(secretsStep?.objects ?? [])) {
    if (o.kind === 'Namespace') addNamespace(o.metadata.name);
    else if (!namespaces.has(o.metadata.namespace)) {
      findings.push({ check: NS_CHECK, object: objectId(o), path: 'metadata.namespace', message: `the secrets step creates ${o.kind} ${o.metadata.name} in namespace "${o.metadata.namespace}", which does not exist yet: kubectl refuses it` });
    } else objects.push({ ...o, provided: 'secrets step' });
  }

  if (target.createNamespace) addNamespace(target.namespace);
  for (const e of target.external ?? []) objects.push({ apiVersion: 'v1', kind: e.kind, metadata: { name: e.name, namespace: target.namespace }, provided: 'external in Compose' });
  const applied: Obj[] = [];
  for (const o of applyOrder(manifests)) {
    const placed = CLUSTER_SCOPED.has(o.kind) ? o : { ...o, metadata: { ...o.metadata, namespace: o.metadata?.namespace ?? target.namespace } };
    if (placed.kind === 'Namespace') addNamespace(placed.metadata.name);
    else if (!CLUSTER_SCOPED.has(placed.kind) && !namespaces.has(placed.metadata.namespace)) {
      findings.push({ check: NS_CHECK, object: objectId(placed), path: 'metadata.namespace', message: `namespace "${placed.metadata.namespace}" does not exist when ${placed.kind} ${placed.metadata.name} is applied (wave ${syncWave(placed)})` });
      continue;
    }
    applied.push(placed);
    objects.push(placed);
  }
  return { objects, namespaces, applied, findings };
}
