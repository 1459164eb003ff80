/**
 * What claim sharing renders to: the co-location label and required podAffinity on every workload
 * kind that gets one, a StatefulSet's volumeClaimTemplates and their mounts, and no standalone
 * claim for them. Every manifest goes through the Kubernetes oracle.
 */
import type { ComposeProject, ComposeService, VolumeMount } from '../../lib/compose/model';
import { renderManifests } from '../../lib/output/common/manifests';
import { planProject } from '../../lib/plan/plan';
import { expectValidManifests, validateManifests } from '../oracles/k8s';
import { SETTINGS, project, service } from '../helpers/project';

type Obj = Record<string, any>;
const vol = (name: string, over: Record<string, unknown> = {}) => ({ name, external: false, driverOpts: {}, labels: {}, extensions: {}, ...over });
const mount = (source: string, target: string, readOnly = false): VolumeMount => ({ type: 'volume', source, target, readOnly });
const port = [{ target: 5432, protocol: 'tcp' as const }];

function render(services: ComposeService[], volumes: Record<string, ReturnType<typeof vol>>, over: Partial<ComposeProject> = {}): Obj[] {
  const objects = renderManifests(planProject(project(services, { volumes, ...over }), SETTINGS)).objects as Obj[];
  expectValidManifests(objects);
  return objects;
}

function find(objects: Obj[], kind: string, name: string): Obj {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`no ${kind}/${name} in ${objects.map((x) => `${x.kind}/${x.metadata.name}`).join(', ')}`);
  return o;
}

const template = (o: Obj): Obj => (o.kind === 'CronJob' ? o.spec.jobTemplate.spec.template : o.spec.template);

const affinity = (value: string): Obj => ({
  podAffinity: {
    requiredDuringSchedulingIgnoredDuringExecution: [{
      labelSelector: { matchLabels: { 'app.kubernetes.io/part-of': 'demo', 'compose-cdk8s.io/shared-claim': value } },
      topologyKey: 'kubernetes.io/hostname',
    }],
  },
});

/** The pod carries the group label and requires a node with a pod of the group. */
function expectColocated(o: Obj, value: string): void {
  const t = template(o);
  expect(t.metadata.labels['compose-cdk8s.io/shared-claim']).toBe(value);
  expect(t.spec.affinity).toEqual(affinity(value));
  // The label selector matches the pod's own labels (so the first pod of a group can start).
  for (const [k, v] of Object.entries(t.spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].labelSelector.matchLabels)) {
    expect(t.metadata.labels[k]).toBe(v);
  }
}

describe('co-location', () => {
  it('replicas: 2 with a named volume: label and podAffinity on the pods, Recreate, the claim mounted as before', () => {
    const objects = render([service('web', { image: 'nginx:1', deploy: { replicas: 2, labels: {} }, volumes: [mount('data', '/data')] })], { data: vol('data') });
    const d = find(objects, 'Deployment', 'web');
    expectColocated(d, 'data');
    expect(d.spec.replicas).toBe(2);
    expect(d.spec.strategy).toEqual({ type: 'Recreate' });
    expect(d.spec.template.spec.volumes).toEqual([{ name: 'data', persistentVolumeClaim: { claimName: 'data', readOnly: false } }]);
    // Selector and workload labels are untouched: only the pods carry the group label.
    expect(d.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/part-of': 'demo' });
    expect(d.metadata.labels['compose-cdk8s.io/shared-claim']).toBeUndefined();
    expect(find(objects, 'PersistentVolumeClaim', 'data').spec.accessModes).toEqual(['ReadWriteOnce']);
  });

  it('a single pod on its own claim gets no affinity', () => {
    const objects = render([service('db', { image: 'db:1', volumes: [mount('pgdata', '/d')] })], { pgdata: vol('pgdata') });
    const t = template(find(objects, 'Deployment', 'db'));
    expect(t.spec.affinity).toBeUndefined();
    expect(t.metadata.labels).toEqual({ 'app.kubernetes.io/name': 'db', 'app.kubernetes.io/part-of': 'demo' });
  });

  it('autoscaling: the Deployment leaves replicas to the HPA and keeps its pods on one node', () => {
    const objects = render([service('api', {
      image: 'api:1', volumes: [mount('uploads', '/uploads')], deploy: { labels: {}, reservations: { cpus: 0.25 } },
      extensions: { 'x-k8s': { autoscaling: { min: 1, max: 4 } } },
    })], { uploads: vol('uploads') });
    const d = find(objects, 'Deployment', 'api');
    expect(d.spec.replicas).toBeUndefined();
    expectColocated(d, 'uploads');
    expect(find(objects, 'HorizontalPodAutoscaler', 'api').spec.maxReplicas).toBe(4);
  });

  it('several services (Deployments, a Job, a CronJob) on one volume share one group', () => {
    const objects = render([
      service('app', { image: 'x:1', volumes: [mount('media', '/media')] }),
      service('migrate', { image: 'x:1', volumes: [mount('media', '/media')], raw: { restart: 'no' } }),
      service('thumbs', { image: 'x:1', volumes: [mount('media', '/media', true)], extensions: { 'x-k8s': { kind: 'CronJob', schedule: '0 3 * * *' } } }),
      service('other', { image: 'x:1', volumes: [mount('own', '/own')] }),
    ], { media: vol('media'), own: vol('own') });
    expectColocated(find(objects, 'Deployment', 'app'), 'media');
    expectColocated(find(objects, 'Job', 'migrate'), 'media');
    expectColocated(find(objects, 'CronJob', 'thumbs'), 'media');
    expect(template(find(objects, 'Deployment', 'other')).spec.affinity).toBeUndefined();
  });

  it('an external volume: co-located on the existing claim, no PersistentVolumeClaim made', () => {
    const objects = render([service('web', { image: 'x:1', deploy: { replicas: 2, labels: {} }, volumes: [mount('shared', '/s')] })], {
      shared: vol('team-shared', { external: true }),
    });
    expect(objects.filter((o) => o.kind === 'PersistentVolumeClaim')).toEqual([]);
    const d = find(objects, 'Deployment', 'web');
    expectColocated(d, 'team-shared');
    expect(d.spec.template.spec.volumes).toEqual([{ name: 'team-shared', persistentVolumeClaim: { claimName: 'team-shared', readOnly: false } }]);
  });

  it('a DaemonSet on a claim gets no affinity (it would pin every node\'s pod to one node)', () => {
    const objects = render([service('agent', { image: 'x:1', deploy: { mode: 'global', labels: {} }, volumes: [mount('logs', '/logs')] })], { logs: vol('logs') });
    expect(template(find(objects, 'DaemonSet', 'agent')).spec.affinity).toBeUndefined();
  });

  it('a long group label value is valid for the API server (the oracle checks label syntax)', () => {
    const a = 'a'.repeat(60);
    const b = 'b'.repeat(60);
    const objects = render([
      service('one', { image: 'x:1', volumes: [mount(a, '/a'), mount(b, '/b')] }),
      service('two', { image: 'x:1', volumes: [mount(a, '/a')] }),
      service('three', { image: 'x:1', volumes: [mount(b, '/b')] }),
    ], { [a]: vol(a), [b]: vol(b) });
    const value = template(find(objects, 'Deployment', 'one')).metadata.labels['compose-cdk8s.io/shared-claim'] as string;
    expect(value.length).toBeLessThanOrEqual(63);
    for (const n of ['one', 'two', 'three']) expectColocated(find(objects, 'Deployment', n), value);
    // The oracle does reject a label value that is too long.
    const broken = JSON.parse(JSON.stringify(find(objects, 'Deployment', 'one')));
    broken.spec.template.metadata.labels['compose-cdk8s.io/shared-claim'] = `${a}.${b}`;
    expect(validateManifests([broken]).join('\n')).toMatch(/spec\.template\.metadata\.labels: label value .* must be no more than 63 characters/);
  });
});

describe('StatefulSet volumeClaimTemplates', () => {
  const sts = (replicas: number, extra: Partial<ComposeService> = {}) => service('db', {
    image: 'postgres:16', ports: port, deploy: { replicas, labels: {} }, volumes: [mount('data', '/var/lib/postgresql/data')],
    extensions: { 'x-k8s': { kind: 'StatefulSet' } }, ...extra,
  });

  it('replicas: 3 with its own volume: a claim template shaped like the PVC it replaces, mounted; no PVC, no pod volume, no affinity', () => {
    const objects = render([sts(3)], { data: vol('pg_data', { extensions: { 'x-k8s': { size: '20Gi' } } }) });
    expect(objects.filter((o) => o.kind === 'PersistentVolumeClaim')).toEqual([]);
    const s = find(objects, 'StatefulSet', 'db');
    expect(s.spec.replicas).toBe(3);
    expect(s.spec.volumeClaimTemplates).toEqual([{
      metadata: { annotations: { 'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false' }, labels: { 'app.kubernetes.io/part-of': 'demo' }, name: 'data' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '20Gi' } }, storageClassName: 'do-block-storage', volumeMode: 'Filesystem' },
    }]);
    expect(s.spec.template.spec.volumes).toBeUndefined();
    expect(s.spec.template.spec.containers[0].volumeMounts).toEqual([{ mountPath: '/var/lib/postgresql/data', name: 'data', readOnly: false }]);
    expect(s.spec.template.spec.affinity).toBeUndefined();
    // The oracle accepts a mount naming a claim template, and only that: a renamed template fails.
    const broken = JSON.parse(JSON.stringify(s));
    broken.spec.volumeClaimTemplates[0].metadata.name = 'other';
    expect(validateManifests([broken])).toEqual(['StatefulSet/db: spec.template.spec.containers[0].volumeMounts[0].name: volume "data" not found in spec.template.spec.volumes']);
  });

  it('the template keeps the claim\'s annotations; its mounts join the container\'s other mounts', () => {
    const objects = render([sts(2, {
      volumes: [mount('pg_data', '/var/lib/postgresql/data'), { type: 'volume', target: '/cache', readOnly: false }, { ...mount('pg_data', '/snap', true), subpath: 'snap' }],
    })], { pg_data: vol('pg_data') });
    const s = find(objects, 'StatefulSet', 'db');
    expect(s.spec.volumeClaimTemplates.map((t: Obj) => [t.metadata.name, t.metadata.annotations])).toEqual([['pg-data', { 'compose-cdk8s.io/volume': 'pg_data', 'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false' }]]);
    expect(s.spec.template.spec.volumes).toEqual([{ emptyDir: {}, name: 'anon-0' }]);
    expect(s.spec.template.spec.containers[0].volumeMounts).toEqual([
      { mountPath: '/cache', name: 'anon-0', readOnly: false },
      { mountPath: '/var/lib/postgresql/data', name: 'pg-data', readOnly: false },
      { mountPath: '/snap', name: 'pg-data', readOnly: true, subPath: 'snap' },
    ]);
    // Every template is mounted (the API server's rule for volumeClaimTemplates names).
    const mounted = new Set(s.spec.template.spec.containers[0].volumeMounts.map((m: Obj) => m.name));
    expect(s.spec.volumeClaimTemplates.length).toBeGreaterThan(0);
    for (const t of s.spec.volumeClaimTemplates) expect(mounted.has(t.metadata.name)).toBe(true);
  });

  it('a volume shared with another service stays a PVC; StatefulSet and service pods share a node', () => {
    const objects = render([
      sts(3, { volumes: [mount('data', '/var/lib/postgresql/data'), mount('dumps', '/dumps')] }),
      service('backup', { image: 'x:1', volumes: [mount('dumps', '/in', true)] }),
    ], { data: vol('data'), dumps: vol('dumps') });
    expect(objects.filter((o) => o.kind === 'PersistentVolumeClaim').map((o) => o.metadata.name)).toEqual(['dumps']);
    const s = find(objects, 'StatefulSet', 'db');
    expect(s.spec.volumeClaimTemplates.map((t: Obj) => t.metadata.name)).toEqual(['data']);
    expect(s.spec.template.spec.volumes).toEqual([{ name: 'dumps', persistentVolumeClaim: { claimName: 'dumps', readOnly: false } }]);
    expectColocated(s, 'dumps');
    expectColocated(find(objects, 'Deployment', 'backup'), 'dumps');
  });
});

describe('a StatefulSet without ports', () => {
  test('gets a headless governing Service with no ports (cdk8s-plus would refuse one)', () => {
    const objects = render([service('worker', { image: 'busybox', command: ['sleep', 'infinity'], extensions: { 'x-k8s': { kind: 'StatefulSet' } } })], {});
    const svc = find(objects, 'Service', 'worker');
    expect(svc.spec.clusterIP).toBe('None');
    expect(svc.spec.ports).toBeUndefined();
    expect(find(objects, 'StatefulSet', 'worker').spec.serviceName).toBe('worker');
  });
});
