/**
 * The cdk8s-plus defaults we override on purpose, and the shape of what a workload renders to.
 */
import { planProject } from '../../lib/plan/plan';
import { renderManifests } from '../../lib/output/common/manifests';
import { SETTINGS, SHA, project, service } from '../helpers/project';

type Obj = Record<string, any>;

function render(services: ReturnType<typeof service>[], over = {}, settings = SETTINGS): Obj[] {
  return renderManifests(planProject(project(services, over), settings)).objects as Obj[];
}
const find = (objs: Obj[], kind: string, name: string): Obj => {
  const o = objs.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`no ${kind}/${name} in ${objs.map((x) => `${x.kind}/${x.metadata.name}`).join(', ')}`);
  return o;
};

describe('ServiceWorkload', () => {
  const objs = render([
    service('api', { build: { context: '/x', dockerfile: 'Dockerfile', args: {} }, ports: [{ target: 8000, protocol: 'tcp', published: '8000' }] }),
    service('redis', { image: 'redis:7-alpine' }),
  ]);
  const api = find(objs, 'Deployment', 'api');
  const pod = api.spec.template.spec;
  const container = pod.containers[0];

  it('selects pods by readable labels only (no cdk8s address hash)', () => {
    expect(api.spec.selector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'api', 'app.kubernetes.io/part-of': 'demo' } });
    expect(api.spec.template.metadata.labels).toEqual({ 'app.kubernetes.io/name': 'api', 'app.kubernetes.io/part-of': 'demo' });
    expect(JSON.stringify(objs)).not.toContain('cdk8s.io/metadata.addr');
  });

  it('invents no resource limits (only the small decided requests) and no non-root / read-only settings', () => {
    expect(container.resources).toEqual({ requests: { cpu: '50m', memory: '64Mi' } });
    expect(container.securityContext).toEqual({ allowPrivilegeEscalation: true, privileged: false, readOnlyRootFilesystem: false, runAsNonRoot: false });
    expect(pod.securityContext.runAsNonRoot).toBe(false);
    expect(pod.automountServiceAccountToken).toBe(false);
  });

  it('runs the DOCR image with the pull secret', () => {
    expect(container.image).toBe(`registry.digitalocean.com/the-shop/api:${SHA}`);
    expect(container.imagePullPolicy).toBe('IfNotPresent');
    expect(pod.imagePullSecrets).toEqual([{ name: 'registry-the-shop' }]);
    expect(find(objs, 'Deployment', 'redis').spec.template.spec.imagePullSecrets).toBeUndefined();
  });

  it('puts a ClusterIP Service in front, selecting the same labels, never a hostPort', () => {
    const svc = find(objs, 'Service', 'api');
    expect(svc.spec).toEqual({
      type: 'ClusterIP',
      selector: { 'app.kubernetes.io/name': 'api', 'app.kubernetes.io/part-of': 'demo' },
      ports: [{ name: 'tcp-8000', port: 8000, targetPort: 8000, protocol: 'TCP' }],
    });
    expect(JSON.stringify(objs)).not.toContain('hostPort');
    // redis declares no ports: its Service listens on the port the redis image serves.
    expect(objs.filter((o) => o.kind === 'Service').map((o) => o.metadata.name)).toEqual(['api', 'redis']);
  });

  it('renders resources, probes, env, envFrom and volumes from the plan', () => {
    const out = render([service('db', {
      image: 'postgres:16-alpine',
      deploy: { labels: {}, limits: { cpus: 0.5, memory: 256 * 1024 * 1024 }, reservations: { memory: 128 * 1024 * 1024 } },
      healthcheck: { test: ['CMD-SHELL', 'pg_isready'], interval: 10, disable: false },
      envFiles: [{ path: '/project/demo/db.env', required: true, present: true, entries: { POSTGRES_DB: 'shop', POSTGRES_PASSWORD: 'x' } }],
      environment: { POSTGRES_DB: 'shop', POSTGRES_PASSWORD: 'x', TZ: 'UTC' },
      literalEnvironment: { TZ: 'UTC' },
      volumes: [{ type: 'volume', source: 'data', target: '/var/lib/postgresql/data', readOnly: false }],
      stopGracePeriod: 20,
    })], { volumes: { data: { name: 'data', external: false, driverOpts: {}, labels: {}, extensions: {} } } });
    const d = find(out, 'Deployment', 'db');
    const c = d.spec.template.spec.containers[0];
    expect(c.resources).toEqual({ limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: '50m', memory: '128Mi' } });
    expect(c.readinessProbe).toEqual({ exec: { command: ['/bin/sh', '-c', 'pg_isready'] }, periodSeconds: 10, timeoutSeconds: 30, failureThreshold: 3 });
    expect(c.livenessProbe).toBeUndefined();
    expect(c.startupProbe).toEqual({ exec: { command: ['/bin/sh', '-c', 'pg_isready'] }, periodSeconds: 5, timeoutSeconds: 30, failureThreshold: 6 });
    expect(c.env).toEqual([
      { name: 'PGDATA', value: '/var/lib/postgresql/data/pgdata' }, // data-dirs.ts: below the volume root
      { name: 'POSTGRES_PASSWORD', valueFrom: { secretKeyRef: { name: 'demo-db', key: 'POSTGRES_PASSWORD' } } },
      { name: 'TZ', value: 'UTC' },
    ]);
    expect(c.envFrom).toEqual([{ configMapRef: { name: 'db-env' } }]);
    expect(find(out, 'ConfigMap', 'db-env').data).toEqual({ POSTGRES_DB: 'shop' });
    expect(c.volumeMounts).toEqual([{ name: 'data', mountPath: '/var/lib/postgresql/data', readOnly: false }]);
    expect(d.spec.template.spec.volumes).toEqual([{ name: 'data', persistentVolumeClaim: { claimName: 'data', readOnly: false } }]);
    expect(d.spec.strategy).toEqual({ type: 'Recreate' });
    expect(d.spec.template.spec.terminationGracePeriodSeconds).toBe(20);
    expect(find(out, 'PersistentVolumeClaim', 'data').spec).toEqual({
      accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, storageClassName: 'do-block-storage', volumeMode: 'Filesystem',
    });
    expect(JSON.stringify(out)).not.toContain('"x"');
    expect(out.some((o) => o.kind === 'Secret')).toBe(false);
  });

  it('stamps the namespace on every object and emits the Namespace first', () => {
    const out = render([service('a', { image: 'x:1', ports: [{ target: 80, protocol: 'tcp' }] })], {}, { ...SETTINGS, namespace: 'shop' });
    expect(out[0]).toEqual({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { 'pod-security.kubernetes.io/enforce': 'baseline' } }, spec: {} });
    for (const o of out.slice(1)) expect(o.metadata.namespace).toBe('shop');
  });
});
