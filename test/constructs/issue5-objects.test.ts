/**
 * What issue 5's plan renders to: every kind, public Services, Ingress, HPA, NetworkPolicies,
 * wait init containers and pod runtime fields. Every object is schema-checked.
 */
import type { DependsOn } from '../../lib/compose/model';
import { renderManifests } from '../../lib/output/common/manifests';
import { planProject } from '../../lib/plan/plan';
import { SETTINGS, project, service } from '../helpers/project';
import { validateObjects } from '../plan/x-k8s-validate';

type Obj = Record<string, any>;
const dep = (condition: DependsOn['condition']): DependsOn => ({ condition, required: true, restart: false });
const on = (...names: string[]) => Object.fromEntries(names.map((n) => [n, { aliases: [] }]));

const plan = planProject(project([
  service('db', {
    image: 'postgres:16', ports: [{ target: 5432, protocol: 'tcp' }], networks: on('back'),
    healthcheck: { test: ['CMD', 'pg_isready'], disable: false },
    extensions: { 'x-k8s': { kind: 'StatefulSet' } },
  }),
  service('migrate', { image: 'api:1', dependsOn: { db: dep('service_healthy') }, networks: on('back'), restart: 'on-failure', raw: { restart: 'on-failure' } }),
  service('my_api', {
    image: 'api:1', ports: [{ target: 8000, published: '8000', protocol: 'tcp' }], networks: on('front', 'back'),
    dependsOn: { db: dep('service_healthy'), migrate: dep('service_completed_successfully') },
    deploy: { labels: {}, reservations: { cpus: 0.25 } },
    raw: { cap_add: ['NET_BIND_SERVICE'], cap_drop: ['ALL'], tty: true, extra_hosts: ['ext.local:10.1.2.3'], dns_search: ['corp'], sysctls: ['net.ipv4.tcp_syncookies=1'], group_add: [2000], init: true },
    extensions: { 'x-k8s': { autoscaling: { min: 2, max: 5 }, ingress: { host: 'api.example.com', tlsSecret: 'api-tls', className: 'nginx' } } },
  }),
  service('web', {
    image: 'web:1', ports: [{ target: 80, published: '8080', protocol: 'tcp' }], networks: on('front'),
    environment: { API: 'http://my_api:8000' }, literalEnvironment: { API: 'http://my_api:8000' },
    dependsOn: { my_api: dep('service_started') },
    extensions: { 'x-k8s': { serviceType: 'LoadBalancer', loadBalancer: { size: 'lb-small' } } },
  }),
  service('agent', { image: 'agent:1', deploy: { mode: 'global', labels: {} } }),
  service('report', { image: 'rep:1', extensions: { 'x-k8s': { kind: 'CronJob', schedule: '30 2 * * *' } } }),
], { networks: { front: { name: 'front', external: false, internal: false, extensions: {} }, back: { name: 'back', external: false, internal: true, extensions: {} } } }), SETTINGS);
const objs = renderManifests(plan).objects as Obj[];
const find = (kind: string, name: string): Obj => {
  const o = objs.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`no ${kind}/${name} in ${objs.map((x) => `${x.kind}/${x.metadata.name}`).join(', ')}`);
  return o;
};

describe('issue 5 objects', () => {
  it('every object passes the Kubernetes schema (and the check does catch a bad object)', () => {
    expect(validateObjects(objs)).toEqual([]);
    const broken = JSON.parse(JSON.stringify(find('Ingress', 'my-api')));
    broken.spec.rules[0].http.paths[0].pathType = 42;
    const problems = validateObjects([broken]);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.join('\n')).toMatch(/Ingress\/my-api: .*pathType/);
  });

  it('renders the expected objects, in a fixed order', () => {
    expect(objs.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'DaemonSet/agent',
      'Service/db-headless', 'StatefulSet/db', 'Service/db',
      'Job/migrate',
      'Deployment/my-api', 'Service/my-api', 'Ingress/my-api', 'HorizontalPodAutoscaler/my-api',
      'CronJob/report',
      'Deployment/web', 'Service/web', 'Service/web-public',
      'NetworkPolicy/my-api-public', 'NetworkPolicy/network-back', 'NetworkPolicy/network-default', 'NetworkPolicy/network-front', 'NetworkPolicy/web-public',
    ]);
  });

  it('no cdk8s address labels or selectors anywhere', () => {
    expect(JSON.stringify(objs)).not.toContain('cdk8s.io/metadata.addr');
  });

  it('StatefulSet governed by a headless Service beside its ClusterIP one, both selecting the readable labels', () => {
    const ss = find('StatefulSet', 'db');
    expect(ss.spec.serviceName).toBe('db-headless');
    expect(find('Service', 'db-headless').spec.clusterIP).toBe('None');
    expect(find('Service', 'db-headless').spec.selector).toEqual({ 'app.kubernetes.io/name': 'db', 'app.kubernetes.io/part-of': 'demo' });
    expect(find('Service', 'db').spec.selector).toEqual({ 'app.kubernetes.io/name': 'db', 'app.kubernetes.io/part-of': 'demo' });
  });

  it('Job: a Sync hook in wave 1, OnFailure, waiting for db', () => {
    const job = find('Job', 'migrate');
    expect(job.metadata.annotations).toEqual({ 'argocd.argoproj.io/hook': 'Sync', 'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation', 'argocd.argoproj.io/sync-wave': '1' });
    expect(job.spec.template.spec.restartPolicy).toBe('OnFailure');
    expect(job.spec.template.spec.initContainers).toEqual([{
      name: 'wait-db', image: 'busybox:1.36.1', imagePullPolicy: 'IfNotPresent',
      command: ['sh', '-c', 'until nc -z -w 2 db 5432; do echo "waiting for db:5432"; sleep 2; done'],
      resources: { limits: { cpu: '100m', memory: '32Mi' }, requests: { cpu: '10m', memory: '16Mi' } },
      securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsGroup: 65534, runAsNonRoot: true, runAsUser: 65534, seccompProfile: { type: 'RuntimeDefault' } },
    }]);
  });

  it('renamed service: Deployment my-api in wave 2, pod runtime fields, original name annotated', () => {
    const d = find('Deployment', 'my-api');
    expect(d.metadata.annotations).toEqual({ 'compose-cdk8s.io/service': 'my_api', 'argocd.argoproj.io/sync-wave': '2' });
    const pod = d.spec.template.spec;
    expect(pod.hostAliases).toEqual([{ ip: '10.1.2.3', hostnames: ['ext.local'] }]);
    expect(pod.dnsConfig).toEqual({ searches: ['corp'] });
    expect(pod.shareProcessNamespace).toBe(true);
    expect(pod.securityContext).toMatchObject({ sysctls: [{ name: 'net.ipv4.tcp_syncookies', value: '1' }], supplementalGroups: [2000] });
    expect(pod.containers[0].tty).toBe(true);
    expect(pod.containers[0].securityContext.capabilities).toEqual({ add: ['NET_BIND_SERVICE'], drop: ['ALL'] });
    expect(pod.initContainers.map((c: Obj) => c.name)).toEqual(['wait-db']);
  });

  it('Ingress and HPA for my-api; the Deployment leaves replicas to the HPA', () => {
    expect(find('Deployment', 'my-api').spec.replicas).toBeUndefined();
    expect(find('Deployment', 'web').spec.replicas).toBe(1);
    expect(find('Ingress', 'my-api').spec).toEqual({
      ingressClassName: 'nginx',
      tls: [{ hosts: ['api.example.com'], secretName: 'api-tls' }],
      rules: [{ host: 'api.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'my-api', port: { number: 8000 } } } }] } }],
    });
    expect(find('HorizontalPodAutoscaler', 'my-api').spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'my-api' },
      minReplicas: 2, maxReplicas: 5,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }],
    });
  });

  it('web: env rewritten to my-api, LoadBalancer with the published port only', () => {
    const c = find('Deployment', 'web').spec.template.spec.containers[0];
    expect(c.env).toEqual([{ name: 'API', value: 'http://my-api:8000' }]);
    const pub = find('Service', 'web-public');
    expect(pub.metadata.annotations).toEqual({ 'service.beta.kubernetes.io/do-loadbalancer-size-slug': 'lb-small' });
    expect(pub.spec).toEqual({
      type: 'LoadBalancer',
      ports: [{ name: 'tcp-8080', port: 8080, targetPort: 80, protocol: 'TCP' }],
      selector: { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/part-of': 'demo' },
    });
    expect(find('Service', 'web').spec.type).toBe('ClusterIP');
  });

  it('DaemonSet and CronJob', () => {
    expect(find('DaemonSet', 'agent').spec.selector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'agent', 'app.kubernetes.io/part-of': 'demo' } });
    const cj = find('CronJob', 'report');
    expect(cj.spec.schedule).toBe('30 2 * * *');
    expect(cj.spec.startingDeadlineSeconds).toBeUndefined();
    expect(cj.spec.jobTemplate.spec.template.metadata.labels).toEqual({ 'app.kubernetes.io/name': 'report', 'app.kubernetes.io/part-of': 'demo' });
  });

  it('network policies select pods by name and project; internal network egress is members + DNS', () => {
    const project = { 'app.kubernetes.io/part-of': 'demo' };
    const back = find('NetworkPolicy', 'network-back');
    expect(back.spec).toEqual({
      podSelector: { matchLabels: project, matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'In', values: ['db', 'migrate', 'my-api'] }] },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ podSelector: { matchLabels: project, matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'In', values: ['db', 'migrate', 'my-api'] }] } }] }],
      egress: [
        { to: [{ podSelector: { matchLabels: project, matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'In', values: ['db', 'migrate', 'my-api'] }] } }] },
        { ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }] },
      ],
    });
    expect(find('NetworkPolicy', 'network-front').spec.egress).toEqual([{}]);
    expect(find('NetworkPolicy', 'my-api-public').spec).toEqual({
      podSelector: { matchLabels: project, matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'In', values: ['my-api'] }] },
      policyTypes: ['Ingress'],
      ingress: [{ ports: [{ port: 8000, protocol: 'TCP' }] }],
    });
  });
});
