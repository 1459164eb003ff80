/**
 * Compose networks → NetworkPolicies.
 */
import type { ComposeNetwork } from '../../lib/compose/model';
import { planProject } from '../../lib/plan/plan';
import { SETTINGS, project, service } from '../helpers/project';

const net = (name: string, internal = false): ComposeNetwork => ({ name, external: false, internal, extensions: {} });
const on = (...names: string[]) => Object.fromEntries(names.map((n) => [n, { aliases: [] }]));

describe('network policies', () => {
  const services = [
    service('web', { image: 'web:1', ports: [{ target: 80, published: '80', protocol: 'tcp' }], networks: on('front'), extensions: { 'x-k8s': { serviceType: 'LoadBalancer' } } }),
    service('api', { image: 'api:1', networks: on('front', 'back') }),
    service('db', { image: 'pg:16', networks: on('back') }),
    service('tool', { image: 't:1' }),
  ];
  const p = planProject(project(services, { networks: { front: net('front'), back: net('back', true) } }), SETTINGS);
  const labels = { 'app.kubernetes.io/part-of': 'demo' };

  it('one policy per network: members receive only from members; internal networks limit egress', () => {
    expect(p.networkPolicies).toEqual([
      { name: 'network-back', labels, podLabels: labels, network: 'back', podNames: ['api', 'db'], ingressFrom: ['api', 'db'], egressTo: ['api', 'db'] },
      { name: 'network-default', labels, podLabels: labels, network: 'default', podNames: ['tool'], ingressFrom: ['tool'], egressTo: 'any' },
      { name: 'network-front', labels, podLabels: labels, network: 'front', podNames: ['api', 'web'], ingressFrom: ['api', 'web'], egressTo: 'any' },
      { name: 'web-public', labels, podLabels: labels, podNames: ['web'], ingressPorts: [{ port: 80, protocol: 'TCP' }] },
    ]);
  });

  it('no declared networks, or x-k8s.networkPolicies: false → none', () => {
    expect(planProject(project(services.slice(1)), SETTINGS).networkPolicies).toBeUndefined();
    expect(planProject(project(services, { networks: { front: net('front'), back: net('back') }, extensions: { 'x-k8s': { networkPolicies: false } } }), SETTINGS).networkPolicies).toBeUndefined();
  });

  it('an Ingress opens the pod port behind the Service port it routes to', () => {
    const plan = planProject(project([
      service('web', { image: 'web:1', ports: [{ target: 8080, published: '80', protocol: 'tcp' }], networks: on('front'), extensions: { 'x-k8s': { ingress: { host: 'shop.example.com' } } } }),
    ], { networks: { front: net('front') } }), SETTINGS);
    expect(plan.networkPolicies?.find((x) => x.name === 'web-public')?.ingressPorts).toEqual([{ port: 8080, protocol: 'TCP' }]);
  });
});

describe('dependency waits and NetworkPolicies (issue 13)', () => {
  const healthy = { condition: 'service_healthy' as const, required: true, restart: false };
  const hc = { test: ['CMD', 'true'], disable: false };
  const labels = { 'app.kubernetes.io/part-of': 'demo' };
  // api waits for db (service_healthy) although they share no network: Compose allows it (Docker
  // checks health inside db), so the policies must let api's wait reach db:5432 and nothing more.
  const services = [
    service('db', { image: 'pg:16', expose: [{ port: 5432, protocol: 'tcp' }], healthcheck: hc, networks: on('back') }),
    service('cache', { image: 'redis:7', expose: [{ port: 6379, protocol: 'tcp' }], healthcheck: hc, networks: on('front') }),
    service('api', { image: 'api:1', networks: on('front'), dependsOn: { db: healthy, cache: healthy } }),
    service('job', { image: 'job:1', networks: on('sealed'), dependsOn: { db: healthy } }),
  ];
  const p = planProject(project(services, { networks: { front: net('front'), back: net('back', true), sealed: net('sealed', true) } }), SETTINGS);
  const policy = (name: string) => p.networkPolicies?.find((x) => x.name === name);

  it('a wait across networks opens exactly the waited port, from the waiting pods only', () => {
    expect(policy('db-dependents')).toEqual({
      name: 'db-dependents', labels, podLabels: labels, podNames: ['db'],
      ingressFromOnPorts: { pods: ['api', 'job'], ports: [{ port: 5432, protocol: 'TCP' }] },
    });
  });

  it('a waiting pod on internal networks only also gets the egress to that port', () => {
    expect(policy('job-dependencies')).toEqual({
      name: 'job-dependencies', labels, podLabels: labels, podNames: ['job'],
      egressToOnPorts: { pods: ['db'], ports: [{ port: 5432, protocol: 'TCP' }] },
    });
    // api is on a normal network: its egress is open already.
    expect(policy('api-dependencies')).toBeUndefined();
  });

  it('a wait within a shared network needs nothing more', () => {
    expect(policy('cache-dependents')).toBeUndefined();
  });

  it('every wait init container is allowed by some policy on both ends (a small evaluator)', () => {
    const policies = p.networkPolicies ?? [];
    const selects = (names: readonly string[], pod: string) => names.includes(pod);
    const isolatedIn = (pod: string) => policies.some((x) => selects(x.podNames, pod) && (x.ingressFrom || x.ingressPorts || x.ingressFromOnPorts));
    const isolatedOut = (pod: string) => policies.some((x) => selects(x.podNames, pod) && (x.egressTo || x.egressToOnPorts));
    const ingressOk = (from: string, to: string, port: number) => !isolatedIn(to) || policies.some((x) => selects(x.podNames, to) && (
      (x.ingressFrom && x.ingressFrom.includes(from)) || x.ingressPorts?.some((q) => q.port === port)
      || (x.ingressFromOnPorts?.pods.includes(from) && x.ingressFromOnPorts.ports.some((q) => q.port === port))));
    const egressOk = (from: string, to: string, port: number) => !isolatedOut(from) || policies.some((x) => selects(x.podNames, from) && (
      x.egressTo === 'any' || (Array.isArray(x.egressTo) && x.egressTo.includes(to))
      || (x.egressToOnPorts?.pods.includes(to) && x.egressToOnPorts.ports.some((q) => q.port === port))));
    const waits = p.workloads.flatMap((w) => (w.initContainers ?? []).map((c) => [w.name, c.waitsFor!.workload, c.waitsFor!.port] as const));
    expect(waits).toHaveLength(3);
    for (const [from, to, port] of waits) {
      expect([from, to, port, ingressOk(from, to, port), egressOk(from, to, port)]).toEqual([from, to, port, true, true]);
    }
    // ...and nothing else got opened: the cache is still closed to job.
    expect(ingressOk('job', 'cache', 6379)).toBe(false);
  });
});
