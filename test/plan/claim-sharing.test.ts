/**
 * Pods and ReadWriteOnce claims (lib/plan/claim-sharing.ts): co-location of pods sharing a claim
 * (replicas, autoscaling, several services, Jobs), a StatefulSet's own volumes as
 * volumeClaimTemplates, external volumes and DaemonSets; and what the conversion report says.
 */
import type { ComposeProject, ComposeService, VolumeMount } from '../../lib/compose/model';
import { buildReport } from '../../lib/output/render/report';
import { groupLabelValue, LABEL_SHARED_CLAIM, podsOf } from '../../lib/plan/claim-sharing';
import type { DeploymentPlan, WorkloadPlan } from '../../lib/plan/model';
import { planProject } from '../../lib/plan/plan';
import { SETTINGS, project, service } from '../helpers/project';

const vol = (name: string, over: Record<string, unknown> = {}) => ({ name, external: false, driverOpts: {}, labels: {}, extensions: {}, ...over });
const mount = (source: string, target: string, readOnly = false): VolumeMount => ({ type: 'volume', source, target, readOnly });
const port = [{ target: 5432, protocol: 'tcp' as const }];

function planOf(services: ComposeService[], volumes: Record<string, ReturnType<typeof vol>>, over: Partial<ComposeProject> = {}): { plan: DeploymentPlan; p: ComposeProject } {
  const p = project(services, { volumes, ...over });
  return { plan: planProject(p, SETTINGS), p };
}

function workload(plan: DeploymentPlan, name: string): WorkloadPlan {
  const w = plan.workloads.find((x) => x.composeName === name);
  if (!w) throw new Error(`no workload ${name}`);
  return w;
}

const messages = (plan: DeploymentPlan): string[] => plan.warnings.map((w) => w.message);
const decisionsAt = (plan: DeploymentPlan, path: string) => (plan.decisions ?? []).filter((d) => d.path === path).map((d) => [d.status, d.reason]);

describe('pods sharing a ReadWriteOnce claim are kept on one node', () => {
  it('replicas: 2 on a Deployment with a named volume: a group label and Recreate; the claim stays shared', () => {
    const { plan } = planOf([service('web', { image: 'nginx:1', deploy: { replicas: 2, labels: {} }, volumes: [mount('data', '/data')] })], { data: vol('data') });
    const web = workload(plan, 'web');
    expect(web.colocation).toEqual({
      labelKey: LABEL_SHARED_CLAIM, labelValue: 'data', selector: { 'app.kubernetes.io/part-of': 'demo' }, claims: ['data'], topologyKey: 'kubernetes.io/hostname',
    });
    expect(web.strategy).toBe('Recreate');
    expect(web.replicas).toBe(2); // nothing invented: replicas as Compose wrote them
    expect(plan.volumeClaims.map((c) => c.name)).toEqual(['data']);
    const message = 'pods of web (2 replicas) are kept on one node because they share the ReadWriteOnce volume data, which only one node can attach (required podAffinity on compose-cdk8s.io/shared-claim=data)';
    expect(messages(plan)).toEqual([message]);
    const w = plan.warnings[0];
    expect(w.path).toBe('volumes.data');
    expect(w.hint).toMatch(/x-k8s: \{ kind: StatefulSet \}/);
    expect(w.hint).toMatch(/ReadWriteMany storage class/);
    expect(decisionsAt(plan, 'services.web.volumes')).toEqual([['mapped', message]]);
    expect(decisionsAt(plan, 'volumes.data')).toEqual([['mapped', message]]);
  });

  it('one pod on its own claim (the usual database) changes nothing', () => {
    const { plan } = planOf([service('db', { image: 'db:1', volumes: [mount('pgdata', '/var/lib/postgresql/data')] })], { pgdata: vol('pgdata') });
    expect(workload(plan, 'db').colocation).toBeUndefined();
    expect(workload(plan, 'db').strategy).toBe('Recreate');
    expect(plan.decisions ?? []).toEqual([]);
    expect(plan.warnings).toEqual([]);
  });

  it('autoscaling with maxReplicas > 1 counts, even at one replica; maxReplicas 1 does not', () => {
    const scaled = (max: number) => service('api', {
      image: 'api:1', volumes: [mount('uploads', '/uploads')], deploy: { labels: {}, reservations: { cpus: 0.25 } },
      extensions: { 'x-k8s': { autoscaling: { min: 1, max } } },
    });
    const { plan } = planOf([scaled(4)], { uploads: vol('uploads') });
    const api = workload(plan, 'api');
    expect(api.autoscaling?.maxReplicas).toBe(4);
    expect(api.colocation?.labelValue).toBe('uploads');
    expect(messages(plan)).toContain('pods of api (up to 4 replicas, autoscaled) are kept on one node because they share the ReadWriteOnce volume uploads, which only one node can attach (required podAffinity on compose-cdk8s.io/shared-claim=uploads)');
    expect(workload(planOf([scaled(1)], { uploads: vol('uploads') }).plan, 'api').colocation).toBeUndefined();
  });

  it('two services on one volume share one group; a third service with its own volume is left alone', () => {
    const { plan } = planOf([
      service('db', { image: 'postgres:16', ports: port, volumes: [mount('db_data', '/var/lib/postgresql/data')] }),
      service('backup', { image: 'x:1', volumes: [mount('db_data', '/backup', true)] }),
      service('cache', { image: 'redis:7', volumes: [mount('cache', '/data')] }),
    ], { db_data: vol('db_data'), cache: vol('cache') });
    const db = workload(plan, 'db');
    const backup = workload(plan, 'backup');
    expect(db.colocation).toEqual(backup.colocation);
    expect(db.colocation?.labelValue).toBe('db-data'); // the claim name, a valid label value
    expect(workload(plan, 'cache').colocation).toBeUndefined();
    expect(messages(plan)).toContain('pods of backup and db are kept on one node because they share the ReadWriteOnce volume db_data, which only one node can attach (required podAffinity on compose-cdk8s.io/shared-claim=db-data)');
    expect(decisionsAt(plan, 'services.backup.volumes').map(([s]) => s)).toEqual(['mapped']);
    expect(decisionsAt(plan, 'services.cache.volumes')).toEqual([]);
  });

  it('groups are transitive: a-b share x, b-c share y → one label on all three (one affinity term each)', () => {
    const { plan } = planOf([
      service('a', { image: 'x:1', volumes: [mount('x', '/x')] }),
      service('b', { image: 'x:1', volumes: [mount('x', '/x'), mount('y', '/y')] }),
      service('c', { image: 'x:1', volumes: [mount('y', '/y')] }),
      service('d', { image: 'x:1', volumes: [mount('z', '/z')] }),
    ], { x: vol('x'), y: vol('y'), z: vol('z') });
    expect(['a', 'b', 'c', 'd'].map((n) => workload(plan, n).colocation?.labelValue)).toEqual(['x.y', 'x.y', 'x.y', undefined]);
    expect(workload(plan, 'a').colocation?.claims).toEqual(['x', 'y']);
    expect(messages(plan)).toEqual(['pods of a, b and c are kept on one node because they share the ReadWriteOnce volumes x, y, which only one node can attach (required podAffinity on compose-cdk8s.io/shared-claim=x.y)']);
  });

  it('a Job sharing a volume with a Deployment is co-located too; a lone Job is not', () => {
    const { plan } = planOf([
      service('app', { image: 'x:1', volumes: [mount('media', '/media')] }),
      service('migrate', { image: 'x:1', volumes: [mount('media', '/media')], raw: { restart: 'no' } }),
      service('report', { image: 'x:1', volumes: [mount('reports', '/r')], extensions: { 'x-k8s': { kind: 'CronJob', schedule: '0 3 * * *' } } }),
    ], { media: vol('media'), reports: vol('reports') });
    expect(workload(plan, 'migrate').kind).toBe('Job');
    expect(workload(plan, 'migrate').colocation?.labelValue).toBe('media');
    expect(workload(plan, 'app').colocation?.labelValue).toBe('media');
    expect(workload(plan, 'report').colocation).toBeUndefined();
    expect(messages(plan)).toContain('pods of app and migrate (Job) are kept on one node because they share the ReadWriteOnce volume media, which only one node can attach (required podAffinity on compose-cdk8s.io/shared-claim=media)');
  });

  it('a writable, empty project folder (a bind claim) shared by replicas is co-located as well', () => {
    const { plan } = planOf([service('web', {
      image: 'x:1', deploy: { replicas: 3, labels: {} },
      volumes: [{ type: 'bind', source: '/nonexistent-claim-sharing-test/data', sourceAsWritten: './data', target: '/data', readOnly: false }],
    })], {}, { projectDirectory: '/nonexistent-claim-sharing-test' });
    const web = workload(plan, 'web');
    expect(web.colocation?.claims).toEqual(['bind-data']);
    const w = plan.warnings.find((x) => x.message.startsWith('pods of web'));
    expect(w?.message).toBe('pods of web (3 replicas) are kept on one node because they share the ReadWriteOnce volume data (claim bind-data), which only one node can attach (required podAffinity on compose-cdk8s.io/shared-claim=bind-data)');
    expect(w?.path).toBe('services.web.volumes');
  });

  it('external volumes are taken as ReadWriteOnce: replicas are co-located on the existing claim, with a hint', () => {
    const { plan } = planOf([service('web', { image: 'x:1', deploy: { replicas: 2, labels: {} }, volumes: [mount('shared', '/s')] })], {
      shared: vol('team-shared', { external: true }),
    });
    const web = workload(plan, 'web');
    expect(plan.volumeClaims).toEqual([]);
    expect(web.volumes).toEqual([{ name: 'team-shared', claimName: 'team-shared', readOnly: false }]);
    expect(web.colocation?.labelValue).toBe('team-shared');
    const w = plan.warnings.find((x) => x.path === 'volumes.shared')!;
    expect(w.message).toBe('pods of web (2 replicas) are kept on one node because they share the ReadWriteOnce volume shared (external claim team-shared), which only one node can attach (required podAffinity on compose-cdk8s.io/shared-claim=team-shared)');
    expect(w.hint).toMatch(/external claim is taken as ReadWriteOnce/);
    // One replica on an external claim: nothing to keep together.
    const one = planOf([service('web', { image: 'x:1', volumes: [mount('shared', '/s')] })], { shared: vol('team-shared', { external: true }) }).plan;
    expect(workload(one, 'web').colocation).toBeUndefined();
  });

  it('a DaemonSet mounting a claim is warned about (lossy) and never joins a group', () => {
    const { plan } = planOf([
      service('agent', { image: 'x:1', deploy: { mode: 'global', labels: {} }, volumes: [mount('logs', '/logs')] }),
      service('shipper', { image: 'x:1', volumes: [mount('logs', '/logs', true)] }),
    ], { logs: vol('logs') });
    expect(workload(plan, 'agent').kind).toBe('DaemonSet');
    expect(workload(plan, 'agent').colocation).toBeUndefined();
    expect(workload(plan, 'shipper').colocation).toBeUndefined(); // one pod besides the DaemonSet
    const message = 'DaemonSet agent runs a pod on every node, but logs is a ReadWriteOnce claim that only one node can attach: the pods on the other nodes cannot start';
    expect(messages(plan)).toEqual([message]);
    expect(decisionsAt(plan, 'services.agent.volumes')).toEqual([['lossy', message]]);
  });

  it('label values stay valid and deterministic for long claim names (hash suffix)', () => {
    const long = ['a'.repeat(40), 'b'.repeat(40)];
    const v = groupLabelValue(long);
    expect(v.length).toBeLessThanOrEqual(63);
    expect(v).toMatch(/^[a-z0-9]([-a-z0-9_.]*[a-z0-9])?$/);
    expect(v).toMatch(/^a{40}\.b{13}-[0-9a-f]{8}$/);
    expect(groupLabelValue([...long].reverse())).toBe(v);
    expect(groupLabelValue(['a'.repeat(40), 'c'.repeat(40)])).not.toBe(v);
    expect(groupLabelValue(['x'.repeat(63)])).toBe('x'.repeat(63));
  });

  it('podsOf: replicas, autoscaling max, one pod for Jobs', () => {
    const { plan } = planOf([service('a', { image: 'x:1', deploy: { replicas: 0, labels: {} } })], {});
    const a = workload(plan, 'a');
    expect(podsOf(a)).toBe(1);
    expect(podsOf({ ...a, replicas: 3 })).toBe(3);
    expect(podsOf({ ...a, autoscaling: { name: 'a', minReplicas: 1, maxReplicas: 6, cpuPercent: 80 } })).toBe(6);
    expect(podsOf({ ...a, kind: 'Job', replicas: 5 })).toBe(1);
  });
});

describe('StatefulSets keep a claim per replica', () => {
  const sts = (replicas: number, extra: Partial<ComposeService> = {}) => service('db', {
    image: 'postgres:16', ports: port, deploy: { replicas, labels: {} }, volumes: [mount('data', '/var/lib/postgresql/data')],
    extensions: { 'x-k8s': { kind: 'StatefulSet' } }, raw: { volumes: ['data:/var/lib/postgresql/data'] }, ...extra,
  });

  it('replicas: 3 and a volume only it mounts → volumeClaimTemplates, no PersistentVolumeClaim, mapped with loss', () => {
    const { plan, p } = planOf([sts(3)], { data: vol('data', { extensions: { 'x-k8s': { size: '10Gi', storageClass: 'do-block-storage-retain' } } }) });
    const db = workload(plan, 'db');
    expect(db.kind).toBe('StatefulSet');
    expect(plan.volumeClaims).toEqual([]);
    expect(db.volumes).toEqual([]);
    expect(db.container.volumeMounts).toEqual([{ name: 'data', mountPath: '/var/lib/postgresql/data', readOnly: false }]);
    expect(db.volumeClaimTemplates).toEqual([{
      name: 'data', composeName: 'data', storageClassName: 'do-block-storage-retain', sizeGiB: 10, accessModes: ['ReadWriteOnce'],
      labels: { 'app.kubernetes.io/part-of': 'demo' }, annotations: { 'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false' }, keep: true,
    }]);
    expect(db.colocation).toBeUndefined();
    const message = 'volume data becomes one claim per replica (volumeClaimTemplates of StatefulSet db: data-db-<n>): each of the 3 replicas keeps its own data, where the Compose replicas shared one volume';
    expect(messages(plan)).toContain(message);
    expect(decisionsAt(plan, 'volumes.data')).toEqual([['lossy', message]]);

    const report = buildReport(p, plan);
    const volumesRow = report.resources.find((r) => r.path === 'volumes.data')!;
    expect([volumesRow.status, volumesRow.reasons]).toEqual(['lossy', [message]]);
    const serviceRow = report.services.find((s) => s.name === 'db')!.rows.find((r) => r.key === 'volumes')!;
    // The postgres data directory also moves below the volume root (data-dirs.ts).
    expect([serviceRow.status, serviceRow.reasons]).toEqual(['lossy', [message, expect.stringMatching(/^PGDATA=\/var\/lib\/postgresql\/data\/pgdata: /)]]);
    expect(report.notes.map((n) => n.message).join('\n')).not.toContain('claim per replica');
  });

  it('one replica: the per-replica claim is mapped without loss and without a warning', () => {
    const { plan, p } = planOf([sts(1)], { data: vol('data') });
    expect(workload(plan, 'db').volumeClaimTemplates?.map((t) => t.name)).toEqual(['data']);
    expect(plan.warnings.filter((w) => w.message.includes('claim'))).toEqual([]);
    const row = buildReport(p, plan).resources.find((r) => r.path === 'volumes.data')!;
    expect([row.status, row.reasons]).toEqual(['mapped', ['volume data becomes the StatefulSet\'s per-replica claim data-db-0 (volumeClaimTemplates, 1Gi, do-block-storage)']]);
  });

  it('a volume the StatefulSet shares with another service stays one claim, and their pods share a node', () => {
    const { plan } = planOf([
      sts(3, { volumes: [mount('data', '/var/lib/postgresql/data'), mount('dumps', '/dumps')] }),
      service('backup', { image: 'x:1', volumes: [mount('dumps', '/in', true)] }),
    ], { data: vol('data'), dumps: vol('dumps') });
    const db = workload(plan, 'db');
    expect(plan.volumeClaims.map((c) => c.name)).toEqual(['dumps']);
    expect(db.volumeClaimTemplates?.map((t) => t.name)).toEqual(['data']);
    expect(db.volumes).toEqual([{ name: 'dumps', claimName: 'dumps', readOnly: false }]);
    expect(db.colocation?.labelValue).toBe('dumps');
    expect(workload(plan, 'backup').colocation).toEqual(db.colocation);
    expect(messages(plan)).toContain('pods of backup and db (StatefulSet, 3 replicas) are kept on one node because they share the ReadWriteOnce volume dumps, which only one node can attach (required podAffinity on compose-cdk8s.io/shared-claim=dumps)');
  });

  it('an external volume of a StatefulSet cannot be templated: replicas share it on one node', () => {
    const { plan } = planOf([sts(2)], { data: vol('pg', { external: true }) });
    const db = workload(plan, 'db');
    expect(db.volumeClaimTemplates).toBeUndefined();
    expect(db.volumes).toEqual([{ name: 'pg', claimName: 'pg', readOnly: false }]);
    expect(db.colocation?.labelValue).toBe('pg');
  });
});
