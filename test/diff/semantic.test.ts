/**
 * The semantic diff engine on hand-written objects: every facet a reviewer reads (image, replicas,
 * env, ports, probes, resources, mounts, objects), secrets never shown, nothing silently dropped.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import type { ManifestDiff } from '../../lib/output/review/changes';
import { formatText } from '../../lib/output/review/format';
import { parseManifestFiles, readManifestDir } from '../../lib/output/review/manifest-set';
import { diffManifests, parseImage } from '../../lib/output/review/semantic';
import { REDACTED, redactSecrets, unifiedDiff } from '../../lib/output/review/unified';

type Obj = Record<string, any>;

const labels = (app?: string) => ({ ...(app ? { 'app.kubernetes.io/name': app } : {}), 'app.kubernetes.io/part-of': 'demo' });

function deployment(name: string, container: Obj = {}, over: Obj = {}, pod: Obj = {}): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels: labels(name) },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels(name) },
      template: {
        metadata: { labels: labels(name) },
        spec: { containers: [{ name, image: `${name}:1`, ...container }], ...pod },
      },
      ...over,
    },
  };
}

function files(...objects: Obj[]): Record<string, string> {
  return { 'demo.k8s.yaml': objects.map((o) => stringify(o)).join('---\n') };
}

function diff(before: Obj[], after: Obj[]): ManifestDiff {
  const a = parseManifestFiles(files(...before));
  const b = parseManifestFiles(files(...after));
  expect([...a.diagnostics, ...b.diagnostics]).toEqual([]);
  return diffManifests(a.set, b.set);
}

/** The text summary as lines. */
function lines(before: Obj[], after: Obj[]): string[] {
  return formatText(diff(before, after)).trimEnd().split('\n');
}

describe('semantic diff', () => {
  it('equal objects in another order and layout are equal', () => {
    const a = [deployment('api'), deployment('web')];
    const d = diffManifests(parseManifestFiles(files(...a)).set, parseManifestFiles({ 'x.yaml': stringify(a[1]), 'y/z.yml': stringify(a[0]) }).set);
    expect(d.equal).toBe(true);
    expect(formatText(d)).toBe('no changes\n');
  });

  it('image tag, digest and repository', () => {
    expect(lines([deployment('api', { image: 'registry.digitalocean.com/r/api:abc' })], [deployment('api', { image: 'registry.digitalocean.com/r/api:def' })]))
      .toEqual(['1 service changed', 'api: changed', '  image tag abc → def (registry.digitalocean.com/r/api)']);
    expect(lines([deployment('api', { image: 'redis:7@sha256:aaa' })], [deployment('api', { image: 'redis:7@sha256:bbb' })]).slice(2))
      .toEqual(['  image digest sha256:aaa → sha256:bbb (redis)']);
    expect(lines([deployment('api', { image: 'redis:7' })], [deployment('api', { image: 'valkey/valkey:7' })]).slice(2))
      .toEqual(['  image redis:7 → valkey/valkey:7']);
    expect(parseImage('localhost:5000/x/y:1.2@sha256:f')).toEqual({ repo: 'localhost:5000/x/y', tag: '1.2', digest: 'sha256:f' });
    expect(parseImage('localhost:5000/x/y')).toEqual({ repo: 'localhost:5000/x/y' });
  });

  it('replicas (absent means 1)', () => {
    const a = deployment('api');
    delete a.spec.replicas;
    expect(lines([a], [deployment('api', {}, { replicas: 3 })]).slice(2)).toEqual(['  replicas 1 → 3']);
  });

  it('env: added, removed, changed, order ignored, secret-backed never shown', () => {
    const secretRef = (name: string, key: string) => ({ valueFrom: { secretKeyRef: { name, key } } });
    const before = deployment('api', { env: [
      { name: 'A', value: '1' },
      { name: 'GONE', value: 'x' },
      { name: 'DB_PASSWORD', ...secretRef('api-secrets', 'DB_PASSWORD') },
      { name: 'CACHE_URL', value: 'redis://cache:6379' },
      { name: 'TOKEN', ...secretRef('api-secrets', 'TOKEN') },
    ] });
    const after = deployment('api', { env: [
      { name: 'TOKEN', value: 'now-plain' },
      { name: 'CACHE_URL', ...secretRef('api-secrets', 'CACHE_URL') },
      { name: 'DB_PASSWORD', ...secretRef('db-secrets', 'DB_PASSWORD') },
      { name: 'NEW', value: 'has space' },
      { name: 'KEY', ...secretRef('api-secrets', 'KEY') },
      { name: 'A', value: '2' },
    ] });
    const out = lines([before], [after]);
    expect(out.slice(2)).toEqual([
      '  env A changed: 1 → 2',
      '  env CACHE_URL changed (now from Secret api-secrets; value not shown)',
      '  env DB_PASSWORD changed (secret-backed; value not shown)',
      '  env GONE removed',
      '  env KEY added (from Secret api-secrets)',
      '  env NEW added = "has space"',
      '  env TOKEN changed (no longer from a Secret; value not shown)',
    ]);
    expect(out.join('\n')).not.toContain('redis://cache');
    expect(out.join('\n')).not.toContain('now-plain');
  });

  it('env from an env_file ConfigMap is reported as env, not as ConfigMap data', () => {
    const cm = (data: Obj) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'api-env', labels: labels('api') }, data });
    const d = deployment('api', { envFrom: [{ configMapRef: { name: 'api-env' } }], env: [{ name: 'B', value: 'literal' }] });
    expect(lines([cm({ A: '1', B: 'cm' }), d], [cm({ A: '2', B: 'cm', C: '3' }), d]).slice(1)).toEqual([
      'api: changed',
      '  env A changed: 1 → 2',
      '  env C added = 3',
    ]);
    const other = deployment('api', { envFrom: [{ secretRef: { name: 'api-extra' } }] });
    expect(lines([deployment('api')], [other]).slice(2)).toEqual(['  env from Secret api-extra added']);
  });

  it('ports: renamed, moved, added, removed; Service ports and targets', () => {
    const port = (name: string | undefined, containerPort: number) => ({ ...(name ? { name } : {}), containerPort, protocol: 'TCP' });
    const svc = (ports: Obj[]) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', labels: labels('web') }, spec: { type: 'ClusterIP', ports } });
    const before = [deployment('web', { ports: [port('tcp-80', 80), port('metrics', 9090), port('old', 7000)] }), svc([{ name: 'tcp-80', port: 80, targetPort: 80, protocol: 'TCP' }, { name: 'admin', port: 81, targetPort: 81, protocol: 'TCP' }])];
    const after = [deployment('web', { ports: [port('http', 80), port('metrics', 9100), port('grpc', 9000)] }), svc([{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }, { name: 'udp', port: 53, targetPort: 53, protocol: 'UDP' }])];
    expect(lines(before, after).slice(2)).toEqual([
      '  port 80/TCP renamed tcp-80 → http',
      '  port metrics moved 9090/TCP → 9100/TCP',
      '  port grpc 9000/TCP added',
      '  port old 7000/TCP removed',
      '  Service port 80/TCP renamed tcp-80 → http',
      '  Service port http target 80 → 8080',
      '  Service port udp 53/UDP added',
      '  Service port admin 81/TCP removed',
    ]);
  });

  it('probes and resources', () => {
    const probe = (period: number) => ({ exec: { command: ['pg_isready'] }, periodSeconds: period, failureThreshold: 3 });
    const before = deployment('db', { readinessProbe: probe(30), livenessProbe: probe(30), resources: { limits: { cpu: '500m', memory: '256Mi' } } });
    const after = deployment('db', { readinessProbe: probe(10), startupProbe: { tcpSocket: { port: 5432 } }, resources: { limits: { cpu: '1' }, requests: { memory: '128Mi' } } });
    expect(lines([before], [after]).slice(2)).toEqual([
      '  readiness probe changed: periodSeconds 30 → 10',
      '  liveness probe removed',
      '  startup probe added (tcp port 5432)',
      '  resources limits.cpu: 500m → 1',
      '  resources limits.memory removed (was 256Mi)',
      '  resources requests.memory set to 128Mi',
    ]);
  });

  it('volume mounts described by their volume', () => {
    const before = deployment('db', { volumeMounts: [{ name: 'data', mountPath: '/data' }, { name: 'tmp', mountPath: '/tmp' }, { name: 'conf', mountPath: '/etc/conf', readOnly: true }] }, {}, {
      volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }, { name: 'tmp', emptyDir: {} }, { name: 'conf', configMap: { name: 'db-conf' } }],
    });
    const after = deployment('db', { volumeMounts: [{ name: 'data', mountPath: '/data', readOnly: true }, { name: 'shm', mountPath: '/dev/shm' }, { name: 'conf', mountPath: '/etc/conf', readOnly: true }] }, {}, {
      volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data2' } }, { name: 'shm', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } }, { name: 'conf', configMap: { name: 'db-conf', defaultMode: 0o444 } }],
    });
    expect(lines([before], [after]).slice(2)).toEqual([
      '  volume mount /data changed: claim data → claim data2, read-only',
      '  volume mount /dev/shm added (emptyDir (Memory, size 64Mi))',
      '  volume mount /etc/conf changed (settings of ConfigMap db-conf, read-only changed)',
      '  volume mount /tmp removed (emptyDir)',
    ]);
  });

  it('names the container only when the pod has several (init containers always)', () => {
    const init = { initContainers: [{ name: 'wait-db', image: 'busybox:1.36' }] };
    expect(lines([deployment('api', {}, {}, init)], [deployment('api', { image: 'api:2' }, {}, { initContainers: [{ name: 'wait-db', image: 'busybox:1.37' }] })]).slice(2)).toEqual([
      '  container wait-db: image tag 1.36 → 1.37 (busybox)',
      '  image tag 1 → 2 (api)',
    ]);
    const two = (img: string) => deployment('api', {}, {}, { containers: [{ name: 'api', image: 'api:1' }, { name: 'proxy', image: img }] });
    expect(lines([two('envoy:1')], [two('envoy:2')]).slice(2)).toEqual(['  container proxy: image tag 1 → 2 (envoy)']);
  });

  it('new and deleted objects, containers, and any other field by path', () => {
    const pvc = (size: string) => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', labels: labels() }, spec: { resources: { requests: { storage: size } } } });
    const before = [deployment('api', { args: ['serve'] }), pvc('1Gi'), deployment('old')];
    const after = [
      deployment('api', { args: ['serve', '--debug'] }, {}, { initContainers: [{ name: 'wait-db', image: 'busybox:1.36' }] }),
      pvc('5Gi'),
      deployment('new', { image: 'new:2' }),
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'new', labels: labels('new') }, spec: { ports: [{ port: 1 }] } },
    ];
    expect(lines(before, after)).toEqual([
      '1 service changed, 1 service added, 1 service removed, shared objects changed',
      'api: changed',
      '  container wait-db added (image busybox:1.36)',
      '  Deployment/api: spec.template.spec.containers[api].args changed: ["serve"] → ["serve","--debug"]',
      'new: added',
      '  Deployment/new added (image new:2)',
      '  Service/new added',
      'old: removed',
      '  Deployment/old deleted',
      'shared objects: changed',
      '  PersistentVolumeClaim/data: spec.resources.requests.storage changed: 1Gi → 5Gi',
    ]);
  });

  it('Secret objects: keys reported, values never, also in the raw diff', () => {
    const secret = (data: Obj, stringData?: Obj) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'api-secrets', labels: labels('api') }, type: 'Opaque', data, ...(stringData ? { stringData } : {}) });
    const before = [secret({ API_KEY: Buffer.from('old-api-key').toString('base64'), GONE: 'eA==' })];
    const after = [secret({ API_KEY: Buffer.from('new-api-key').toString('base64') }, { ADDED: 'plain-new-secret' })];
    const out = lines(before, after);
    expect(out.slice(1)).toEqual([
      'api: changed',
      '  Secret/api-secrets: key ADDED added (value not shown)',
      '  Secret/api-secrets: key API_KEY changed (value not shown)',
      '  Secret/api-secrets: key GONE removed',
    ]);
    const raw = unifiedDiff(files(...before), files(...after));
    for (const v of ['old-api-key', 'new-api-key', 'plain-new-secret', Buffer.from('old-api-key').toString('base64'), Buffer.from('new-api-key').toString('base64'), 'eA==']) {
      expect(raw).not.toContain(v);
      expect(JSON.stringify(diff(before, after))).not.toContain(v);
    }
    expect(raw).toContain(`+stringData:\n+  ADDED: ${REDACTED}\n`);
    expect(redactSecrets('kind: ConfigMap\ndata:\n  A: b\n')).toBe('kind: ConfigMap\ndata:\n  A: b\n');
  });

  it('raw diff reads like git diff, empty when equal', () => {
    const a = files(deployment('api'));
    const b = files(deployment('api', {}, { replicas: 2 }));
    expect(unifiedDiff(a, a)).toBe('');
    const raw = unifiedDiff(a, b);
    expect(raw.split('\n').slice(0, 3)).toEqual(['--- a/demo.k8s.yaml', '+++ b/demo.k8s.yaml', expect.stringMatching(/^@@ /)]);
    expect(raw).toContain('\n-  replicas: 1\n+  replicas: 2\n');
    expect(unifiedDiff({}, { 'new.yaml': 'a: 1\n' })).toBe('--- /dev/null\n+++ b/new.yaml\n@@ -0,0 +1,1 @@\n+a: 1\n');
  });

  it('a kustomization.yaml next to the manifests is not an object to compare', () => {
    const kust = '# Generated\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - demo.k8s.yaml\n';
    const r = parseManifestFiles({ ...files(deployment('api')), 'kustomization.yaml': kust });
    expect(r.diagnostics).toEqual([]);
    expect([...r.set.objects.values()].map((e) => e.label)).toEqual(['Deployment/api']);
  });

  it('reads the Kustomization synth writes at the top and in each environment\'s folder, and no other extension-less file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'manifest-dir-'));
    try {
      const kust = 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - demo.k8s.yaml\n';
      for (const sub of ['', 'staging', 'prod']) {
        fs.mkdirSync(path.join(dir, sub), { recursive: true });
        fs.writeFileSync(path.join(dir, sub, 'Kustomization'), kust);
        fs.writeFileSync(path.join(dir, sub, 'demo.k8s.yaml'), stringify(deployment('api')));
        fs.writeFileSync(path.join(dir, sub, 'NotAKustomization'), 'x');
      }
      fs.writeFileSync(path.join(dir, '.compose-cdk8s'), 'Kustomization\n');
      expect(Object.keys(readManifestDir(dir))).toEqual([
        'Kustomization', 'demo.k8s.yaml', 'prod/Kustomization', 'prod/demo.k8s.yaml', 'staging/Kustomization', 'staging/demo.k8s.yaml',
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('bad input is reported with a location, not thrown', () => {
    const r = parseManifestFiles({ 'a.yaml': 'kind: [\n', 'b.yaml': 'foo: 1\n', 'c.yaml': stringify(deployment('x')) + '---\n' + stringify(deployment('x')) });
    expect(r.diagnostics.map((d) => `${d.location?.file}:${d.location?.line} ${d.message.split(':')[0]}`)).toEqual([
      'a.yaml:1 not valid YAML',
      'b.yaml:1 not a Kubernetes object (no kind or metadata.name)',
      'c.yaml:1 Deployment/x is defined twice (again in c.yaml)',
    ]);
  });
});
