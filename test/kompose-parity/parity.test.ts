/**
 * kompose parity: each Compose file of kompose's CI (test/fixtures/kompose-parity, with the output
 * kompose's tests.sh expects) is converted, and per service the workload kind, image, replicas,
 * env names, command, args, container ports, mounts (with subPath) and their backing, Service type and ports,
 * exposure (Ingress rules host/path → port, TLS, class),
 * resources and probes (check, port or path, timing) are compared with kompose's. A difference must be listed in
 * docs/kompose.md ("Parity exceptions") with the reason ours is better; any other fails.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { convertOne } from '../corpus/convert-one';
import { fixturePath, REPO_ROOT } from '../helpers/paths';

type Obj = Record<string, any>;
const ROOT = fixturePath('kompose-parity');
const PAIRS = JSON.parse(fs.readFileSync(path.join(ROOT, 'pairs.json'), 'utf8')) as { compose: string[]; expected: string }[];
/** What a container without deploy.resources gets (plan/default-requests.ts). */
const DEFAULT_REQUESTS = { cpu: '50m', memory: '64Mi' };

/** JSON with object keys sorted, so key order never counts as a difference. */
function canonical(v: unknown): string {
  const sort = (x: unknown): unknown => (Array.isArray(x) ? x.map(sort)
    : x && typeof x === 'object' ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, sort((x as Obj)[k])])) : x);
  return JSON.stringify(sort(v));
}

/** Our resources without the default requests (when kompose requests neither cpu nor memory). */
function withoutDefaultRequests(ours: string, theirs: string): string {
  const o = JSON.parse(ours) as Obj;
  const t = JSON.parse(theirs) as Obj;
  if (o.requests?.cpu !== DEFAULT_REQUESTS.cpu || o.requests?.memory !== DEFAULT_REQUESTS.memory || t.requests?.cpu !== undefined || t.requests?.memory !== undefined) return ours;
  const { cpu: _c, memory: _m, ...rest } = o.requests as Obj;
  void _c;
  void _m;
  const { requests: _r, ...others } = o;
  void _r;
  return canonical(Object.keys(rest).length ? { ...others, requests: rest } : others);
}
const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'Pod']);

function docs(text: string): Obj[] {
  const out: Obj[] = [];
  for (const d of parseAllDocuments(text)) {
    const v = d.toJS() as Obj | null;
    if (!v) continue;
    if (v.kind === 'List') out.push(...(v.items as Obj[]));
    else out.push(v);
  }
  return out;
}

function podSpec(o: Obj): Obj | undefined {
  if (o.kind === 'Pod') return o.spec;
  if (o.kind === 'CronJob') return o.spec?.jobTemplate?.spec?.template?.spec;
  return o.spec?.template?.spec;
}

function backing(v: Obj | undefined): string {
  if (!v) return 'claim-template';
  for (const k of ['persistentVolumeClaim', 'configMap', 'secret', 'emptyDir', 'hostPath']) if (v[k]) return k;
  return 'other';
}

/** A probe as its check and timing: `http /ready:8080 every 10s, timeout 1s, 5 failures`. */
function probe(p: Obj | undefined): string {
  if (!p) return '-';
  const check = p.exec ? `exec ${JSON.stringify(p.exec.command)}` : p.httpGet ? `http ${p.httpGet.path ?? '/'}:${p.httpGet.port}` : p.tcpSocket ? `tcp ${p.tcpSocket.port}` : 'other';
  return `${check} every ${p.periodSeconds ?? 10}s, timeout ${p.timeoutSeconds ?? 1}s, ${p.failureThreshold ?? 3} failures`;
}

/** The Service that exposes a workload most: the public one, else the one of its name. */
function serviceOf(objects: Obj[], name: string): Obj | undefined {
  const services = objects.filter((o) => o.kind === 'Service');
  return services.find((o) => o.metadata?.name === `${name}-public`) ?? services.find((o) => o.metadata?.name === name);
}

/**
 * How a workload is reached from outside through Ingresses: each rule as `host/path->service:port`
 * (`*` for any host), the TLS entries as `secret:host`, and the class. The backend Service is the
 * workload's own or its `-public` one.
 */
function ingressFacts(objects: Obj[], name: string): { ingress: string; ingressTls: string; ingressClass: string } {
  const mine = (svc: unknown) => svc === name || svc === `${name}-public`;
  const ingresses = objects.filter((o) => o.kind === 'Ingress'
    && ((o.spec?.rules ?? []) as Obj[]).some((r) => ((r.http?.paths ?? []) as Obj[]).some((p) => mine(p.backend?.service?.name))));
  const rules = ingresses.flatMap((o) => ((o.spec.rules ?? []) as Obj[]).flatMap((r) => ((r.http?.paths ?? []) as Obj[])
    .filter((p) => mine(p.backend?.service?.name))
    .map((p) => `${r.host ?? '*'}${p.path ?? '/'}->${p.backend.service.port?.number ?? p.backend.service.port?.name}`)));
  // One TLS entry per host or one for several: the same certificate for the same hosts.
  const tls = ingresses.flatMap((o) => ((o.spec.tls ?? []) as Obj[]).flatMap((t) => ((t.hosts ?? ['*']) as string[]).map((h) => `${t.secretName ?? '-'}:${h}`)));
  return {
    ingress: rules.length ? [...new Set(rules)].sort().join(',') : '-',
    ingressTls: tls.length ? [...new Set(tls)].sort().join(',') : '-',
    ingressClass: [...new Set(ingresses.map((o) => String(o.spec.ingressClassName ?? '-')))].sort().join(',') || '-',
  };
}

/** Per workload name: the compared facts of its first container. */
function facts(objects: Obj[]): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  for (const o of objects) {
    if (!WORKLOADS.has(o.kind)) continue;
    const spec = podSpec(o);
    const c = spec?.containers?.[0] ?? {};
    const name = String(o.metadata?.name);
    const svc = serviceOf(objects, name);
    const volumes = new Map(((spec?.volumes ?? []) as Obj[]).map((v) => [v.name, v]));
    out.set(name, {
      ports: ((c.ports ?? []) as Obj[]).map((p) => `${p.containerPort}/${p.protocol ?? 'TCP'}`).sort().join(','),
      mounts: ((c.volumeMounts ?? []) as Obj[]).map((m) => `${m.mountPath}${m.subPath ? `[${m.subPath}]` : ''}:${backing(volumes.get(m.name))}`).sort().join(','),
      serviceType: svc ? String(svc.spec?.type ?? 'ClusterIP') : '-',
      servicePorts: svc ? ((svc.spec?.ports ?? []) as Obj[]).map((p) => `${p.port}->${p.targetPort ?? p.port}`).sort().join(',') : '-',
      ...ingressFacts(objects, name),
      resources: canonical(c.resources ?? {}),
      readiness: probe(c.readinessProbe),
      liveness: probe(c.livenessProbe),
      kind: o.kind,
      image: String(c.image ?? ''),
      replicas: o.kind === 'Deployment' || o.kind === 'StatefulSet' ? String(o.spec?.replicas ?? 1) : '-',
      env: ((c.env ?? []) as Obj[]).map((e) => e.name).sort().join(','),
      command: JSON.stringify(c.command ?? []),
      args: JSON.stringify(c.args ?? []),
    });
  }
  return out;
}

/** `fixture service field` keys listed in docs/kompose.md's parity exceptions. */
function exceptions(): Set<string> {
  const doc = fs.readFileSync(path.join(REPO_ROOT, 'docs', 'kompose.md'), 'utf8');
  const section = doc.split('## Parity exceptions')[1] ?? '';
  return new Set([...section.matchAll(/^\| `([^`]+)` \| `([^`]+)` \| `([^`]+)` \|/gm)].map((m) => `${m[1]} ${m[2]} ${m[3]}`));
}

describe('kompose parity', () => {
  const listed = exceptions();
  const seen = new Set<string>();
  it.each(PAIRS.map((p) => [p.expected, p] as const))('%s', (_name, pair) => {
    const files = pair.compose.map((f) => path.join(ROOT, f));
    const ours = convertOne({ files, cwd: path.dirname(files[0]), skipSchema: true });
    const fixture = pair.expected;
    const theirs = facts(docs(fs.readFileSync(path.join(ROOT, pair.expected), 'utf8')));
    const unlisted: string[] = [];
    const differ = (service: string, field: string, k: string, o: string, inFixture = fixture) => {
      const key = `${inFixture} ${service} ${field}`;
      seen.add(key);
      if (!listed.has(key)) unlisted.push(`| \`${inFixture}\` | \`${service}\` | \`${field}\` | kompose ${k}, ours ${o} |`);
    };
    if (ours.kind !== 'ok') {
      differ('*', 'conversion', 'converts', `${ours.kind}: ${ours.detail}`);
    } else {
      const mine = facts(docs(ours.yaml ?? ''));
      for (const [service, k] of theirs) {
        const o = mine.get(service);
        if (!o) {
          differ(service, 'workload', 'has one', 'none');
          continue;
        }
        for (const field of Object.keys(k)) {
          if (k[field] === o[field]) continue;
          // The default requests every container gets when Compose sets none: one row for all.
          if (field === 'resources' && withoutDefaultRequests(o[field], k[field]) === k[field]) differ('*', 'default-requests', k[field], o[field], '*');
          else differ(service, field, k[field], o[field]);
        }
      }
    }
    expect(unlisted).toEqual([]);
  });

  it('lists no exception that no longer happens', () => {
    expect([...listed].filter((k) => !seen.has(k))).toEqual([]);
  });
});
