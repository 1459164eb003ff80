/**
 * The semantic diff: two sets of Kubernetes objects → per-service changes a reviewer reads at a
 * glance (image, replicas, env, ports, probes, resources, volume mounts, new and deleted objects).
 *
 * Each kind has a handler that describes the fields it understands and removes them; whatever is
 * left is compared field by field, so no difference is ever dropped, only described less richly.
 * Secret values never reach a Change: Secret `data` / `stringData` and secret-backed env vars are
 * reported as changed, never with their content.
 */
import { RELEASE_INFO_NAME } from '../supply/release';
import { POD_SPEC_PATH } from '../common/workload-paths';
import { isDeepStrictEqual } from 'util';
import { compareStrings } from '../../order';
import type { Change, ManifestDiff, ServiceDiff, ServiceStatus } from './changes';
import type { KObject, ManifestEntry, ManifestSet } from './manifest-set';

/** Label naming the service an object belongs to. */
export const SERVICE_LABEL = 'app.kubernetes.io/name';


/** Kinds with `spec.replicas` (default 1). */
const REPLICATED = new Set(['Deployment', 'StatefulSet', 'ReplicaSet']);

/** Order of objects inside a service's change list. */
const KIND_ORDER = ['Namespace', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Service', 'ConfigMap', 'Secret', 'PersistentVolumeClaim'];

const PROBES = [['readinessProbe', 'readiness'], ['livenessProbe', 'liveness'], ['startupProbe', 'startup']] as const;

/** Container fields the workload handler describes itself. */
const CONTAINER_FACETS = ['image', 'env', 'envFrom', 'ports', 'resources', 'volumeMounts', ...PROBES.map(([k]) => k)];

type Json = unknown;

function isObj(v: unknown): v is KObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function get(o: unknown, path: readonly string[]): unknown {
  let cur = o;
  for (const k of path) cur = isObj(cur) ? cur[k] : undefined;
  return cur;
}
function clone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}
function arr(v: unknown): KObject[] {
  return Array.isArray(v) ? v.filter(isObj) : [];
}
function s(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
}

/** The service an object belongs to: its `app.kubernetes.io/name` label, a workload's own name, else '' (shared). */
export function serviceOf(entry: ManifestEntry): string {
  const labels = get(entry.object, ['metadata', 'labels']);
  const label = isObj(labels) ? labels[SERVICE_LABEL] : undefined;
  if (typeof label === 'string' && label !== '') return label;
  return POD_SPEC_PATH[entry.kind] ? entry.name : '';
}

function kindRank(kind: string): number {
  const i = KIND_ORDER.indexOf(kind);
  return i < 0 ? KIND_ORDER.length : i;
}
function compareEntries(a: ManifestEntry, b: ManifestEntry): number {
  return kindRank(a.kind) - kindRank(b.kind) || compareStrings(a.kind, b.kind) || compareStrings(a.name, b.name) || compareStrings(a.key, b.key);
}

/** Compare two object sets. */
export function diffManifests(before: ManifestSet, after: ManifestSet): ManifestDiff {
  const ctx: Ctx = { before, after, envConfigMaps: new Set([...envFromConfigMaps(before), ...envFromConfigMaps(after)]) };
  const groups = new Map<string, { before: ManifestEntry[]; after: ManifestEntry[] }>();
  const add = (e: ManifestEntry, side: 'before' | 'after'): void => {
    // The release-info ConfigMap restates each workload's image and digest, which the services'
    // own changes already report: listing it again would only add noise.
    if (e.kind === 'ConfigMap' && e.name === RELEASE_INFO_NAME) return;
    const svc = serviceOf(e);
    if (!groups.has(svc)) groups.set(svc, { before: [], after: [] });
    groups.get(svc)![side].push(e);
  };
  for (const e of before.objects.values()) add(e, 'before');
  for (const e of after.objects.values()) add(e, 'after');

  const services: ServiceDiff[] = [];
  for (const svc of [...groups.keys()].sort((a, b) => (a === '' ? 1 : b === '' ? -1 : compareStrings(a, b)))) {
    const g = groups.get(svc)!;
    const keys = new Set([...g.before.map((e) => e.key), ...g.after.map((e) => e.key)]);
    const pairs = [...keys].map((k) => ({ old: before.objects.get(k), cur: after.objects.get(k) }));
    pairs.sort((x, y) => compareEntries((x.cur ?? x.old)!, (y.cur ?? y.old)!));
    const changes: Change[] = [];
    for (const { old, cur } of pairs) changes.push(...diffObject(old, cur, ctx));
    if (changes.length === 0) continue;
    const status: ServiceStatus = g.before.length === 0 ? 'added' : g.after.length === 0 ? 'removed' : 'changed';
    services.push({ service: svc, status, changes });
  }

  const files = new Set([...Object.keys(before.files), ...Object.keys(after.files)]);
  const changedFiles = [...files].filter((f) => before.files[f] !== after.files[f]).sort(compareStrings);
  return { equal: services.length === 0, services, changedFiles };
}

interface Ctx {
  readonly before: ManifestSet;
  readonly after: ManifestSet;
  /** `namespace/name` of ConfigMaps some container loads with envFrom (their data is reported as env). */
  readonly envConfigMaps: ReadonlySet<string>;
}

function envFromConfigMaps(set: ManifestSet): string[] {
  const out: string[] = [];
  for (const e of set.objects.values()) {
    const pod = POD_SPEC_PATH[e.kind] ? get(e.object, POD_SPEC_PATH[e.kind]) : undefined;
    for (const c of [...arr(get(pod, ['containers'])), ...arr(get(pod, ['initContainers']))]) {
      for (const from of arr(c.envFrom)) {
        const name = s(get(from, ['configMapRef', 'name']));
        if (name) out.push(`${e.namespace ?? ''}/${name}`);
      }
    }
  }
  return out;
}

function diffObject(old: ManifestEntry | undefined, cur: ManifestEntry | undefined, ctx: Ctx): Change[] {
  if (!old && cur) return [{ kind: 'object-added', object: cur.label, detail: addedDetail(cur) }];
  if (old && !cur) return [{ kind: 'object-deleted', object: old.label }];
  if (!old || !cur) return [];
  // A workload whose own object is unchanged may still see other env through its envFrom ConfigMaps.
  if (isDeepStrictEqual(old.object, cur.object) && !POD_SPEC_PATH[cur.kind]) return [];
  const a = clone(old.object);
  const b = clone(cur.object);
  const changes: Change[] = [];
  const handler = HANDLERS[cur.kind] ?? (POD_SPEC_PATH[cur.kind] ? workloadHandler : undefined);
  if (handler) handler({ label: cur.label, kind: cur.kind, a, b, changes, ctx, old, cur });
  for (const f of fieldDiffs(a, b, '')) {
    changes.push({ kind: 'field', object: cur.label, subject: f.path, before: f.before, after: f.after });
  }
  return changes;
}

function addedDetail(e: ManifestEntry): string | undefined {
  const pod = POD_SPEC_PATH[e.kind] ? get(e.object, POD_SPEC_PATH[e.kind]) : undefined;
  const images = arr(get(pod, ['containers'])).map((c) => s(c.image)).filter((x): x is string => !!x);
  return images.length ? `image ${images.join(', ')}` : undefined;
}

interface HandlerArgs {
  readonly label: string;
  readonly kind: string;
  /** Mutable copies: handlers delete what they describe. */
  readonly a: KObject;
  readonly b: KObject;
  readonly changes: Change[];
  readonly ctx: Ctx;
  readonly old: ManifestEntry;
  readonly cur: ManifestEntry;
}

type Handler = (args: HandlerArgs) => void;

const HANDLERS: Readonly<Record<string, Handler>> = {
  Service: serviceHandler,
  Secret: secretHandler,
  ConfigMap: configMapHandler,
};

// ---------------------------------------------------------------------------------------------
// Workloads

function workloadHandler(h: HandlerArgs): void {
  const podPath = POD_SPEC_PATH[h.kind];
  if (REPLICATED.has(h.kind)) {
    const ra = get(h.a, ['spec', 'replicas']) ?? 1;
    const rb = get(h.b, ['spec', 'replicas']) ?? 1;
    if (ra !== rb) h.changes.push({ kind: 'replicas', object: h.label, before: s(ra), after: s(rb) });
    deleteAt(h.a, ['spec', 'replicas']);
    deleteAt(h.b, ['spec', 'replicas']);
  }
  const podA = get(h.a, podPath);
  const podB = get(h.b, podPath);
  const containersA = [...arr(get(podA, ['initContainers'])), ...arr(get(podA, ['containers']))];
  const containersB = [...arr(get(podB, ['initContainers'])), ...arr(get(podB, ['containers']))];
  // Name the container when it is not obvious: init containers, and pods with several app containers.
  const several = Math.max(arr(get(podA, ['containers'])).length, arr(get(podB, ['containers'])).length) > 1;
  const mountedVolumes = new Set([...containersA, ...containersB].flatMap((c) => arr(c.volumeMounts).map((m) => s(m.name) ?? '')));
  const volumesA = new Map(arr(get(podA, ['volumes'])).map((v) => [s(v.name) ?? '', v]));
  const volumesB = new Map(arr(get(podB, ['volumes'])).map((v) => [s(v.name) ?? '', v]));

  for (const listKey of ['initContainers', 'containers']) {
    const la = arr(get(podA, [listKey]));
    const lb = arr(get(podB, [listKey]));
    const names = unique([...la, ...lb].map((c) => s(c.name) ?? ''));
    for (const name of names) {
      const ca = la.find((c) => c.name === name);
      const cb = lb.find((c) => c.name === name);
      const container = several || listKey === 'initContainers' ? name : undefined;
      if (!ca && cb) {
        h.changes.push({ kind: 'container-added', object: h.label, subject: name, detail: s(cb.image) ? `image ${s(cb.image)}` : undefined });
      } else if (ca && !cb) {
        h.changes.push({ kind: 'container-removed', object: h.label, subject: name });
      } else if (ca && cb) {
        const out: Change[] = [];
        containerChanges(ca, cb, { ...h, volumesA, volumesB }, out);
        h.changes.push(...out.map((c) => (container ? { ...c, container } : c)));
        for (const k of CONTAINER_FACETS) { delete ca[k]; delete cb[k]; }
      }
    }
    // Added / removed containers are reported above; drop them from the field comparison.
    const keepCommon = (pod: unknown, list: KObject[], other: KObject[]): void => {
      if (!isObj(pod) || !Array.isArray(pod[listKey])) return;
      const common = list.filter((c) => other.some((o) => o.name === c.name));
      if (common.length > 0) pod[listKey] = common;
      else delete pod[listKey];
    };
    keepCommon(podA, la, lb);
    keepCommon(podB, lb, la);
  }

  // Pod volumes are described through the mounts that use them; unmounted volume changes by name.
  for (const name of unique([...volumesA.keys(), ...volumesB.keys()])) {
    const va = volumesA.get(name);
    const vb = volumesB.get(name);
    if (!mountedVolumes.has(name) && !isDeepStrictEqual(va, vb)) {
      h.changes.push({ kind: 'field', object: h.label, subject: `volume ${name}`, before: va ? describeVolume(va) : undefined, after: vb ? describeVolume(vb) : undefined });
    }
  }
  if (isObj(podA)) delete podA.volumes;
  if (isObj(podB)) delete podB.volumes;
}

interface ContainerCtx extends HandlerArgs {
  readonly volumesA: ReadonlyMap<string, KObject>;
  readonly volumesB: ReadonlyMap<string, KObject>;
}

function containerChanges(ca: KObject, cb: KObject, h: ContainerCtx, out: Change[]): void {
  const object = h.label;
  imageChange(s(ca.image), s(cb.image), object, out);
  envChanges(ca, cb, h, out);
  portChanges(arr(ca.ports), arr(cb.ports), object, out);
  for (const [key, what] of PROBES) {
    const pa = ca[key];
    const pb = cb[key];
    if (isDeepStrictEqual(pa, pb)) continue;
    if (pa === undefined) out.push({ kind: 'probe-added', object, subject: what, detail: describeProbe(pb) });
    else if (pb === undefined) out.push({ kind: 'probe-removed', object, subject: what });
    else {
      const detail = fieldDiffs(clone(pa), clone(pb), '').map((f) => `${f.path} ${f.before ?? '(none)'} → ${f.after ?? '(none)'}`).join(', ');
      out.push({ kind: 'probe-changed', object, subject: what, detail });
    }
  }
  for (const f of fieldDiffs(clone(ca.resources ?? {}), clone(cb.resources ?? {}), '')) {
    out.push({ kind: 'resource', object, subject: f.path, before: f.before, after: f.after });
  }
  mountChanges(ca, cb, h, out);
}

/** `repo[:tag][@digest]` split; the tag is after the last `:` that follows the last `/`. */
export function parseImage(ref: string): { repo: string; tag?: string; digest?: string } {
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) { digest = rest.slice(at + 1); rest = rest.slice(0, at); }
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) return { repo: rest.slice(0, colon), tag: rest.slice(colon + 1), digest };
  return { repo: rest, digest };
}

function imageChange(a: string | undefined, b: string | undefined, object: string, out: Change[]): void {
  if (a === b) return;
  if (a && b) {
    const ia = parseImage(a);
    const ib = parseImage(b);
    if (ia.repo === ib.repo) {
      if (ia.tag !== ib.tag) out.push({ kind: 'image-tag', object, before: ia.tag ?? '(none)', after: ib.tag ?? '(none)', detail: ia.repo });
      if (ia.digest !== ib.digest) out.push({ kind: 'image-digest', object, before: ia.digest ?? '(none)', after: ib.digest ?? '(none)', detail: ia.repo });
      return;
    }
  }
  out.push({ kind: 'image', object, before: a ?? '(none)', after: b ?? '(none)' });
}

/** One env var as the container sees it. */
type EnvValue =
  | { readonly value: string }
  | { readonly secret: string; readonly ref: string }
  | { readonly ref: string };

function effectiveEnv(c: KObject, objects: ManifestSet, namespace: string | undefined): { env: Map<string, EnvValue>; sources: string[] } {
  const env = new Map<string, EnvValue>();
  const sources: string[] = [];
  for (const from of arr(c.envFrom)) {
    const cm = s(get(from, ['configMapRef', 'name']));
    const sec = s(get(from, ['secretRef', 'name']));
    const prefix = s(from.prefix) ?? '';
    const obj = cm ? findObject(objects, 'ConfigMap', namespace, cm) : undefined;
    if (cm && obj) {
      const data = get(obj.object, ['data']);
      if (isObj(data)) for (const k of Object.keys(data)) env.set(prefix + k, { value: s(data[k]) ?? '' });
    } else {
      sources.push(cm ? `ConfigMap ${cm}` : sec ? `Secret ${sec}` : JSON.stringify(from));
    }
  }
  for (const e of arr(c.env)) {
    const name = s(e.name) ?? '';
    const secretRef = get(e, ['valueFrom', 'secretKeyRef']);
    const cmRef = get(e, ['valueFrom', 'configMapKeyRef']);
    if (isObj(secretRef)) env.set(name, { secret: s(secretRef.name) ?? '', ref: `${s(secretRef.name)}.${s(secretRef.key)}` });
    else if (isObj(cmRef)) env.set(name, { ref: `from ConfigMap ${s(cmRef.name)} key ${s(cmRef.key)}` });
    else if (isObj(e.valueFrom)) env.set(name, { ref: `from ${JSON.stringify(e.valueFrom)}` });
    else env.set(name, { value: s(e.value) ?? '' });
  }
  return { env, sources };
}

function findObject(set: ManifestSet, kind: string, namespace: string | undefined, name: string): ManifestEntry | undefined {
  for (const e of set.objects.values()) if (e.kind === kind && e.name === name && (e.namespace ?? '') === (namespace ?? '')) return e;
  return undefined;
}

function envChanges(ca: KObject, cb: KObject, h: ContainerCtx, out: Change[]): void {
  const object = h.label;
  const A = effectiveEnv(ca, h.ctx.before, h.old.namespace);
  const B = effectiveEnv(cb, h.ctx.after, h.cur.namespace);
  for (const src of B.sources.filter((x) => !A.sources.includes(x))) out.push({ kind: 'env-source-added', object, subject: src });
  for (const src of A.sources.filter((x) => !B.sources.includes(x))) out.push({ kind: 'env-source-removed', object, subject: src });
  for (const name of unique([...A.env.keys(), ...B.env.keys()])) {
    const va = A.env.get(name);
    const vb = B.env.get(name);
    if (isDeepStrictEqual(va, vb)) continue;
    if (!va && vb) {
      if ('secret' in vb) out.push({ kind: 'env-added', object, subject: name, detail: `from Secret ${vb.secret}` });
      else if ('value' in vb) out.push({ kind: 'env-added', object, subject: name, after: vb.value });
      else out.push({ kind: 'env-added', object, subject: name, detail: vb.ref });
    } else if (va && !vb) {
      out.push({ kind: 'env-removed', object, subject: name });
    } else if (va && vb) {
      if ('value' in va && 'value' in vb) out.push({ kind: 'env-changed', object, subject: name, before: va.value, after: vb.value });
      else if ('secret' in va && 'secret' in vb) out.push({ kind: 'env-secret-changed', object, subject: name, detail: 'secret-backed' });
      else if ('secret' in vb) out.push({ kind: 'env-secret-changed', object, subject: name, detail: `now from Secret ${vb.secret}` });
      else if ('secret' in va) out.push({ kind: 'env-secret-changed', object, subject: name, detail: 'no longer from a Secret' });
      else out.push({ kind: 'env-changed', object, subject: name, before: 'value' in va ? va.value : va.ref, after: 'value' in vb ? vb.value : vb.ref });
    }
  }
}

interface PortLike { readonly name?: string; readonly number: number; readonly protocol: string; readonly target?: number }

function portDesc(p: PortLike): string {
  return `${p.number}/${p.protocol}`;
}

/**
 * Match ports between the sides: identical first, then the same number (a rename), then the same
 * name (a move); the rest were added or removed.
 */
function matchPorts(a: PortLike[], b: PortLike[]): { pairs: Array<[PortLike, PortLike]>; added: PortLike[]; removed: PortLike[] } {
  const restA = [...a];
  const restB = [...b];
  const pairs: Array<[PortLike, PortLike]> = [];
  const take = (same: (x: PortLike, y: PortLike) => boolean): void => {
    for (const x of [...restA]) {
      const i = restB.findIndex((y) => same(x, y));
      if (i < 0) continue;
      pairs.push([x, restB[i]]);
      restB.splice(i, 1);
      restA.splice(restA.indexOf(x), 1);
    }
  };
  take((x, y) => isDeepStrictEqual(x, y));
  take((x, y) => x.number === y.number && x.protocol === y.protocol);
  take((x, y) => x.name !== undefined && x.name === y.name);
  return { pairs, added: restB, removed: restA };
}

function portChanges(pa: KObject[], pb: KObject[], object: string, out: Change[]): void {
  const conv = (p: KObject): PortLike => ({ name: s(p.name), number: Number(p.containerPort), protocol: s(p.protocol) ?? 'TCP' });
  const { pairs, added, removed } = matchPorts(pa.map(conv), pb.map(conv));
  for (const [x, y] of pairs) {
    if (x.number === y.number && x.protocol === y.protocol) {
      if (x.name !== y.name) out.push({ kind: 'port-renamed', object, subject: portDesc(x), before: x.name ?? '(unnamed)', after: y.name ?? '(unnamed)' });
    } else {
      out.push({ kind: 'port-moved', object, subject: y.name, before: portDesc(x), after: portDesc(y) });
    }
  }
  for (const p of added) out.push({ kind: 'port-added', object, subject: p.name, after: portDesc(p) });
  for (const p of removed) out.push({ kind: 'port-removed', object, subject: p.name, before: portDesc(p) });
}

function mountChanges(ca: KObject, cb: KObject, h: ContainerCtx, out: Change[]): void {
  const object = h.label;
  const describe = (m: KObject, volumes: ReadonlyMap<string, KObject>): { text: string; volume?: KObject } => {
    const v = volumes.get(s(m.name) ?? '');
    const parts = [v ? describeVolume(v) : `volume ${s(m.name)}`];
    if (m.readOnly === true) parts.push('read-only');
    if (m.subPath !== undefined) parts.push(`subPath ${s(m.subPath)}`);
    return { text: parts.join(', '), volume: v };
  };
  const ma = new Map(arr(ca.volumeMounts).map((m) => [s(m.mountPath) ?? '', m]));
  const mb = new Map(arr(cb.volumeMounts).map((m) => [s(m.mountPath) ?? '', m]));
  for (const p of unique([...ma.keys(), ...mb.keys()])) {
    const xa = ma.get(p);
    const xb = mb.get(p);
    if (!xa && xb) out.push({ kind: 'mount-added', object, subject: p, after: describe(xb, h.volumesB).text });
    else if (xa && !xb) out.push({ kind: 'mount-removed', object, subject: p, before: describe(xa, h.volumesA).text });
    else if (xa && xb) {
      const da = describe(xa, h.volumesA);
      const db = describe(xb, h.volumesB);
      if (da.text !== db.text) out.push({ kind: 'mount-changed', object, subject: p, before: da.text, after: db.text });
      else if (!isDeepStrictEqual(xa, xb) || !isDeepStrictEqual(stripName(da.volume), stripName(db.volume))) {
        out.push({ kind: 'mount-changed', object, subject: p, detail: `settings of ${da.text} changed` });
      }
    }
  }
}

function stripName(v: KObject | undefined): KObject | undefined {
  if (!v) return v;
  const { name: _name, ...rest } = v;
  return rest;
}

/** A pod volume in words: `claim data`, `ConfigMap web-conf`, `emptyDir (Memory)`. */
export function describeVolume(v: KObject): string {
  const claim = get(v, ['persistentVolumeClaim', 'claimName']);
  if (claim !== undefined) return `claim ${s(claim)}`;
  const cm = get(v, ['configMap', 'name']);
  if (cm !== undefined) return `ConfigMap ${s(cm)}`;
  const secret = get(v, ['secret', 'secretName']);
  if (secret !== undefined) return `Secret ${s(secret)}`;
  if (isObj(v.emptyDir)) {
    const extra = [s(v.emptyDir.medium), v.emptyDir.sizeLimit !== undefined ? `size ${s(v.emptyDir.sizeLimit)}` : undefined].filter(Boolean);
    return extra.length ? `emptyDir (${extra.join(', ')})` : 'emptyDir';
  }
  const type = Object.keys(v).filter((k) => k !== 'name').sort(compareStrings)[0];
  return type ? `${type} ${JSON.stringify(v[type])}` : `volume ${s(v.name)}`;
}

function describeProbe(p: unknown): string | undefined {
  if (!isObj(p)) return undefined;
  const cmd = get(p, ['exec', 'command']);
  if (Array.isArray(cmd)) return `exec ${cmd.map((x) => s(x)).join(' ')}`;
  if (isObj(p.tcpSocket)) return `tcp port ${s(p.tcpSocket.port)}`;
  if (isObj(p.httpGet)) return `http GET ${s(p.httpGet.path) ?? '/'} port ${s(p.httpGet.port)}`;
  if (isObj(p.grpc)) return `grpc port ${s(p.grpc.port)}`;
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Services, Secrets, ConfigMaps

function serviceHandler(h: HandlerArgs): void {
  const conv = (p: KObject): PortLike => ({ name: s(p.name), number: Number(p.port), protocol: s(p.protocol) ?? 'TCP', target: p.targetPort === undefined ? Number(p.port) : (p.targetPort as number) });
  const { pairs, added, removed } = matchPorts(arr(get(h.a, ['spec', 'ports'])).map(conv), arr(get(h.b, ['spec', 'ports'])).map(conv));
  const object = h.label;
  for (const [x, y] of pairs) {
    if (x.number === y.number && x.protocol === y.protocol) {
      if (x.name !== y.name) h.changes.push({ kind: 'service-port-renamed', object, subject: portDesc(x), before: x.name ?? '(unnamed)', after: y.name ?? '(unnamed)' });
    } else {
      h.changes.push({ kind: 'service-port-moved', object, subject: y.name, before: portDesc(x), after: portDesc(y) });
    }
    if (x.target !== y.target) h.changes.push({ kind: 'service-port-changed', object, subject: y.name ?? portDesc(y), before: s(x.target), after: s(y.target) });
  }
  for (const p of added) h.changes.push({ kind: 'service-port-added', object, subject: p.name, after: portDesc(p), detail: p.target !== p.number ? `target ${s(p.target)}` : undefined });
  for (const p of removed) h.changes.push({ kind: 'service-port-removed', object, subject: p.name, before: portDesc(p) });
  deleteAt(h.a, ['spec', 'ports']);
  deleteAt(h.b, ['spec', 'ports']);
}

function secretHandler(h: HandlerArgs): void {
  const values = (o: KObject): Map<string, unknown> => {
    const m = new Map<string, unknown>();
    for (const field of ['data', 'stringData']) {
      const d = o[field];
      if (isObj(d)) for (const k of Object.keys(d)) m.set(k, d[k]);
    }
    return m;
  };
  const va = values(h.a);
  const vb = values(h.b);
  for (const key of unique([...va.keys(), ...vb.keys()])) {
    if (!va.has(key)) h.changes.push({ kind: 'secret-key-added', object: h.label, subject: key });
    else if (!vb.has(key)) h.changes.push({ kind: 'secret-key-removed', object: h.label, subject: key });
    else if (!isDeepStrictEqual(va.get(key), vb.get(key))) h.changes.push({ kind: 'secret-key-changed', object: h.label, subject: key });
  }
  for (const o of [h.a, h.b]) { delete o.data; delete o.stringData; }
}

function configMapHandler(h: HandlerArgs): void {
  // Data loaded with envFrom is reported as env changes of the workloads that load it.
  if (h.ctx.envConfigMaps.has(`${h.cur.namespace ?? ''}/${h.cur.name}`)) {
    delete h.a.data;
    delete h.b.data;
  }
}

// ---------------------------------------------------------------------------------------------
// Field-by-field comparison of what no handler described

export interface FieldDiff {
  readonly path: string;
  readonly before?: string;
  readonly after?: string;
}

function joinKey(path: string, key: string): string {
  const plain = /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key);
  return plain ? (path ? `${path}.${key}` : key) : `${path}[${JSON.stringify(key)}]`;
}

/** Leaf differences between two JSON values; lists of named objects are matched by name. */
export function fieldDiffs(a: Json, b: Json, path: string): FieldDiff[] {
  if (isDeepStrictEqual(a, b)) return [];
  // A map on one side only is compared leaf by leaf against an empty map.
  if ((isObj(a) && (isObj(b) || b === undefined)) || (a === undefined && isObj(b))) {
    a = a ?? {};
    b = b ?? {};
  }
  if (isObj(a) && isObj(b)) {
    const out: FieldDiff[] = [];
    for (const k of unique([...Object.keys(a), ...Object.keys(b)])) out.push(...fieldDiffs(a[k], b[k], joinKey(path, k)));
    return out;
  }
  if (Array.isArray(a) && Array.isArray(b) && namedList(a) && namedList(b)) {
    const out: FieldDiff[] = [];
    for (const n of unique([...a, ...b].map((x) => (x as KObject).name as string))) {
      out.push(...fieldDiffs(a.find((x) => (x as KObject).name === n), b.find((x) => (x as KObject).name === n), `${path}[${n}]`));
    }
    return out;
  }
  return [{ path: path || '(whole object)', before: s(a), after: s(b) }];
}

function namedList(list: unknown[]): boolean {
  const names = list.map((x) => (isObj(x) && typeof x.name === 'string' ? x.name : undefined));
  return names.every((n) => n !== undefined) && new Set(names).size === names.length;
}

function unique(list: readonly string[]): string[] {
  return [...new Set(list)].sort(compareStrings);
}

function deleteAt(o: KObject, path: readonly string[]): void {
  const parent = get(o, path.slice(0, -1));
  if (isObj(parent)) delete parent[path[path.length - 1]];
}
