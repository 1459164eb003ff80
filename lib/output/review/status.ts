/**
 * "Which image is live?": the workloads a manifests folder (dist/) declares, compared per Compose
 * service with the workloads a cluster runs (`kubectl get deploy,sts,ds,cronjob -o json`).
 *
 * Compared: each container's image, and the release metadata on the workload (git sha, image
 * digest, build run; supply/release.ts). Reported, not compared: replicas ready, since a rollout
 * in progress or a crash loop is health, not drift. A workload dist/ declares that the cluster
 * lacks is drift; a live workload of this project (same `app.kubernetes.io/part-of`) that dist/
 * no longer declares is drift too; any other live workload is foreign and only listed.
 *
 * Pure: the callers read the files and run kubectl.
 */
import { ANNOTATION_COMPOSE_SERVICE } from '../../plan/plan';
import { ANNOTATION_BUILD_RUN, ANNOTATION_GIT_SHA, ANNOTATION_IMAGE_DIGEST } from '../supply/release';
import { podSpecOf } from '../common/workload-paths';

type Manifest = Record<string, any>;

/** The kinds `status` reads (what `kubectl get deploy,sts,ds,cronjob` returns). */
export const STATUS_KINDS: readonly string[] = ['Deployment', 'StatefulSet', 'DaemonSet', 'CronJob'];
const PART_OF = 'app.kubernetes.io/part-of';

export interface WorkloadState {
  /** Container name → image. */
  readonly images: Readonly<Record<string, string>>;
  readonly sha?: string;
  readonly digest?: string;
  readonly buildRun?: string;
  /** Desired replicas (Deployment, StatefulSet; DaemonSet: pods it should run). */
  readonly replicas?: number;
  /** Ready replicas (live only). */
  readonly ready?: number;
}

export interface Drift {
  /** `image <container>`, `sha`, `digest`, `build run`, `replicas`, or `workload`. */
  readonly field: string;
  readonly expected: string;
  readonly live: string;
}

export type ServiceStatusKind = 'ok' | 'not ready' | 'drift' | 'missing' | 'not in dist';

export interface ServiceStatus {
  readonly service: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  readonly status: ServiceStatusKind;
  readonly expected?: WorkloadState;
  readonly live?: WorkloadState;
  readonly drift: readonly Drift[];
}

export interface ForeignWorkload {
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
}

export interface StatusReport {
  /** True when every service of dist/ runs as declared (readiness aside). */
  readonly ok: boolean;
  readonly services: readonly ServiceStatus[];
  readonly foreign: readonly ForeignWorkload[];
}

/** Workload objects among parsed documents (a `List` is unpacked). */
export function workloadsOf(docs: readonly unknown[]): Manifest[] {
  const out: Manifest[] = [];
  const visit = (d: unknown): void => {
    if (Array.isArray(d)) { d.forEach(visit); return; }
    if (typeof d !== 'object' || d === null) return;
    const o = d as Manifest;
    if (o.kind === 'List' && Array.isArray(o.items)) { o.items.forEach(visit); return; }
    if (STATUS_KINDS.includes(o.kind)) out.push(o);
  };
  docs.forEach(visit);
  return out;
}

function serviceOf(o: Manifest): string {
  return o.metadata?.annotations?.[ANNOTATION_COMPOSE_SERVICE] ?? o.metadata?.labels?.['app.kubernetes.io/name'] ?? o.metadata?.name ?? '?';
}

function stateOf(o: Manifest, live: boolean): WorkloadState {
  const images: Record<string, string> = {};
  for (const c of (podSpecOf(o)?.containers ?? []) as { name?: string; image?: string }[]) {
    if (c.image) images[c.name ?? '?'] = c.image;
  }
  const a: Record<string, string> = o.metadata?.annotations ?? {};
  let replicas: number | undefined;
  let ready: number | undefined;
  if (o.kind === 'Deployment' || o.kind === 'StatefulSet') {
    replicas = typeof o.spec?.replicas === 'number' ? o.spec.replicas : 1;
    if (live) ready = o.status?.readyReplicas ?? 0;
  } else if (o.kind === 'DaemonSet' && live) {
    replicas = o.status?.desiredNumberScheduled ?? 0;
    ready = o.status?.numberReady ?? 0;
  }
  return {
    images,
    ...(a[ANNOTATION_GIT_SHA] ? { sha: a[ANNOTATION_GIT_SHA] } : {}),
    ...(a[ANNOTATION_IMAGE_DIGEST] ? { digest: a[ANNOTATION_IMAGE_DIGEST] } : {}),
    ...(a[ANNOTATION_BUILD_RUN] ? { buildRun: a[ANNOTATION_BUILD_RUN] } : {}),
    ...(replicas !== undefined ? { replicas } : {}),
    ...(ready !== undefined ? { ready } : {}),
  };
}

function key(kind: string, name: string, namespace: string | undefined): string {
  return `${kind}/${namespace ?? ''}/${name}`;
}

const NONE = '(none)';

/**
 * Compare the documents of dist/ with the live ones. A workload of dist/ without a namespace
 * matches a live one of the same kind and name in any namespace (kubectl read the context's).
 */
export function compareLive(expectedDocs: readonly unknown[], liveDocs: readonly unknown[]): StatusReport {
  const expected = workloadsOf(expectedDocs);
  const live = workloadsOf(liveDocs);
  const projects = new Set(expected.map((o) => o.metadata?.labels?.[PART_OF]).filter((p): p is string => typeof p === 'string'));
  // Workloads an autoscaler scales: their replica count is the autoscaler's, not drift.
  const autoscaled = new Set((expectedDocs.flatMap((d) => (Array.isArray(d) ? d : [d])) as Manifest[])
    .filter((o) => o?.kind === 'HorizontalPodAutoscaler')
    .map((o) => `${o.spec?.scaleTargetRef?.kind}/${o.spec?.scaleTargetRef?.name}`));

  const liveByKey = new Map<string, Manifest>();
  for (const o of live) liveByKey.set(key(o.kind, o.metadata?.name, o.metadata?.namespace), o);
  const findLive = (o: Manifest): Manifest | undefined => {
    const ns = o.metadata?.namespace;
    if (ns) return liveByKey.get(key(o.kind, o.metadata?.name, ns));
    return live.find((l) => l.kind === o.kind && l.metadata?.name === o.metadata?.name);
  };

  const used = new Set<Manifest>();
  const services: ServiceStatus[] = [];
  for (const o of expected) {
    const base = { service: serviceOf(o), kind: o.kind as string, name: o.metadata?.name as string, ...(o.metadata?.namespace ? { namespace: o.metadata.namespace as string } : {}) };
    const want = stateOf(o, false);
    const l = findLive(o);
    if (!l) {
      services.push({ ...base, status: 'missing', expected: want, drift: [{ field: 'workload', expected: `${o.kind}/${base.name}`, live: NONE }] });
      continue;
    }
    used.add(l);
    const have = stateOf(l, true);
    const drift: Drift[] = [];
    for (const container of [...new Set([...Object.keys(want.images), ...Object.keys(have.images)])].sort()) {
      const a = want.images[container];
      const b = have.images[container];
      if (a !== b) drift.push({ field: `image ${container}`, expected: a ?? NONE, live: b ?? NONE });
    }
    for (const [field, a, b] of [['sha', want.sha, have.sha], ['digest', want.digest, have.digest], ['build run', want.buildRun, have.buildRun]] as const) {
      if (a !== b) drift.push({ field, expected: a ?? NONE, live: b ?? NONE });
    }
    if ((o.kind === 'Deployment' || o.kind === 'StatefulSet') && !autoscaled.has(`${o.kind}/${base.name}`) && want.replicas !== have.replicas) {
      drift.push({ field: 'replicas', expected: String(want.replicas), live: String(have.replicas) });
    }
    const status: ServiceStatusKind = drift.length ? 'drift' : have.ready !== undefined && have.replicas !== undefined && have.ready < have.replicas ? 'not ready' : 'ok';
    services.push({ ...base, status, expected: want, live: have, drift });
  }

  const foreign: ForeignWorkload[] = [];
  for (const l of live) {
    if (used.has(l)) continue;
    const where = { kind: l.kind as string, name: l.metadata?.name as string, ...(l.metadata?.namespace ? { namespace: l.metadata.namespace as string } : {}) };
    const ours = projects.has(l.metadata?.labels?.[PART_OF]);
    if (!ours) {
      foreign.push(where);
      continue;
    }
    services.push({
      service: serviceOf(l), ...where, status: 'not in dist', live: stateOf(l, true),
      drift: [{ field: 'workload', expected: NONE, live: `${l.kind}/${where.name}` }],
    });
  }

  services.sort((a, b) => cmp(a.service, b.service) || cmp(a.kind, b.kind) || cmp(a.name, b.name));
  foreign.sort((a, b) => cmp(a.namespace ?? '', b.namespace ?? '') || cmp(a.kind, b.kind) || cmp(a.name, b.name));
  return { ok: services.every((s) => s.drift.length === 0), services, foreign };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function shortSha(sha: string | undefined): string {
  return sha ? (/^[0-9a-f]{8,}$/.test(sha) ? sha.slice(0, 7) : sha) : '-';
}

function shortDigest(d: string | undefined): string {
  return d ? d.replace(/^sha256:([0-9a-f]{12})[0-9a-f]*$/, 'sha256:$1') : '-';
}

/** `…/actions/runs/123` → `run 123`. */
function shortRun(url: string | undefined): string {
  if (!url) return '-';
  const m = /\/actions\/runs\/(\d+)/.exec(url);
  return m ? `run ${m[1]}` : url;
}

/**
 * The table `status` prints, then one line per drift and per foreign workload. `folder` names the
 * manifests in the lines (`dist/`, or an environment's `dist/prod/`).
 */
export function formatStatusTable(report: StatusReport, folder = 'dist/'): string {
  const header = ['SERVICE', 'KIND', 'IMAGE (live)', 'SHA', 'DIGEST', 'READY', 'BUILD', 'STATUS'];
  const rows = report.services.map((s) => {
    const st = s.live ?? s.expected;
    const images = Object.values(st?.images ?? {});
    const ready = s.live?.ready !== undefined ? `${s.live.ready}/${s.live.replicas ?? '?'}` : '-';
    const shown = images.map((i) => i.replace(/@sha256:([0-9a-f]{12})[0-9a-f]{52}$/, '@sha256:$1...'));
    return [s.service, s.kind, s.live ? shown.join(',') || '-' : '-', shortSha(st?.sha), shortDigest(st?.digest), ready, shortRun(st?.buildRun), s.status];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ');
  const out = [line(header), ...rows.map(line)];
  const drifted = report.services.filter((s) => s.drift.length);
  if (drifted.length) {
    out.push('');
    for (const s of drifted) {
      for (const d of s.drift) out.push(`drift: ${s.service} (${s.kind}/${s.name}): ${d.field}: ${folder} ${d.expected}, live ${d.live}`);
    }
  }
  if (report.foreign.length) {
    out.push('');
    for (const f of report.foreign) out.push(`foreign: ${f.kind}/${f.name}${f.namespace ? ` in ${f.namespace}` : ''} is not from this project (ignored)`);
  }
  out.push('');
  out.push(report.ok
    ? `live matches ${folder}: ${report.services.length} ${report.services.length === 1 ? 'service' : 'services'}`
    : `${drifted.length} of ${report.services.length} ${report.services.length === 1 ? 'service' : 'services'} drifted from ${folder}`);
  return `${out.join('\n')}\n`;
}
