/**
 * depends_on → Argo CD sync waves, wait init containers, Jobs for service_completed_successfully.
 */
import type { DependsOn } from '../../lib/compose/model';
import { planProject } from '../../lib/plan/plan';
import { SETTINGS, project, service } from '../helpers/project';

const dep = (condition: DependsOn['condition'], required = true): DependsOn => ({ condition, required, restart: false });
const tcp = (port: number) => [{ target: port, protocol: 'tcp' as const }];

describe('sync waves', () => {
  const p = planProject(project([
    service('db', { image: 'postgres:16', ports: tcp(5432), healthcheck: { test: ['CMD', 'pg_isready'], disable: false } }),
    service('migrate', { image: 'api:1', dependsOn: { db: dep('service_healthy') } }),
    service('api', { image: 'api:1', ports: tcp(8000), dependsOn: { db: dep('service_healthy'), migrate: dep('service_completed_successfully') } }),
    service('web', { image: 'web:1', ports: tcp(80), dependsOn: { api: dep('service_started') } }),
    service('cache', { image: 'redis:7' }),
  ]), SETTINGS);
  const by = (n: string) => p.workloads.find((w) => w.composeName === n)!;
  const wave = (n: string) => by(n).annotations['argocd.argoproj.io/sync-wave'];

  it('follow the dependency order; services without dependencies stay unannotated', () => {
    expect([wave('db'), wave('cache'), wave('migrate'), wave('api'), wave('web')]).toEqual([undefined, undefined, '1', '2', '3']);
  });

  it('service_completed_successfully makes the dependency a Job, a Sync hook re-created on each sync', () => {
    expect(by('migrate').kind).toBe('Job');
    expect(by('migrate').job).toEqual({ restartPolicy: 'Never' });
    expect(by('migrate').annotations).toMatchObject({ 'argocd.argoproj.io/hook': 'Sync', 'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation' });
    expect(by('api').kind).toBe('Deployment');
  });

  it('service_healthy → an init container waiting for the Service with a pinned image', () => {
    expect(by('api').initContainers).toEqual([{
      name: 'wait-db',
      image: 'busybox:1.36.1',
      command: ['sh', '-c', 'until nc -z -w 2 db 5432; do echo "waiting for db:5432"; sleep 2; done'],
      resources: { requests: { cpuMillis: 10, memoryMiB: 16 }, limits: { cpuMillis: 100, memoryMiB: 32 } },
      securityContext: { runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, seccompProfile: 'RuntimeDefault' },
      waitsFor: { workload: 'db', port: 5432, protocol: 'TCP' },
    }]);
    expect(by('web').initContainers).toBeUndefined();
    expect(p.decisions).toContainEqual({ path: 'services.web.depends_on.api', status: 'mapped', reason: 'Argo CD applies it after api is healthy (sync wave); plain kubectl apply starts both at once' });
    expect(p.decisions).toContainEqual({ path: 'services.api.depends_on.db', status: 'mapped', reason: 'init container waits for db:5432 (the Service only answers once a pod is ready)' });
  });

  it('x-k8s.waitForDependencies and waitImage: wait for started dependencies too, with the configured image', () => {
    const q = planProject(project([
      service('api', { image: 'api:1', ports: tcp(8000) }),
      service('web', { image: 'web:1', dependsOn: { api: dep('service_started') }, extensions: { 'x-k8s': { waitForDependencies: true } } }),
    ], { extensions: { 'x-k8s': { waitImage: 'registry.example.com/busybox:1.37.0' } } }), SETTINGS);
    expect(q.workloads.find((w) => w.name === 'web')!.initContainers).toEqual([expect.objectContaining({ name: 'wait-api', image: 'registry.example.com/busybox:1.37.0' })]);
  });

  it('a dependency without a TCP port cannot be waited for: warned, wave only', () => {
    const q = planProject(project([
      service('worker', { image: 'w:1' }),
      service('web', { image: 'web:1', dependsOn: { worker: dep('service_healthy') } }),
    ]), SETTINGS);
    expect(q.workloads.find((w) => w.name === 'web')!.initContainers).toBeUndefined();
    expect(q.warnings.map((w) => w.message)).toContain('cannot wait for worker: it has no TCP port, so only the Argo CD sync wave orders them');
  });
});

describe('errors', () => {
  it('a cycle is an error naming it', () => {
    const p = project([
      service('a', { image: 'x:1', dependsOn: { b: dep('service_started') } }),
      service('b', { image: 'x:1', dependsOn: { c: dep('service_started') } }),
      service('c', { image: 'x:1', dependsOn: { a: dep('service_started') } }),
    ]);
    expect(() => planProject(p, SETTINGS)).toThrow('services.a.depends_on: depends_on has a cycle: a → b → c → a');
  });

  it('a required dependency that is not enabled is an error; an optional one is skipped', () => {
    expect(() => planProject(project([service('a', { image: 'x:1', dependsOn: { debug: dep('service_started') } })]), SETTINGS))
      .toThrow(/depends on "debug", which is not an enabled service/);
    const p = planProject(project([service('a', { image: 'x:1', dependsOn: { debug: dep('service_started', false) } })]), SETTINGS);
    expect(p.workloads[0].annotations).toEqual({});
  });
});
