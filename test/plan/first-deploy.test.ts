/**
 * Issue 13 (first deploy on DOKS): the rules that make synthesized manifests run on a fresh
 * cluster, one describe block per rule, over Compose text through the real loader.
 */
import { renderHelmChart } from '../../lib/output/render/helm';
import { renderManifests } from '../../lib/output/common/manifests';
import { DATA_DIR_RULES, dataDirRuleOf, imageName } from '../../lib/plan/data-dirs';
import type { DeploymentPlan, WorkloadPlan } from '../../lib/plan/model';
import { planProject } from '../../lib/plan/plan';
import { loadText } from '../helpers/compose-text';
import { SETTINGS } from '../helpers/project';
import { validateManifests } from '../oracles/k8s';

function planOf(compose: string): DeploymentPlan {
  return planProject(loadText({ 'compose.yaml': compose }), SETTINGS);
}
const workload = (p: DeploymentPlan, name: string): WorkloadPlan => p.workloads.find((w) => w.composeName === name)!;
const envOf = (w: WorkloadPlan, name: string): unknown => w.container.env.find((e) => e.name === name);

describe('data directories start one folder below the volume root', () => {
  it('the table: every row names images, a data directory, a remedy and a reason', () => {
    for (const r of DATA_DIR_RULES) {
      expect(r.images.length).toBeGreaterThan(0);
      expect(r.dataDir).toMatch(/^\//);
      expect(r.reason.length).toBeGreaterThan(20);
    }
    expect(imageName('docker.io/library/postgres:16-alpine@sha256:abc')).toBe('postgres');
    expect(imageName('registry.example.com:5000/team/mysql:8')).toBe('team/mysql');
    expect(imageName('postgis/postgis:16-3.4')).toBe('postgis/postgis');
    expect(dataDirRuleOf('mariadb:11')?.dataDir).toBe('/var/lib/mysql');
    expect(dataDirRuleOf('mongo:7')).toBeUndefined();
  });

  it('postgres on a claim at /var/lib/postgresql/data gets PGDATA in a sub-folder', () => {
    const p = planOf(`services:
  db:
    image: postgres:16-alpine
    volumes: [pgdata:/var/lib/postgresql/data]
volumes:
  pgdata:
`);
    const db = workload(p, 'db');
    expect(envOf(db, 'PGDATA')).toEqual({ name: 'PGDATA', value: '/var/lib/postgresql/data/pgdata' });
    expect(db.container.volumeMounts[0].subPath).toBeUndefined();
    expect(p.decisions).toContainEqual(expect.objectContaining({ path: 'services.db.volumes', reason: expect.stringMatching(/PGDATA.*initdb/) }));
  });

  it('a user\'s own PGDATA is kept; one at the volume root gets a subPath instead', () => {
    const own = planOf(`services:
  db:
    image: postgres:16
    environment: { PGDATA: /var/lib/postgresql/data/mine }
    volumes: [pgdata:/var/lib/postgresql/data]
volumes: { pgdata: {} }
`);
    expect(envOf(workload(own, 'db'), 'PGDATA')).toEqual({ name: 'PGDATA', value: '/var/lib/postgresql/data/mine' });
    expect(workload(own, 'db').container.volumeMounts[0].subPath).toBeUndefined();
    const root = planOf(`services:
  db:
    image: postgres:16
    environment: { PGDATA: /var/lib/postgresql/data/ }
    volumes: [pgdata:/var/lib/postgresql/data]
volumes: { pgdata: {} }
`);
    expect(envOf(workload(root, 'db'), 'PGDATA')).toEqual({ name: 'PGDATA', value: '/var/lib/postgresql/data/' });
    expect(workload(root, 'db').container.volumeMounts[0].subPath).toBe('pgdata');
  });

  it('bitnami/postgresql: POSTGRESQL_DATA_DIR in a sub-folder', () => {
    const p = planOf(`services:
  db:
    image: bitnami/postgresql:16
    volumes: [pgdata:/bitnami/postgresql/data]
volumes: { pgdata: {} }
`);
    expect(envOf(workload(p, 'db'), 'POSTGRESQL_DATA_DIR')).toEqual({ name: 'POSTGRESQL_DATA_DIR', value: '/bitnami/postgresql/data/pgdata' });
  });

  it.each(['mysql:8', 'mariadb:11', 'percona:8.0', 'docker.io/library/mysql:5.7', 'percona/percona-xtradb-cluster:8.0'])('%s mounts /var/lib/mysql through subPath', (image) => {
    const p = planOf(`services:
  db:
    image: ${image}
    volumes: [dbdata:/var/lib/mysql]
volumes: { dbdata: {} }
`);
    const db = workload(p, 'db');
    expect(db.container.volumeMounts).toEqual([expect.objectContaining({ mountPath: '/var/lib/mysql', subPath: 'mysql' })]);
    expect(envOf(db, 'PGDATA')).toBeUndefined();
    expect(validateManifests(renderManifests(p).objects)).toEqual([]);
  });

  it('also in a StatefulSet\'s per-replica claim, and rendered in dist/', () => {
    const p = planOf(`services:
  db:
    image: mysql:8
    volumes: [dbdata:/var/lib/mysql]
    x-k8s: { kind: StatefulSet }
volumes: { dbdata: {} }
`);
    const sts = renderManifests(p).objects.find((o) => o.kind === 'StatefulSet') as any;
    expect(sts.spec.volumeClaimTemplates).toHaveLength(1);
    expect(sts.spec.template.spec.containers[0].volumeMounts).toEqual([expect.objectContaining({ mountPath: '/var/lib/mysql', subPath: 'mysql' })]);
  });

  it('leaves alone: other images, other paths, emptyDirs, mounts with a subpath already', () => {
    const p = planOf(`services:
  cache:
    image: redis:7
    volumes: [data:/data]
  db:
    image: postgres:16
    volumes: [/var/lib/postgresql/data]
  db2:
    image: mysql:8
    volumes: [logs:/var/log/mysql]
  db3:
    image: mysql:8
    volumes:
      - type: volume
        source: shared
        target: /var/lib/mysql
        volume: { subpath: own }
volumes: { data: {}, logs: {}, shared: {} }
`);
    expect(envOf(workload(p, 'db'), 'PGDATA')).toBeUndefined();
    for (const name of ['cache', 'db', 'db2']) expect(workload(p, name).container.volumeMounts.every((m) => !m.subPath)).toBe(true);
    expect(workload(p, 'db3').container.volumeMounts[0].subPath).toBe('own');
  });
});

describe('claims survive Argo CD prune, app deletion and helm uninstall', () => {
  const compose = (keep?: boolean) => `services:
  db:
    image: redis:7
    volumes: [data:/data, other:/other]
  web:
    image: nginx:1
    volumes: [cache:/cache]
    x-k8s: { kind: StatefulSet }
volumes:
  data:${keep === undefined ? ' {}' : `\n    x-k8s: { keep: ${keep} }`}
  other: {}
  cache: {}
`;
  const objects = (p: DeploymentPlan) => renderManifests(p).objects as any[];

  it('every claim in dist/ carries Prune=false,Delete=false; per-replica claims too, with Retain written out', () => {
    const p = planOf(compose());
    const claims = objects(p).filter((o) => o.kind === 'PersistentVolumeClaim');
    expect(claims.map((c) => c.metadata.name)).toEqual(['data', 'other']);
    for (const c of claims) expect(c.metadata.annotations['argocd.argoproj.io/sync-options']).toBe('Prune=false,Delete=false');
    const sts = objects(p).find((o) => o.kind === 'StatefulSet');
    expect(sts.spec.volumeClaimTemplates[0].metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false' });
    expect(sts.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
    expect(validateManifests(objects(p))).toEqual([]);
  });

  it('x-k8s.keep: false on a volume opts out (and a StatefulSet deletes per-replica claims that all opted out)', () => {
    const p = planOf(compose(false));
    const data = objects(p).find((o) => o.kind === 'PersistentVolumeClaim' && o.metadata.name === 'data');
    expect(data.metadata.annotations).toBeUndefined();
    expect(p.volumeClaims.find((c) => c.name === 'data')!.keep).toBe(false);
    const sts = planOf(`services:
  web:
    image: nginx:1
    volumes: [cache:/cache]
    x-k8s: { kind: StatefulSet }
volumes:
  cache:
    x-k8s: { keep: false }
`);
    expect(objects(sts).find((o) => o.kind === 'StatefulSet').spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Delete', whenScaled: 'Retain' });
  });

  it('the chart\'s claims carry helm.sh/resource-policy: keep, unless the volume opts out', () => {
    const kept = renderHelmChart(planOf(compose()));
    const pvc = (chart: ReturnType<typeof renderHelmChart>, name: string) => Object.entries(chart.files).find(([f, text]) => /templates\//.test(f) && text.includes('kind: PersistentVolumeClaim') && text.includes(`(list $ "${name}")`))![1];
    // The template merges its annotations into one map (a key once): "key" "value" pairs of a dict.
    expect(pvc(kept, 'data')).toMatch(/"helm\.sh\/resource-policy" "keep"/);
    expect(pvc(kept, 'data')).toMatch(/"argocd\.argoproj\.io\/sync-options" "Prune=false,Delete=false"/);
    expect(pvc(renderHelmChart(planOf(compose(false))), 'data')).not.toMatch(/resource-policy/);
  });
});

describe('probes with Compose\'s meaning', () => {
  const hc = `    healthcheck:
      test: ["CMD", "wget", "-q", "-O", "-", "http://localhost:3000/"]
      interval: 15s
      timeout: 3s
      retries: 3
      start_period: 10s
`;
  const exec = ['wget', '-q', '-O', '-', 'http://localhost:3000/'];

  it('a healthcheck becomes readiness + startup (budget start_period + retries × interval = 55 s), never liveness', () => {
    const c = workload(planOf(`services:\n  web:\n    image: nginx:1\n${hc}`), 'web').container;
    expect(c.readinessProbe).toEqual({ exec, periodSeconds: 15, timeoutSeconds: 3, failureThreshold: 3 });
    expect(c.startupProbe).toEqual({ exec, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 11 });
    expect(c.startupProbe!.periodSeconds! * c.startupProbe!.failureThreshold!).toBe(10 + 3 * 15);
    expect(c.livenessProbe).toBeUndefined();
  });

  it('start_interval sets the startup period (never above interval)', () => {
    const c = workload(planOf(`services:\n  web:\n    image: nginx:1\n${hc}      start_interval: 11s\n`), 'web').container;
    expect(c.startupProbe).toEqual({ exec, periodSeconds: 11, timeoutSeconds: 3, failureThreshold: 5 });
    const fast = workload(planOf(`services:\n  web:\n    image: nginx:1\n    healthcheck: { test: [CMD, "true"], interval: 2s }\n`), 'web').container;
    expect(fast.startupProbe).toEqual({ exec: ['true'], periodSeconds: 2, timeoutSeconds: 30, failureThreshold: 3 });
  });

  it('liveness is opt-in: x-k8s.probes.liveness true (the healthcheck\'s probe) or an object (overrides)', () => {
    const on = workload(planOf(`services:\n  web:\n    image: nginx:1\n${hc}    x-k8s: { probes: { liveness: true } }\n`), 'web').container;
    expect(on.livenessProbe).toEqual(on.readinessProbe);
    const tuned = workload(planOf(`services:\n  web:\n    image: nginx:1\n${hc}    x-k8s: { probes: { liveness: { failureThreshold: 10, periodSeconds: 30 } } }\n`), 'web').container;
    expect(tuned.livenessProbe).toEqual({ exec, periodSeconds: 30, timeoutSeconds: 3, failureThreshold: 10 });
    const tcp = workload(planOf(`services:\n  web:\n    image: nginx:1\n    x-k8s: { probes: { liveness: { tcpPort: 80 } } }\n`), 'web').container;
    expect(tcp.livenessProbe).toEqual({ tcpPort: 80 });
    const all = planOf(`x-k8s: { defaults: { probes: { liveness: true } } }\nservices:\n  web:\n    image: nginx:1\n${hc}  off:\n    image: nginx:1\n${hc}    x-k8s: { probes: { liveness: false } }\n`);
    expect(workload(all, 'web').container.livenessProbe).toBeDefined();
    expect(workload(all, 'off').container.livenessProbe).toBeUndefined();
  });

  it('a wrong liveness setting is an error at its line', () => {
    expect(() => planOf(`services:\n  web:\n    image: nginx:1\n    x-k8s: { probes: { liveness: "yes" } }\n`)).toThrow(/compose\.yaml:4:\d+ +services\.web\.x-k8s\.probes\.liveness/);
  });
});

describe('resources: no BestEffort pod, no unreported request', () => {
  const p = planOf(`services:
  bare:
    image: nginx:1
  limited:
    image: nginx:1
    deploy: { resources: { limits: { cpus: "0.5", memory: 256M } } }
  tiny:
    image: nginx:1
    deploy: { resources: { limits: { cpus: "0.02", memory: 32M } } }
  reserved:
    image: nginx:1
    depends_on: { bare2: { condition: service_healthy } }
    deploy: { resources: { limits: { cpus: "1" }, reservations: { cpus: "0.25", memory: 128M } } }
  bare2:
    image: nginx:1
    expose: ["80"]
    healthcheck: { test: [CMD, "true"] }
`);
  it('reservations become requests; what Compose does not reserve gets cpu 50m / memory 64Mi, never above the limit', () => {
    expect(workload(p, 'bare').container.resources).toEqual({ requests: { cpuMillis: 50, memoryMiB: 64 } });
    expect(workload(p, 'limited').container.resources).toEqual({ limits: { cpuMillis: 500, memoryMiB: 256 }, requests: { cpuMillis: 50, memoryMiB: 64 } });
    expect(workload(p, 'tiny').container.resources).toEqual({ limits: { cpuMillis: 20, memoryMiB: 32 }, requests: { cpuMillis: 20, memoryMiB: 32 } });
    expect(workload(p, 'reserved').container.resources).toEqual({ limits: { cpuMillis: 1000 }, requests: { cpuMillis: 250, memoryMiB: 128 } });
  });

  it('every defaulted request is reported in one warning with how to choose', () => {
    expect(p.warnings.filter((d) => /decided default/.test(d.message))).toEqual([]);
    const w = (p.notices ?? []).filter((d) => /decided default/.test(d.message));
    expect(w).toHaveLength(1);
    expect(w[0].message).toMatch(/bare, bare2, limited \(cpu 50m, memory 64Mi\); tiny \(cpu 20m, memory 32Mi\)/);
    expect(w[0].message).not.toMatch(/reserved \(/);
    expect(w[0].hint).toMatch(/deploy\.resources\.reservations/);
  });

  it('wait-* init containers carry small requests and limits, rendered in dist/', () => {
    expect(workload(p, 'reserved').initContainers![0].resources).toEqual({ requests: { cpuMillis: 10, memoryMiB: 16 }, limits: { cpuMillis: 100, memoryMiB: 32 } });
    const d = renderManifests(p).objects.find((o: any) => o.kind === 'Deployment' && o.metadata.name === 'reserved') as any;
    expect(d.spec.template.spec.initContainers[0].resources).toEqual({ limits: { cpu: '100m', memory: '32Mi' }, requests: { cpu: '10m', memory: '16Mi' } });
    expect(validateManifests(renderManifests(p).objects)).toEqual([]);
  });
});

describe('StatefulSets get a headless governing Service', () => {
  const objects = (compose: string) => renderManifests(planOf(compose)).objects as any[];
  it('<name>-headless governs; the ClusterIP Service named after the Compose service stays for clients', () => {
    const out = objects(`services:
  db:
    image: postgres:16
    expose: ["5432"]
    x-k8s: { kind: StatefulSet }
`);
    const sts = out.find((o) => o.kind === 'StatefulSet');
    expect(sts.spec.serviceName).toBe('db-headless');
    const services = Object.fromEntries(out.filter((o) => o.kind === 'Service').map((s) => [s.metadata.name, s.spec]));
    expect(Object.keys(services).sort()).toEqual(['db', 'db-headless']);
    expect(services['db-headless']).toEqual({ clusterIP: 'None', type: 'ClusterIP', selector: services.db.selector, ports: services.db.ports });
    expect(services.db.clusterIP).toBeUndefined();
    expect(validateManifests(out)).toEqual([]);
  });

  it('a <name>-headless another service already uses is an error naming both, at the line', () => {
    expect(() => planOf(`services:
  db:
    image: postgres:16
    expose: ["5432"]
    x-k8s: { kind: StatefulSet }
  db-headless:
    image: nginx:1
    expose: ["80"]
`)).toThrow(/compose\.yaml:2:3 +services\.db: StatefulSet db needs the headless Service "db-headless", which service db-headless already uses/);
  });

  it('a service already headless, or without ports, governs itself', () => {
    const headless = objects(`services:
  db:
    image: postgres:16
    expose: ["5432"]
    x-k8s: { kind: StatefulSet, serviceType: Headless }
`);
    expect(headless.find((o) => o.kind === 'StatefulSet').spec.serviceName).toBe('db');
    expect(headless.filter((o) => o.kind === 'Service').map((s) => [s.metadata.name, s.spec.clusterIP])).toEqual([['db', 'None']]);
    const portless = objects(`services:
  job:
    image: busybox:1
    x-k8s: { kind: StatefulSet }
`);
    expect(portless.find((o) => o.kind === 'StatefulSet').spec.serviceName).toBe('job');
    expect(portless.filter((o) => o.kind === 'Service').map((s) => [s.metadata.name, s.spec.clusterIP])).toEqual([['job', 'None']]);
  });
});

describe('pod security: no pod below baseline unless Compose asks', () => {
  const settings = { ...SETTINGS, namespace: 'shop' };
  const planIn = (compose: string) => planProject(loadText({ 'compose.yaml': compose }), settings);
  const objectsOf = (p: DeploymentPlan) => renderManifests(p).objects as any[];
  const podOf = (objects: any[], name: string) => objects.find((o) => o.metadata?.name === name && o.spec?.template).spec.template.spec;

  it('every pod runs RuntimeDefault seccomp; the Namespace enforces baseline', () => {
    const p = planIn(`services:
  web:
    image: nginx:1
  job:
    image: busybox:1
    restart: "no"
`);
    const out = objectsOf(p);
    for (const name of ['web', 'job']) expect(podOf(out, name).securityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' });
    expect(out.find((o) => o.kind === 'Namespace').metadata.labels).toEqual({ 'pod-security.kubernetes.io/enforce': 'baseline' });
    expect(p.podSecurityLevel).toBe('baseline');
    expect(p.warnings).toEqual([]);
    expect(podOf(out, 'web').containers[0].securityContext.allowPrivilegeEscalation).toBe(true); // Docker's default
  });

  it('security_opt: no-new-privileges → allowPrivilegeEscalation: false; others reported', () => {
    const p = planIn(`services:
  web:
    image: nginx:1
    security_opt: ["no-new-privileges:true", "apparmor:unconfined"]
  api:
    image: nginx:1
    security_opt: [no-new-privileges]
`);
    const out = objectsOf(p);
    expect(podOf(out, 'web').containers[0].securityContext.allowPrivilegeEscalation).toBe(false);
    expect(podOf(out, 'api').containers[0].securityContext.allowPrivilegeEscalation).toBe(false);
    expect(p.warnings.map((w) => [w.path, w.message])).toEqual([['services.web.security_opt', 'security_opt "apparmor:unconfined" is not converted: Kubernetes has no portable equivalent']]);
  });

  it('wait-* helpers meet "restricted": non-root uid, no escalation, no capability, RuntimeDefault', () => {
    const p = planIn(`services:
  db:
    image: postgres:16
    healthcheck: { test: [CMD, pg_isready] }
  api:
    image: nginx:1
    depends_on: { db: { condition: service_healthy } }
`);
    const init = podOf(objectsOf(p), 'api').initContainers[0];
    expect(init.securityContext).toEqual({
      allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsGroup: 65534, runAsNonRoot: true, runAsUser: 65534, seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(init.resources.requests).toEqual({ cpu: '10m', memory: '16Mi' });
    expect(validateManifests(objectsOf(p))).toEqual([]);
  });

  it.each([
    ['privileged', 'privileged: true\n    x-k8s: { allowPrivileged: true }', 'services.web.privileged'],
    ['hostNetwork', 'network_mode: host\n    x-k8s: { allowHostNetwork: true }', 'services.web.network_mode'],
    ['a capability outside baseline', 'cap_add: [NET_ADMIN, CHOWN]', 'services.web.cap_add'],
    ['seccomp unconfined', 'security_opt: ["seccomp:unconfined"]', 'services.web.security_opt'],
    ['a host path', 'volumes: ["/var/run/docker.sock:/var/run/docker.sock"]\n    x-k8s: { allowHostPath: true }', 'services.web.volumes'],
  ])('%s (asked for) keeps working: the Namespace enforces privileged, with a warning', (_what, setting, path) => {
    const p = planIn(`services:\n  web:\n    image: nginx:1\n    ${setting}\n  other:\n    image: nginx:1\n`);
    expect(p.podSecurityLevel).toBe('privileged');
    const out = objectsOf(p);
    expect(out.find((o) => o.kind === 'Namespace').metadata.labels).toEqual({ 'pod-security.kubernetes.io/enforce': 'privileged' });
    const w = p.warnings.filter((d) => /below the Pod Security "baseline" level/.test(d.message));
    expect(w.map((d) => d.path)).toEqual([path]);
    expect(w[0].hint).toMatch(/pod-security\.kubernetes\.io\/enforce=privileged/);
    expect(validateManifests(out)).toEqual([]);
  });

  it('seccomp:unconfined is the container\'s own profile; the pod keeps RuntimeDefault', () => {
    const pod = podOf(objectsOf(planIn(`services:\n  web:\n    image: nginx:1\n    security_opt: ["seccomp=unconfined"]\n`)), 'web');
    expect(pod.securityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' });
    expect(pod.containers[0].securityContext.seccompProfile).toEqual({ type: 'Unconfined' });
  });

  it('baseline capabilities (cap_add CHOWN) stay baseline', () => {
    expect(planIn(`services:\n  web:\n    image: nginx:1\n    cap_add: [CHOWN, NET_BIND_SERVICE]\n`).podSecurityLevel).toBe('baseline');
  });
});
