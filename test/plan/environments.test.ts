/**
 * lib/plan/environments.ts: environments read in the order written, applied to the typed model
 * before planning (so the planner's own rules decide what an override becomes), and located at the
 * override when something it caused goes wrong.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadProject } from '../../lib/compose';
import type { ComposeProject } from '../../lib/compose/model';
import { renderDist } from '../../lib/output/render/dist';
import { releaseFor } from '../../lib/output/supply/release';
import { applyEnvironment, findEnvironment, readEnvironments } from '../../lib/plan/environments';
import { readServiceXK8s, readVolumeXK8s } from '../../lib/plan/x-k8s';
import { Conversion, planConversion, planEnvironments } from '../../lib/pipeline';
import { composeErrorsOf } from '../helpers/errors';
import { SHA } from '../helpers/project';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'plan-environments-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const BASE = `name: demo
services:
  web:
    image: example/web:1
    ports: ["8080:80"]
    environment:
      LOG_LEVEL: info
      MODE: web
    deploy:
      replicas: 2
      resources:
        limits: { cpus: "0.5", memory: 256M }
        reservations: { cpus: "0.25", memory: 128M }
    x-k8s:
      ingress: { host: web.example.com, className: nginx }
  worker:
    image: example/worker:1
    scale: 2
    x-k8s: { replicas: 4 }
  db:
    image: postgres:16-alpine
    volumes: [dbdata:/var/lib/postgresql/data]
volumes:
  dbdata:
    x-k8s: { size: 5Gi }
`;

function load(xk8s: string, base = BASE): ComposeProject {
  const dir = fs.mkdtempSync(path.join(tmp, 'p-'));
  fs.writeFileSync(path.join(dir, 'compose.yaml'), `${base}x-k8s:\n${xk8s}`);
  return loadProject({ cwd: dir, env: {} });
}

const convert = (p: ComposeProject, environment?: string): Conversion => planConversion(p, { env: {}, gitSha: () => SHA, ...(environment ? { environment } : {}) });
const objectsOf = (c: Conversion) => renderDist(c.plan, releaseFor(SHA).release).objects as Array<Record<string, any>>;
const find = (objects: Array<Record<string, any>>, kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);

describe('readEnvironments', () => {
  it('gives the environments in the order written, [] when none', () => {
    const p = load(`  environments:
    staging: { namespace: demo-staging }
    prod: { namespace: demo-prod, services: { web: { replicas: 3 } }, volumes: { dbdata: { size: 20 } } }
    dev: { namespace: demo-dev }
`);
    const envs = readEnvironments(p);
    expect(envs.map((e) => e.name)).toEqual(['staging', 'prod', 'dev']);
    expect(envs[1]).toEqual({ name: 'prod', namespace: 'demo-prod', services: { web: { replicas: 3 } }, volumes: { dbdata: { size: '20' } } });
    expect(readEnvironments(load('  registry: shop\n'))).toEqual([]);
    expect(findEnvironment(p, 'dev').namespace).toBe('demo-dev');
  });
});

describe('applyEnvironment: overrides become the Compose keys the planner reads', () => {
  const p = load(`  environments:
    prod:
      namespace: demo-prod
      services:
        web:
          replicas: 5
          resources: { limits: { memory: 1G } }
          environment: { LOG_LEVEL: warn, FEATURE_X: true }
          ingress: { host: shop.example.com, tlsSecret: shop-tls }
          podLabels: { tier: front }
        worker:
          replicas: 1
      volumes:
        dbdata: { size: 50Gi }
`);
  const prod = applyEnvironment(p, findEnvironment(p, 'prod'));

  it('replicas replace deploy.replicas, and x-k8s.replicas where that is what decides', () => {
    expect(prod.services.web.deploy?.replicas).toBe(5);
    expect(readServiceXK8s(prod, 'worker').replicas).toBe(1);
    expect(prod.services.worker.deploy?.replicas).toBe(1);
  });

  it('resources merge key by key; environment values win; exposure merges into the service\'s x-k8s', () => {
    expect(prod.services.web.deploy?.limits).toEqual({ cpus: 0.5, memory: 1024 ** 3 });
    expect(prod.services.web.deploy?.reservations).toEqual(p.services.web.deploy?.reservations);
    expect(prod.services.web.environment).toEqual({ LOG_LEVEL: 'warn', MODE: 'web', FEATURE_X: 'true' });
    expect(readServiceXK8s(prod, 'web')).toMatchObject({ ingress: { host: 'shop.example.com', className: 'nginx', tlsSecret: 'shop-tls' }, podLabels: { tier: 'front' } });
    expect(readVolumeXK8s(prod, 'dbdata').size).toBe('50Gi');
  });

  it('the project as written is left as it was', () => {
    expect(p.services.web.deploy?.replicas).toBe(2);
    expect(p.services.web.environment.LOG_LEVEL).toBe('info');
    expect(readServiceXK8s(p, 'web').ingress).toEqual({ host: 'web.example.com', className: 'nginx' });
    expect(readVolumeXK8s(p, 'dbdata').size).toBe('5Gi');
  });

  it('an overridden key is located at its override; other keys where they were', () => {
    const at = (q: ComposeProject, key: string) => q.sourceMap.nearest(key)?.line;
    const envLine = (k: string) => at(p, `x-k8s.environments.prod.services.web.${k}`);
    expect(at(prod, 'services.web.deploy.replicas')).toBe(envLine('replicas'));
    expect(at(prod, 'services.web.deploy.resources.limits.memory')).toBe(envLine('resources.limits.memory'));
    expect(at(prod, 'services.web.environment.LOG_LEVEL')).toBe(envLine('environment.LOG_LEVEL'));
    expect(at(prod, 'services.web.x-k8s.ingress.host')).toBe(envLine('ingress.host'));
    expect(at(prod, 'volumes.dbdata.x-k8s.size')).toBe(at(p, 'x-k8s.environments.prod.volumes.dbdata.size'));
    expect(at(prod, 'services.web.environment.MODE')).toBe(at(p, 'services.web.environment.MODE'));
    expect(at(prod, 'services.web.ports')).toBe(at(p, 'services.web.ports'));
  });
});

describe('planning an environment', () => {
  it('an environment that overrides nothing is the file as written in its namespace, object for object', () => {
    const p = load('  environments:\n    staging: { namespace: demo-staging }\n');
    const staging = objectsOf(convert(p, 'staging'));
    const withNamespace = objectsOf(planConversion(p, { env: {}, gitSha: () => SHA, flags: { namespace: 'demo-staging' } }));
    expect(staging).toEqual(withNamespace);
    expect(staging.filter((o) => o.kind !== 'Namespace').every((o) => o.metadata.namespace === 'demo-staging')).toBe(true);
  });

  it('planEnvironments plans every environment from one load, in order; the images are the same', () => {
    const p = load(`  environments:
    staging: { namespace: demo-staging }
    prod: { namespace: demo-prod, services: { web: { replicas: 3 } } }
`);
    const all = planEnvironments(p, { env: {}, gitSha: () => SHA });
    expect(all.map((c) => [c.environment?.name, c.settings.namespace])).toEqual([['staging', 'demo-staging'], ['prod', 'demo-prod']]);
    expect(all.map((c) => c.plan.workloads.map((w) => w.container.image))).toEqual([all[0].plan.workloads.map((w) => w.container.image), all[0].plan.workloads.map((w) => w.container.image)]);
    expect(find(objectsOf(all[1]), 'Deployment', 'web')?.spec.replicas).toBe(3);
    expect(find(objectsOf(all[0]), 'Deployment', 'web')?.spec.replicas).toBe(2);
  });

  it('a credential in an environment value becomes a Secret reference, never a plain value, with the warning at the override', () => {
    const p = load(`  environments:
    prod:
      namespace: demo-prod
      services:
        web:
          environment: { API_TOKEN: s3cr3t-value-123456 }
`);
    const prod = convert(p, 'prod');
    expect(JSON.stringify(objectsOf(prod))).not.toContain('s3cr3t-value-123456');
    const env = find(objectsOf(prod), 'Deployment', 'web')?.spec.template.spec.containers[0].env;
    expect(env.find((e: any) => e.name === 'API_TOKEN')).toMatchObject({ valueFrom: { secretKeyRef: { key: 'API_TOKEN' } } });
    const w = prod.plan.warnings.find((d) => /API_TOKEN/.test(d.message));
    expect(w?.location?.line).toBe(p.sourceMap.nearest('x-k8s.environments.prod.services.web.environment.API_TOKEN')?.line);
  });

  it('autoscaling from an environment; the Deployment leaves replicas to the autoscaler', () => {
    const p = load(`  environments:
    prod:
      namespace: demo-prod
      services:
        web: { autoscaling: { min: 2, max: 8 } }
`);
    const objects = objectsOf(convert(p, 'prod'));
    expect(find(objects, 'HorizontalPodAutoscaler', 'web')?.spec).toMatchObject({ minReplicas: 2, maxReplicas: 8 });
    expect(find(objects, 'Deployment', 'web')?.spec.replicas).toBeUndefined();
  });

  it('an environment may scale on memory too (x-k8s.autoscaling.memory), like the service itself', () => {
    const p = load(`  environments:
    prod:
      namespace: demo-prod
      services:
        web: { autoscaling: { max: 6, memory: 75 } }
`);
    const metrics = find(objectsOf(convert(p, 'prod')), 'HorizontalPodAutoscaler', 'web')?.spec.metrics as Array<Record<string, any>>;
    expect(metrics.map((m) => [m.resource.name, m.resource.target.averageUtilization])).toEqual([['cpu', 80], ['memory', 75]]);
    expect(find(objectsOf(convert(p, 'prod')), 'HorizontalPodAutoscaler', 'web')?.spec.maxReplicas).toBe(6);
  });

  it('environment-wide pod labels and annotations reach every workload, under a service\'s own', () => {
    const p = load(`  environments:
    prod:
      namespace: demo-prod
      podLabels: { environment: prod, tier: any }
      annotations: { example.com/owner: shop }
      services:
        web: { podLabels: { tier: front } }
`);
    const objects = objectsOf(convert(p, 'prod'));
    for (const name of ['web', 'worker', 'db']) {
      const d = find(objects, 'Deployment', name);
      expect(d?.spec.template.metadata.labels.environment).toBe('prod');
      expect(d?.metadata.annotations?.['example.com/owner']).toBe('shop');
    }
    expect(find(objects, 'Deployment', 'web')?.spec.template.metadata.labels.tier).toBe('front');
    expect(find(objects, 'Deployment', 'worker')?.spec.template.metadata.labels.tier).toBe('any');
    const prod = applyEnvironment(p, findEnvironment(p, 'prod'));
    expect(prod.sourceMap.nearest('x-k8s.defaults.podLabels.environment')?.line).toBe(p.sourceMap.nearest('x-k8s.environments.prod.podLabels.environment')?.line);
  });

  it('an override of a service of a profile that is not enabled waits for the profile', () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'profile-'));
    fs.writeFileSync(path.join(dir, 'compose.yaml'), `name: demo
services:
  api: { image: example/api:1 }
  debug: { image: busybox:1.36, profiles: [debug] }
x-k8s:
  environments:
    prod: { namespace: demo-prod, services: { debug: { replicas: 2 } } }
`);
    const without = loadProject({ cwd: dir, env: {} });
    expect(convert(without, 'prod').plan.workloads.map((w) => w.composeName)).toEqual(['api']);
    const withProfile = loadProject({ cwd: dir, env: {}, profiles: ['debug'] });
    expect(convert(withProfile, 'prod').plan.workloads.find((w) => w.composeName === 'debug')?.replicas).toBe(2);
  });

  it('an invalid environment blocks the conversion of the file as written too', () => {
    const p = load(`  environments:
    prod:
      namespace: demo-prod
      services:
        wbe: { replicas: 2 }
`);
    expect(composeErrorsOf(() => convert(p)).map((d) => d.message)).toEqual(['environment prod overrides service "wbe", which the project does not have']);
  });
});
