/**
 * network_mode: service:X / container:NAME → a container in X's pod (lib/plan/shared-network.ts):
 * what the plan decides, the depends_on re-pointing, and every refusal. Projects are loaded from
 * Compose text with the real loader (implicit depends_on, container_name, positions).
 */
import * as fs from 'fs';
import type { DeploymentPlan, WorkloadPlan } from '../../lib/plan/model';
import { planProject } from '../../lib/plan/plan';
import { podHosts } from '../../lib/plan/shared-network';
import { planStartupOrder } from '../../lib/plan/startup-order';
import { loadText } from '../helpers/compose-text';
import { GLUETUN } from '../helpers/shared-network-stacks';
import { SETTINGS, project, service } from '../helpers/project';
import { composeErrorsOf } from '../helpers/errors';
import { fixturePath } from '../helpers/paths';

const plan = (yaml: string, extra: Record<string, string> = {}): DeploymentPlan => planProject(loadText({ 'compose.yaml': yaml, ...extra }), SETTINGS);
const workload = (p: DeploymentPlan, name: string): WorkloadPlan => {
  const w = p.workloads.find((x) => x.name === name);
  if (!w) throw new Error(`no workload ${name} in ${p.workloads.map((x) => x.name).join(', ')}`);
  return w;
};
const planErrors = composeErrorsOf;

describe('the kompose fixture (network-mode-service)', () => {
  const text = fs.readFileSync(fixturePath('corpus', 'kompose', 'network-mode-service', 'compose.yaml'), 'utf8');
  const p = plan(text);

  it('server becomes a second container of client\'s Deployment, with no workload of its own', () => {
    expect(p.workloads.map((w) => w.name)).toEqual(['client']);
    const client = workload(p, 'client');
    expect(client.container.name).toBe('client');
    expect(client.sidecars).toEqual([expect.objectContaining({ name: 'server', image: 'busybox', args: ['sleep', 'infinity'], ports: [] })]);
    // client publishes 8080; server declares nothing, so client keeps the port.
    expect(client.container.ports).toEqual([{ name: 'tcp-8080', containerPort: 8080, protocol: 'TCP' }]);
    expect(client.aliasServices).toBeUndefined();
  });

  it('reports network_mode as mapped: a container in client\'s pod; no warning about it', () => {
    expect(p.decisions).toContainEqual({
      path: 'services.server.network_mode', status: 'mapped',
      reason: 'service:client → container server in client\'s pod (Deployment client): one network namespace, localhost reaches client',
    });
    expect(p.warnings.filter((w) => w.path?.includes('network_mode'))).toEqual([]);
    // The implicit depends_on server → client is inside one pod: no wave for client.
    expect(workload(p, 'client').annotations['argocd.argoproj.io/sync-wave']).toBeUndefined();
  });

  it('container:threats-client (a service\'s container_name) joins that service\'s pod too', () => {
    const q = plan(text.replace('service:client', 'container:threats-client'));
    expect(q.workloads.map((w) => w.name)).toEqual(['client']);
    expect(workload(q, 'client').sidecars?.map((c) => c.name)).toEqual(['server']);
  });
});

describe('a gluetun-style stack: two apps routed through the vpn container', () => {
  const p = plan(GLUETUN);
  const vpn = workload(p, 'vpn');

  it('one pod: vpn, then the apps in name order; no workloads for the apps', () => {
    expect(p.workloads.map((w) => w.name)).toEqual(['vpn', 'web']);
    expect(vpn.container.name).toBe('vpn');
    expect(vpn.sidecars?.map((c) => c.name)).toEqual(['prowlarr', 'qbittorrent']);
  });

  it('each container keeps its own settings: NET_ADMIN on vpn, SYS_TIME on prowlarr, env and mounts on qbittorrent', () => {
    expect(vpn.container.securityContext?.capabilities).toEqual({ add: ['NET_ADMIN'] });
    expect(vpn.container.readinessProbe).toBeDefined();
    const [prowlarr, qbittorrent] = vpn.sidecars!;
    expect(prowlarr.securityContext?.capabilities).toEqual({ add: ['SYS_TIME'] });
    expect(qbittorrent.env).toEqual([{ name: 'WEBUI_PORT', value: '8080' }]);
    expect(qbittorrent.volumeMounts).toEqual([{ name: 'config', mountPath: '/config', readOnly: false }]);
    expect(vpn.volumes).toEqual([{ name: 'config', claimName: 'config', readOnly: false }]);
    expect(vpn.strategy).toBe('Recreate');
  });

  it('ports: the apps declare theirs; vpn\'s published entries for them leave its container; vpn\'s Service serves them all', () => {
    expect(vpn.container.ports).toEqual([]);
    expect(vpn.sidecars![0].ports).toEqual([{ name: 'tcp-9696', containerPort: 9696, protocol: 'TCP' }]);
    expect(vpn.sidecars![1].ports).toEqual([{ name: 'tcp-8080', containerPort: 8080, protocol: 'TCP' }]);
    expect(vpn.service?.ports.map((x) => x.port)).toEqual([8080, 9696]);
    expect(p.decisions).toContainEqual(expect.objectContaining({ path: 'services.vpn.ports', status: 'mapped', reason: expect.stringContaining('port 8080 is declared on the qbittorrent container') }));
  });

  it('a Service named after each app selects vpn\'s pods, so http://qbittorrent:8080 still works', () => {
    expect(vpn.aliasServices).toEqual([
      { name: 'prowlarr', type: 'ClusterIP', ports: [{ name: 'tcp-9696', port: 9696, targetPort: 9696, protocol: 'TCP' }] },
      { name: 'qbittorrent', type: 'ClusterIP', ports: [{ name: 'tcp-8080', port: 8080, targetPort: 8080, protocol: 'TCP' }] },
    ]);
  });

  it('depends_on: web waits for qbittorrent\'s Service and comes after vpn\'s wave; qbittorrent → vpn is inside the pod', () => {
    const web = workload(p, 'web');
    expect(web.initContainers?.map((c) => c.name)).toEqual(['wait-qbittorrent']);
    expect(web.initContainers?.[0].command[2]).toContain('nc -z -w 2 qbittorrent 8080');
    expect(web.annotations['argocd.argoproj.io/sync-wave']).toBe('1');
    expect(vpn.annotations['argocd.argoproj.io/sync-wave']).toBeUndefined();
    expect(vpn.initContainers).toBeUndefined();
    expect(p.decisions).toContainEqual(expect.objectContaining({ path: 'services.qbittorrent.depends_on.vpn', status: 'lossy' }));
  });
});

describe('depends_on re-pointed at the pod', () => {
  const yaml = `
services:
  db:
    image: postgres:16
  vpn:
    image: qmcgaw/gluetun:v3
  app:
    image: app:1
    network_mode: service:vpn
    depends_on:
      db: { condition: service_healthy }
  client:
    image: client:1
    depends_on:
      app: { condition: service_healthy }
`;
  it('an edge from the sidecar becomes the pod\'s: vpn waits for db and is in a later wave; the wait joins vpn\'s pod', () => {
    const p = plan(yaml);
    const vpn = workload(p, 'vpn');
    expect(vpn.annotations['argocd.argoproj.io/sync-wave']).toBe('1');
    expect(vpn.initContainers?.map((c) => c.name)).toEqual(['wait-db']);
    // app has no ports: a wait for it waits for its pod's Service (none here: vpn has no ports) → only the wave.
    const client = workload(p, 'client');
    expect(client.annotations['argocd.argoproj.io/sync-wave']).toBe('2');
    expect(p.warnings).toContainEqual(expect.objectContaining({ path: 'services.client.depends_on.app', message: expect.stringMatching(/cannot wait for app/) }));
  });

  it('a wait for a sidecar without ports waits for its host\'s Service', () => {
    const p = plan(yaml.replace('image: qmcgaw/gluetun:v3', 'image: qmcgaw/gluetun:v3\n    expose: ["8000"]'));
    expect(workload(p, 'client').initContainers?.[0].command[2]).toContain('nc -z -w 2 vpn 8000');
  });

  it('waves and cycles follow the pods: the re-pointed graph is checked', () => {
    const order = planStartupOrder(loadText({ 'compose.yaml': yaml }));
    expect(order.waves.get('app')).toBe(order.waves.get('vpn'));
    expect(order.errors).toEqual([]);
    // Compose: app → db → vpn, no cycle; as pods: vpn (app's) → db → vpn, which no sync wave can order.
    const cyclic = yaml.replace('image: postgres:16', 'image: postgres:16\n    depends_on: [vpn]');
    expect(planStartupOrder(loadText({ 'compose.yaml': cyclic })).errors.map((e) => e.message)).toEqual(['depends_on has a cycle: vpn → db → vpn (network_mode: app runs in vpn\'s pod, so its depends_on are the pod\'s)']);
  });
});

describe('a built image as a sidecar', () => {
  it('is the DOCR image with the pull secret on the pod', () => {
    const p = plan(`
services:
  vpn:
    image: qmcgaw/gluetun:v3
  app:
    build: ./app
    network_mode: service:vpn
`, { 'app/Dockerfile': 'FROM alpine\n' });
    const vpn = workload(p, 'vpn');
    expect(vpn.sidecars?.[0]).toEqual(expect.objectContaining({
      name: 'app', built: true, image: `registry.digitalocean.com/the-shop/app:${SETTINGS.tag}`,
    }));
    expect(vpn.imagePullSecrets).toEqual(['registry-the-shop']);
  });
});

describe('chains, replicas and ignored settings', () => {
  it('a chain is flattened: a → b → c all run in c\'s pod', () => {
    const p = plan(`
services:
  c: { image: c:1 }
  b: { image: b:1, network_mode: "service:c" }
  a: { image: a:1, network_mode: "service:b" }
`);
    expect(p.workloads.map((w) => w.name)).toEqual(['c']);
    expect(workload(p, 'c').sidecars?.map((x) => x.name)).toEqual(['a', 'b']);
    expect(podHosts(loadText({ 'compose.yaml': 'services:\n  c: { image: c:1 }\n  b: { image: b:1, network_mode: "service:c" }\n  a: { image: a:1, network_mode: "service:b" }\n' })).hosts)
      .toEqual(new Map([['a', 'c'], ['b', 'c']]));
  });

  it('the pod has the host\'s replicas; the sidecar\'s replicas, autoscaling and public Service are ignored with warnings', () => {
    const p = plan(`
services:
  vpn:
    image: v:1
    deploy: { replicas: 2 }
  app:
    image: a:1
    network_mode: service:vpn
    expose: ["80"]
    deploy:
      replicas: 3
      resources: { limits: { cpus: "0.5" } }
    x-k8s:
      serviceType: LoadBalancer
      autoscaling: { max: 5 }
`);
    const vpn = workload(p, 'vpn');
    expect(vpn.replicas).toBe(2);
    expect(vpn.autoscaling).toBeUndefined();
    expect(vpn.publicService).toBeUndefined();
    const messages = p.warnings.filter((w) => w.path?.startsWith('services.app')).map((w) => w.message);
    expect(messages).toEqual(expect.arrayContaining([
      'app runs in vpn\'s pod, so it has vpn\'s 2 replicas, not 3',
      'autoscaling of app is ignored: it runs in vpn\'s pod, which scales as vpn',
      'the public Service of app is not created: its ports are on vpn\'s pod',
    ]));
    const appWarnings = p.warnings.filter((x) => x.path?.startsWith('services.app'));
    expect(appWarnings.length).toBeGreaterThan(0);
    for (const w of appWarnings) expect(w.location).toBeDefined();
    expect(p.networkPolicies ?? []).toEqual([]);
  });

  it('the sidecar\'s own x-k8s annotations and podLabels are not set, with a warning, unless the host has the same', () => {
    const p = plan(`
services:
  vpn:
    image: v:1
    x-k8s: { annotations: { shared: "1" } }
  app:
    image: a:1
    network_mode: service:vpn
    x-k8s:
      annotations: { shared: "1", note: hello }
      podLabels: { tier: media }
`);
    expect(workload(p, 'vpn').annotations).toEqual({ shared: '1' });
    expect(workload(p, 'vpn').labels.tier).toBeUndefined();
    const messages = p.warnings.filter((w) => w.path?.startsWith('services.app.x-k8s')).map((w) => w.message);
    expect(messages).toEqual([
      'the annotations note of app are not set: it has no workload of its own and runs in vpn\'s pod',
      'the pod labels tier of app are not set: it has no workload of its own and runs in vpn\'s pod',
    ]);
  });

  it('the sidecar\'s labels become annotations of the pod\'s workload; a clash keeps the host\'s, with a warning', () => {
    const p = plan(`
services:
  vpn: { image: v:1, labels: { team: net, tier: edge } }
  app: { image: a:1, network_mode: service:vpn, labels: { owner: media, tier: app } }
`);
    expect(workload(p, 'vpn').annotations).toEqual({ owner: 'media', team: 'net', tier: 'edge' });
    expect(p.warnings).toEqual([expect.objectContaining({ path: 'services.app.labels', message: 'label tier of app is left out: vpn\'s workload, which runs it, has it with another value' })]);
  });

  it('a DaemonSet host is fine: the sidecar (also global) joins its pods', () => {
    const p = plan(`
services:
  agent: { image: a:1, deploy: { mode: global } }
  helper: { image: h:1, network_mode: service:agent, deploy: { mode: global } }
`);
    expect(workload(p, 'agent').kind).toBe('DaemonSet');
    expect(workload(p, 'agent').sidecars?.map((c) => c.name)).toEqual(['helper']);
  });

  it('NetworkPolicies know the pod by its host\'s name only', () => {
    const p = plan(`
services:
  vpn: { image: v:1, networks: [back], expose: ["80"] }
  app: { image: a:1, network_mode: service:vpn }
  db: { image: d:1, networks: [back] }
networks:
  back: {}
`);
    const names = (p.networkPolicies ?? []).flatMap((n) => [...n.podNames, ...(n.ingressFrom ?? [])]);
    expect(names).not.toContain('app');
    expect(p.networkPolicies?.find((n) => n.network === 'back')?.podNames).toEqual(['db', 'vpn']);
  });
});

describe('refusals', () => {
  it('different workload kinds: an error at network_mode with a hint', () => {
    const errors = planErrors(() => plan(`
services:
  vpn: { image: v:1 }
  once: { image: o:1, network_mode: service:vpn, restart: "no" }
`));
    expect(errors).toEqual([expect.objectContaining({
      path: 'services.once.network_mode',
      message: 'network_mode: service:vpn puts once in vpn\'s pod, but once would be a Job and vpn a Deployment: one pod has one workload kind',
      hint: expect.stringMatching(/same kind/),
      location: expect.objectContaining({ line: 4 }),
    })]);
  });

  it('two sidecars declaring the same port: refused, they could not both listen in one network', () => {
    const errors = planErrors(() => plan(`
services:
  vpn: { image: v:1 }
  a: { image: a:1, network_mode: service:vpn, expose: ["8080"] }
  b: { image: b:1, network_mode: service:vpn, expose: ["8080"] }
`));
    expect(errors).toEqual([expect.objectContaining({
      path: 'services.b.network_mode',
      message: 'b and a both declare port 8080/tcp, but they share vpn\'s network (one pod), where only one can listen on it',
      hint: expect.stringMatching(/another port/),
    })]);
  });

  it('a loop of network_mode: an error naming it', () => {
    // The loader refuses the implied depends_on cycle first; the plan refuses it on its own too.
    const p = project([
      service('a', { image: 'a:1', networkMode: 'service:b' }),
      service('b', { image: 'b:1', networkMode: 'service:a' }),
    ]);
    const errors = planErrors(() => planProject(p, SETTINGS));
    expect(errors).toContainEqual(expect.objectContaining({ path: 'services.a.network_mode', message: 'network_mode has a loop: a → b → a; one of them must own the network' }));
  });

  it('service:X with X missing: the loader refuses it, and so does the plan for a hand-built project', () => {
    expect(() => loadText({ 'compose.yaml': 'services:\n  a: { image: a:1, network_mode: "service:nope" }\n' })).toThrow(/not defined or not enabled/);
    const errors = planErrors(() => planProject(project([service('a', { image: 'a:1', networkMode: 'service:nope' })]), SETTINGS));
    expect(errors).toEqual([expect.objectContaining({ path: 'services.a.network_mode', message: expect.stringMatching(/refers to service "nope"/) })]);
  });

  it('container:NAME naming no service: still refused (own pod), with a hint', () => {
    const p = plan('services:\n  a: { image: a:1, network_mode: "container:elsewhere" }\n');
    expect(p.workloads.map((w) => w.name)).toEqual(['a']);
    expect(p.decisions).toContainEqual(expect.objectContaining({ path: 'services.a.network_mode', status: 'refused' }));
    expect(p.warnings).toEqual([expect.objectContaining({ path: 'services.a.network_mode', message: expect.stringMatching(/no service of this project has container_name "elsewhere"/), hint: expect.stringMatching(/service:<name>/) })]);
  });
});
