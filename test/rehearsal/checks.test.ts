/**
 * Unit tests of the rehearsal's cluster model and checks, on small hand-made manifests: for each
 * check a manifest set it accepts and one it rejects (with the field path it names).
 */
import * as fs from 'fs';
import * as path from 'path';
import {
  blockedBy, checkClaims, checkDataDirectories, checkNetworkPolicies, checkPodSecurity, checkReferences, checkServices,
  checkStatefulSetServices, checkWaitTargets, cidrContains, EXTERNAL_CLIENT, INGRESS_CONTROLLER, parseWaitTarget,
} from './checks';
import { applyOrder, parseSecretsManifest, parseSecretsScript, rehearse } from './cluster';
import { DATA_DIRS, dataDirRow, imageRepository } from './data-dirs';
import { ComposeFacts, Obj, selectorMatches } from './model';
import { BASELINE_CAPABILITIES, baselineViolations, restrictedViolations } from './pss';
import { composeFacts, exposureValues } from './runner';
import { loadProject } from '../../lib/compose';

const NS = 'shop';
const labels = (name: string) => ({ 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'shop' });

function deployment(name: string, spec: Obj = {}, meta: Obj = {}): Obj {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: NS, ...meta },
    spec: { selector: { matchLabels: labels(name) }, template: { metadata: { labels: labels(name) }, spec: { containers: [{ name, image: `${name}:1`, ports: [{ containerPort: 8000, name: 'http' }] }], ...spec } } },
  };
}
function service(name: string, spec: Obj = {}): Obj {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: NS }, spec: { selector: labels(name), ports: [{ port: 8000, targetPort: 8000 }], ...spec } };
}
const sa = (namespace = NS): Obj => ({ kind: 'ServiceAccount', metadata: { name: 'default', namespace } });
const secret = (name: string, namespace = NS): Obj => ({ kind: 'Secret', metadata: { name, namespace } });
const configMap = (name: string, data: Obj = {}): Obj => ({ kind: 'ConfigMap', metadata: { name, namespace: NS }, data });
const pvc = (name: string, annotations: Obj = {}): Obj => ({ kind: 'PersistentVolumeClaim', metadata: { name, namespace: NS, annotations } });
const paths = (fs_: { path: string }[]) => fs_.map((f) => f.path);

describe('cluster model', () => {
  test('applies by sync wave, then kind (Namespace, Secret, ConfigMap, PVC, Service, Deployment ...), then name', () => {
    const order = applyOrder([
      deployment('b'), { kind: 'Deployment', metadata: { name: 'a', annotations: { 'argocd.argoproj.io/sync-wave': '-1' } } },
      service('s'), pvc('p'), configMap('c'), secret('x'), { kind: 'Namespace', metadata: { name: 'shop' } }, { kind: 'Ingress', metadata: { name: 'i' } },
    ]).map((o) => `${o.kind}/${o.metadata.name}`);
    expect(order).toEqual(['Deployment/a', 'Namespace/shop', 'Secret/x', 'ConfigMap/c', 'PersistentVolumeClaim/p', 'Service/s', 'Deployment/b', 'Ingress/i']);
  });

  test('objects without a namespace land in the destination; a missing namespace refuses the object', () => {
    const noNs = { kind: 'ConfigMap', metadata: { name: 'c' } };
    const argo = rehearse([noNs], { namespace: 'shop', createNamespace: true });
    expect(argo.applied.map((o) => o.metadata.namespace)).toEqual(['shop']);
    expect(argo.findings).toEqual([]);
    const kubectl = rehearse([noNs], { namespace: 'shop', createNamespace: false });
    expect(paths(kubectl.findings as any)).toEqual(['metadata.namespace']);
    expect(rehearse([{ kind: 'Namespace', metadata: { name: 'shop' } }, noNs], { namespace: 'shop', createNamespace: false }).findings).toEqual([]);
  });

  test('the secrets step runs first: a Secret for a namespace that does not exist yet is refused', () => {
    const script = '# comment\nkubectl create secret generic api-secrets --namespace=shop --from-literal=A=b --dry-run=client -o yaml | kubectl apply -f -\n';
    const step = parseSecretsScript(script, 'default');
    expect(step.objects).toEqual([{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'api-secrets', namespace: 'shop' } }]);
    expect(rehearse([], { namespace: 'shop', createNamespace: true }, step).findings.map((f) => f.check)).toEqual(['namespaces']);
    const withNs = parseSecretsScript(`kubectl create namespace shop --dry-run=client -o yaml | kubectl apply -f -\n${script}`, 'default');
    expect(rehearse([], { namespace: 'shop', createNamespace: true }, withNs).findings).toEqual([]);
    expect(parseSecretsScript('kubectl create secret generic s -n other --from-file=k=./f', 'default').objects[0].metadata.namespace).toBe('other');
    expect(parseSecretsScript('kubectl create secret generic s --from-literal=k=v', 'default').objects[0].metadata.namespace).toBe('default');
    expect(parseSecretsScript('rm -rf /', 'default').unparsed).toEqual(['rm -rf /']);
  });

  test('external Compose objects exist in the destination namespace (the user creates them)', () => {
    const c = rehearse([], { namespace: 'shop', createNamespace: true, external: [{ kind: 'PersistentVolumeClaim', name: 'pki' }] });
    expect(c.objects.filter((o) => o.kind === 'PersistentVolumeClaim').map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual(['shop/pki']);
  });

  test('manifest form: Secrets without a namespace go to the context namespace', () => {
    const step = parseSecretsManifest('# header\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: b\n  namespace: shop\n', 'default');
    expect(step.objects.map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual(['default/a', 'shop/b']);
  });

  test('label selectors', () => {
    expect(selectorMatches({ matchExpressions: [{ key: 'a', operator: 'In', values: ['x'] }] }, { a: 'x' })).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'a', operator: 'NotIn', values: ['x'] }] }, { a: 'x' })).toBe(false);
    expect(selectorMatches({ matchLabels: { a: 'x' }, matchExpressions: [{ key: 'b', operator: 'DoesNotExist' }] }, { a: 'x' })).toBe(true);
    expect(selectorMatches({}, { a: 'x' })).toBe(true);
  });
});

describe('1. references', () => {
  const pod = deployment('api', {
    imagePullSecrets: [{ name: 'registry-shop' }],
    volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }, { name: 'cfg', projected: { sources: [{ configMap: { name: 'cfg' } }, { secret: { name: 'tls' } }] } }],
    containers: [{
      name: 'api', image: 'api:1', env: [{ name: 'P', valueFrom: { secretKeyRef: { name: 'api-secrets', key: 'P' } } }, { name: 'O', valueFrom: { secretKeyRef: { name: 'opt', key: 'O', optional: true } } }],
      envFrom: [{ configMapRef: { name: 'api-env' } }], volumeMounts: [{ name: 'data', mountPath: '/data' }, { name: 'cfg', mountPath: '/cfg' }],
    }],
  });
  test('accepts a pod whose Secrets, ConfigMaps, claims and ServiceAccount exist in its namespace', () => {
    expect(checkReferences([pod, sa(), secret('registry-shop'), secret('api-secrets'), secret('tls'), configMap('cfg'), configMap('api-env'), pvc('data')])).toEqual([]);
  });
  test('names every missing object, and says where it exists instead', () => {
    const found = checkReferences([pod, secret('api-secrets', 'default')]);
    expect(paths(found)).toEqual([
      'spec.template.spec.serviceAccountName', 'spec.template.spec.imagePullSecrets[0]', 'spec.template.spec.volumes[0].persistentVolumeClaim.claimName',
      'spec.template.spec.volumes[1].projected.sources[0].configMap.name', 'spec.template.spec.volumes[1].projected.sources[1].secret.name',
      'spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef', 'spec.template.spec.containers[0].envFrom[0].configMapRef',
    ]);
    expect(found[5].message).toMatch(/Secret api-secrets does not exist in namespace "shop"; it exists in namespace "default"/);
  });
  test('StatefulSet mounts may name a volumeClaimTemplate; other unknown mounts are findings', () => {
    const sts: Obj = { ...deployment('db'), kind: 'StatefulSet' };
    sts.spec.volumeClaimTemplates = [{ metadata: { name: 'data' } }];
    sts.spec.template.spec.containers[0].volumeMounts = [{ name: 'data', mountPath: '/d' }];
    expect(checkReferences([sts, sa()])).toEqual([]);
    sts.spec.template.spec.containers[0].volumeMounts.push({ name: 'nope', mountPath: '/n' });
    expect(paths(checkReferences([sts, sa()]))).toEqual(['spec.template.spec.containers[0].volumeMounts[1]']);
  });
});

describe('2. services', () => {
  test('accepts a Service that selects a pod with its targetPort (by number or by name)', () => {
    expect(checkServices([deployment('api'), service('api')])).toEqual([]);
    expect(checkServices([deployment('api'), service('api', { ports: [{ port: 80, targetPort: 'http' }] })])).toEqual([]);
  });
  test('rejects a Service that selects nothing, or whose targetPort is not on the container', () => {
    expect(paths(checkServices([deployment('api'), service('web')]))).toEqual(['spec.selector']);
    expect(paths(checkServices([deployment('api'), service('api', { ports: [{ port: 80, targetPort: 9999 }, { port: 81, targetPort: 'metrics' }] })]))).toEqual(['spec.ports[0].targetPort', 'spec.ports[1].targetPort']);
    expect(paths(checkServices([service('api', { selector: {} })]))).toEqual(['spec.selector']);
  });
});

describe('3. wait-targets', () => {
  const waiting = (cmd: string) => deployment('api', { initContainers: [{ name: 'wait-db', image: 'busybox', command: ['sh', '-c', cmd] }] });
  test('parses nc and host:port forms', () => {
    expect(parseWaitTarget({ command: ['sh', '-c', 'until nc -z -w 2 postgres 5432; do sleep 2; done'] })).toEqual({ host: 'postgres', port: 5432 });
    expect(parseWaitTarget({ command: ['sh', '-c', 'until wget -q http://db.shop.svc:8000/; do sleep 1; done'] })).toEqual({ host: 'db.shop.svc', port: 8000 });
  });
  test('accepts a wait on a real Service port', () => {
    expect(checkWaitTargets([waiting('until nc -z -w 2 db 8000; do sleep 2; done'), deployment('db'), service('db')])).toEqual([]);
  });
  test('rejects a wait on a missing Service, a wrong port, or an unreadable command', () => {
    expect(checkWaitTargets([waiting('until nc -z db 8000; do sleep 2; done')])[0].message).toMatch(/no Service db in namespace "shop"/);
    expect(checkWaitTargets([waiting('until nc -z db 5432; do sleep 2; done'), deployment('db'), service('db')])[0].message).toMatch(/has ports 8000/);
    expect(paths(checkWaitTargets([waiting('sleep 10')]))).toEqual(['spec.template.spec.initContainers[0].command']);
  });
});

describe('4. network-policies', () => {
  const facts: ComposeFacts = { services: { web: { dependsOn: ['api'], hostRefs: [], asks: [] }, api: { dependsOn: [], hostRefs: [], asks: [] } } };
  const policy = (name: string, spec: Obj): Obj => ({ kind: 'NetworkPolicy', metadata: { name, namespace: NS }, spec });
  const sel = (...names: string[]) => ({ matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'In', values: names }] });
  const base = [deployment('web'), deployment('api'), service('api')];

  test('no policy: everything is allowed', () => {
    expect(checkNetworkPolicies(base, facts)).toEqual([]);
  });
  test('a dependency edge allowed by a podSelector rule (with named port) passes; one blocked is a finding', () => {
    const allow = policy('net', { podSelector: sel('web', 'api'), policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: sel('web', 'api') }], ports: [{ port: 'http' }] }] });
    expect(checkNetworkPolicies([...base, allow], facts)).toEqual([]);
    const deny = policy('net', { podSelector: sel('api'), policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: sel('api') }] }] });
    const found = checkNetworkPolicies([...base, deny], facts);
    expect(found.map((f) => f.object)).toEqual(['Deployment/shop/web']);
    expect(found[0].message).toMatch(/^Compose lets web reach api \(depends_on\) on Service api:8000 → 8000\/TCP; blocked by ingress: NetworkPolicy net/);
  });
  test('egress: a limited source needs a rule to the destination and DNS', () => {
    const egress = policy('net', { podSelector: sel('web'), policyTypes: ['Egress'], egress: [{ to: [{ podSelector: sel('api') }] }] });
    expect(checkNetworkPolicies([...base, egress], facts).map((f) => f.message)).toEqual([
      expect.stringMatching(/DNS \(UDP 53/), expect.stringMatching(/DNS \(TCP 53/),
    ]);
    const dns = policy('dns', { podSelector: sel('web'), policyTypes: ['Egress'], egress: [{ ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }] }] });
    expect(checkNetworkPolicies([...base, egress, dns], facts)).toEqual([]);
  });
  test('exposed ports: a LoadBalancer and an Ingress backend need a rule that admits outside traffic', () => {
    const lb = { ...service('api', { type: 'LoadBalancer' }), metadata: { name: 'api-public', namespace: NS } };
    const ing = { kind: 'Ingress', metadata: { name: 'api', namespace: NS }, spec: { rules: [{ http: { paths: [{ path: '/', backend: { service: { name: 'api', port: { number: 8000 } } } }] } }] } };
    const closed = policy('net', { podSelector: sel('api'), ingress: [{ from: [{ podSelector: sel('web') }] }] });
    expect(checkNetworkPolicies([...base, lb, ing, closed]).map((f) => f.object)).toEqual(['Service/shop/api-public', 'Ingress/shop/api']);
    const open = policy('public', { podSelector: sel('api'), ingress: [{ ports: [{ port: 8000, protocol: 'TCP' }] }] });
    expect(checkNetworkPolicies([...base, lb, ing, closed, open])).toEqual([]);
    const ipOnly = policy('public', { podSelector: sel('api'), ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }] });
    expect(checkNetworkPolicies([...base, lb, ing, closed, ipOnly]).map((f) => f.object)).toEqual(['Ingress/shop/api']);
    const nsSel = policy('ctl', { podSelector: sel('api'), ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }] }] });
    expect(checkNetworkPolicies([...base, ing, closed, nsSel])).toEqual([]);
  });
  test('ipBlock arithmetic and peers', () => {
    expect(cidrContains('203.0.113.0/24', '203.0.113.7')).toBe(true);
    expect(cidrContains('10.0.0.0/8', '203.0.113.7')).toBe(false);
    expect(cidrContains('0.0.0.0/0', '203.0.113.7')).toBe(true);
    const except = policy('p', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['203.0.113.0/24'] } }] }] });
    expect(blockedBy([except], EXTERNAL_CLIENT, { namespace: NS, labels: labels('api') }, 80)).toMatch(/ingress/);
    expect(blockedBy([except], INGRESS_CONTROLLER, { namespace: NS, labels: labels('api') }, 80)).toMatch(/ingress/);
  });
});

describe('5. data-directories', () => {
  const db = (image: string, mount: Obj, env: Obj[] = []) => deployment('db', {
    volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }],
    containers: [{ name: 'db', image, env, volumeMounts: [{ name: 'data', ...mount }] }],
  });
  test('the table: postgres and mysql must start empty, with a reason each; mariadb and mongo are recorded as fine', () => {
    expect(dataDirRow('postgres:16-alpine')?.fails).toBe(true);
    expect(dataDirRow('docker.io/library/mysql:8')?.fails).toBe(true);
    expect(dataDirRow('percona/percona-server:8.0')?.fails).toBe(true);
    expect(dataDirRow('mariadb:10-focal')?.fails).toBe(false);
    expect(dataDirRow('mongo:7')?.fails).toBe(false);
    expect(dataDirRow('redis:7')).toBeUndefined();
    expect(dataDirRow('postgres:18-alpine')).toBeUndefined();
    expect(dataDirRow('postgres:alpine')?.fails).toBe(true);
    expect(imageRepository('registry.example.com:5000/postgis/postgis:16@sha256:abc')).toBe('postgis/postgis');
    for (const r of DATA_DIRS) expect(r.reason.length).toBeGreaterThan(30);
  });
  test('accepts a subPath, PGDATA in a subfolder, or a mount above the data directory', () => {
    expect(checkDataDirectories([db('postgres:16', { mountPath: '/var/lib/postgresql/data', subPath: 'pgdata' })])).toEqual([]);
    expect(checkDataDirectories([db('postgres:16', { mountPath: '/var/lib/postgresql/data' }, [{ name: 'PGDATA', value: '/var/lib/postgresql/data/pgdata' }])])).toEqual([]);
    expect(checkDataDirectories([db('mysql:8', { mountPath: '/var/lib' })])).toEqual([]);
    expect(checkDataDirectories([db('mariadb:11', { mountPath: '/var/lib/mysql' })])).toEqual([]);
  });
  test('rejects a claim mounted at the data directory itself (PGDATA from a ConfigMap counts)', () => {
    expect(paths(checkDataDirectories([db('postgres:16-alpine', { mountPath: '/var/lib/postgresql/data/' })]))).toEqual(['spec.template.spec.containers[0].volumeMounts[0]']);
    expect(checkDataDirectories([db('mysql:8.0', { mountPath: '/var/lib/mysql' })])).toHaveLength(1);
    const viaCm = db('postgres:16', { mountPath: '/pg' }, [{ name: 'PGDATA', valueFrom: { configMapKeyRef: { name: 'env', key: 'PGDATA' } } }]);
    expect(checkDataDirectories([viaCm, configMap('env', { PGDATA: '/pg' })])).toHaveLength(1);
  });
});

describe('6. claims', () => {
  test('dist/: accepts Prune=false and Delete=false; rejects a claim without them', () => {
    expect(checkClaims([pvc('data', { 'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false' })], { source: 'dist' })).toEqual([]);
    expect(checkClaims([pvc('data', { 'argocd.argoproj.io/sync-options': 'Prune=false' })], { source: 'dist' }).map((f) => f.message.slice(0, 18))).toEqual(['lacks Delete=false']);
    expect(checkClaims([pvc('data')], { source: 'dist', optedOut: () => true })).toEqual([]);
  });
  test('chart: accepts helm.sh/resource-policy: keep; rejects a claim without it', () => {
    expect(checkClaims([pvc('data', { 'helm.sh/resource-policy': 'keep' })], { source: 'chart' })).toEqual([]);
    expect(checkClaims([pvc('data')], { source: 'chart' })).toHaveLength(1);
  });
  test('a StatefulSet that deletes its claims with it is a finding', () => {
    const sts = { kind: 'StatefulSet', metadata: { name: 'db', namespace: NS }, spec: { volumeClaimTemplates: [{ metadata: { name: 'd' } }], persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete' } } };
    expect(paths(checkClaims([sts], { source: 'dist' }))).toEqual(['spec.persistentVolumeClaimRetentionPolicy.whenDeleted']);
  });
});

describe('7. pod-security', () => {
  const hardened = { allowPrivilegeEscalation: false, runAsNonRoot: true, runAsUser: 65534, capabilities: { drop: ['ALL'] } };
  const helper = (sc: Obj, resources: Obj = { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '32Mi' } }) => ({ name: 'wait-db', image: 'busybox', command: ['sh'], securityContext: sc, resources });
  const pod = (extra: Obj) => deployment('api', { securityContext: { seccompProfile: { type: 'RuntimeDefault' } }, ...extra });
  test('the levels as data', () => {
    expect(BASELINE_CAPABILITIES).toContain('NET_BIND_SERVICE');
    expect(BASELINE_CAPABILITIES).not.toContain('NET_ADMIN');
    expect(baselineViolations({ hostNetwork: true, containers: [{ name: 'c', securityContext: { capabilities: { add: ['NET_ADMIN', 'CHOWN'] } } }] }, 's').map((v) => v.control)).toEqual(['Host Namespaces', 'Capabilities']);
    expect(restrictedViolations({ securityContext: { seccompProfile: { type: 'RuntimeDefault' } }, containers: [{ name: 'c', securityContext: hardened }] }, 's')).toEqual([]);
    expect(restrictedViolations({ volumes: [{ name: 'h', hostPath: { path: '/' } }], containers: [] }, 's').map((v) => v.control)).toEqual(['HostPath Volumes', 'Volume Types']);
  });
  test('accepts RuntimeDefault pods with hardened, sized helpers', () => {
    expect(checkPodSecurity([pod({ initContainers: [helper(hardened)] })])).toEqual([]);
  });
  test('rejects a pod without RuntimeDefault, an unhardened or unsized helper', () => {
    expect(paths(checkPodSecurity([deployment('api')]))).toEqual(['spec.template.spec.securityContext.seccompProfile']);
    const found = checkPodSecurity([pod({ initContainers: [helper({}, {})] })]);
    expect(found.map((f) => f.path)).toEqual([
      'spec.template.spec.initContainers[0].securityContext.allowPrivilegeEscalation', 'spec.template.spec.initContainers[0].securityContext.runAsNonRoot',
      'spec.template.spec.initContainers[0].securityContext.capabilities.drop', 'spec.template.spec.initContainers[0].resources',
    ]);
  });
  test('below baseline only when the Compose file asks for it', () => {
    const priv = pod({ hostNetwork: true, containers: [{ name: 'api', image: 'x', securityContext: { privileged: true } }] });
    expect(checkPodSecurity([priv]).map((f) => f.path)).toEqual(['spec.template.spec.hostNetwork', 'spec.template.spec.containers[0].securityContext.privileged']);
    const facts: ComposeFacts = { services: { api: { dependsOn: [], hostRefs: [], asks: ['hostNetwork', 'privileged'] } } };
    expect(checkPodSecurity([priv], facts)).toEqual([]);
    const unconfined = deployment('api', { securityContext: { seccompProfile: { type: 'Unconfined' } } });
    expect(checkPodSecurity([unconfined], { services: { api: { dependsOn: [], hostRefs: [], asks: ['seccomp'] } } })).toEqual([]);
  });
});

describe('8. statefulset-service', () => {
  const sts = { kind: 'StatefulSet', metadata: { name: 'db', namespace: NS }, spec: { serviceName: 'db', template: { metadata: { labels: labels('db') } } } };
  test('accepts a headless governing Service', () => {
    expect(checkStatefulSetServices([sts, service('db', { clusterIP: 'None' })])).toEqual([]);
  });
  test('rejects a ClusterIP or missing governing Service', () => {
    expect(checkStatefulSetServices([sts, service('db')])[0].message).toMatch(/not headless/);
    expect(checkStatefulSetServices([sts])[0].message).toMatch(/does not exist/);
  });
});

describe('runner helpers', () => {
  test('Compose facts from the loader: depends_on, host names in the environment, asks below baseline', () => {
    const dir = fs.mkdtempSync(path.join(require('os').tmpdir(), 'rehearsal-facts-'));
    try {
      fs.writeFileSync(path.join(dir, 'compose.yaml'), [
        'services:',
        '  web: { image: nginx, depends_on: [api], environment: { API: "http://api:8000", CACHE: "redis://cache:6379/0", SCHEME: "redis://x" } }',
        '  api: { image: api, network_mode: host, cap_add: [NET_ADMIN], privileged: true }',
        '  cache: { image: redis }',
        '  redis: { image: redis }',
      ].join('\n'));
      const facts = composeFacts(loadProject({ files: [path.join(dir, 'compose.yaml')], cwd: dir, env: {} }));
      expect(facts.services.web).toEqual({ dependsOn: ['api'], hostRefs: ['api', 'cache'], asks: [] });
      expect(facts.services.api.asks).toEqual(['capabilities', 'hostNetwork', 'privileged']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
  test('exposure values switch every Service to LoadBalancer and every Ingress on', () => {
    expect(exposureValues({ services: { a: { service: { type: 'ClusterIP' }, ingress: { enabled: false } }, b: { replicas: 1 } } })).toEqual({ services: { a: { service: { type: 'LoadBalancer' }, ingress: { enabled: true } } } });
  });
  test('the checks never import the planner or the constructs (nor anything under lib/)', () => {
    for (const f of ['model.ts', 'cluster.ts', 'checks.ts', 'pss.ts', 'data-dirs.ts']) {
      const text = fs.readFileSync(path.join(__dirname, f), 'utf8');
      expect([f, text.match(/from '[^']*lib\/[^']*'/g)]).toEqual([f, null]);
    }
  });
});
