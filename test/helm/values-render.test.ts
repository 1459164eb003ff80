/**
 * Every value renders (issue 20): the example's chart rendered with one `--set` per value family.
 * Each case asserts the change in the rendered object, that the render passes the Kubernetes
 * schema, and that `helm lint --strict` with the same values finds nothing. Values the templates
 * could not render are refused by values.schema.json.
 */
import * as path from 'path';
import * as YAML from 'yaml';
import { renderHelmChart } from '../../lib/output/render/helm';
import { convert } from '../../lib/pipeline';
import { removeCharts, renderChecked, writeChart } from './chart-dir';
import { helmTemplate } from '../oracles/helm';
import { restrictedViolations } from '../rehearsal/pss';

type Obj = Record<string, any>;

const ROOT = path.resolve(__dirname, '..', '..');
const EXAMPLE = path.join(ROOT, 'examples', 'the-shop', 'docker-compose.yml');
const TAG = '0123456789abcdef0123456789abcdef01234567';
const DIGEST = `sha256:${'ab'.repeat(32)}`;

afterAll(removeCharts);

const { plan } = convert({ files: [EXAMPLE], env: { IMAGE_TAG: TAG }, cwd: ROOT });
const dir = writeChart(renderHelmChart(plan));

function get(objects: readonly Obj[], kind: string, name: string): Obj {
  const o = objects.find((x) => x.kind === kind && x.metadata?.name === name);
  if (!o) throw new Error(`no ${kind}/${name} in ${objects.map((x) => `${x.kind}/${x.metadata?.name}`).join(', ')}`);
  return o;
}

function container(objects: readonly Obj[], name: string): Obj {
  return get(objects, 'Deployment', name).spec.template.spec.containers[0];
}

/** helm template fails, its message naming `needle`. */
function refused(args: readonly string[], needle: string): void {
  const r = helmTemplate(dir, ['--namespace', 'shop', ...args]);
  expect(r.code).not.toBe(0);
  expect(r.stderr).toContain(needle);
}

describe('every value renders', () => {
  it('env: a new key adds a variable, a known key overrides it (container env or env ConfigMap)', () => {
    const objects = renderChecked(dir, ['--set', 'services.api.env.NEW_VAR=x', '--set', 'services.api.env.LOG_LEVEL=debug', '--set', 'services.api.env.DATABASE_HOST=db2']);
    const env = container(objects, 'api').env as Obj[];
    expect(env).toContainEqual({ name: 'NEW_VAR', value: 'x' });
    expect(env).toContainEqual({ name: 'LOG_LEVEL', value: 'debug' });
    expect(env.filter((e) => e.name === 'LOG_LEVEL')).toHaveLength(1);
    expect(get(objects, 'ConfigMap', 'api-env').data.DATABASE_HOST).toBe('db2');
    // a service with no env of its own gets one
    const proxy = renderChecked(dir, ['--set', 'services.proxy.env.FOO=bar']);
    expect(container(proxy, 'proxy').env).toEqual([{ name: 'FOO', value: 'bar' }]);
  });

  it('env: the schema refuses a variable read from a Secret, and a name Kubernetes refuses', () => {
    refused(['--set', 'services.api.env.POSTGRES_PASSWORD=x'], 'POSTGRES_PASSWORD');
    refused(['--set', 'services.api.env.1BAD=x'], '1BAD');
  });

  it('resources and replicas', () => {
    const objects = renderChecked(dir, ['--set', 'services.payments.resources.limits.cpu=250m', '--set', 'services.payments.replicas=3']);
    expect(container(objects, 'payments').resources.limits).toEqual({ cpu: '250m' });
    expect(get(objects, 'Deployment', 'payments').spec.replicas).toBe(3);
  });

  it('image: repository, tag, digest and pullPolicy, for built and pulled images', () => {
    const objects = renderChecked(dir, [
      '--set', 'services.postgres.image.tag=17-alpine',
      '--set', 'services.redis.image.repository=valkey/valkey', '--set', `services.redis.image.digest=${DIGEST}`,
      '--set', `services.api.image.digest=${DIGEST}`, '--set', 'services.api.image.pullPolicy=Always',
      '--set', 'services.payments.image.tag=v2',
    ]);
    expect(container(objects, 'postgres').image).toBe('postgres:17-alpine');
    expect(container(objects, 'redis').image).toBe(`valkey/valkey@${DIGEST}`);
    expect(container(objects, 'api').image).toBe(`registry.digitalocean.com/the-shop/api@${DIGEST}`);
    expect(container(objects, 'api').imagePullPolicy).toBe('Always');
    expect(container(objects, 'payments').image).toBe('registry.digitalocean.com/the-shop/payments:v2');
    refused(['--set', 'services.api.image.digest=latest'], 'digest');
  });

  it('service type and annotations', () => {
    const objects = renderChecked(dir, ['--set', 'services.api.service.type=LoadBalancer', '--set', 'services.api.service.annotations.example\\.com/lb=yes']);
    const svc = get(objects, 'Service', 'api');
    expect(svc.spec.type).toBe('LoadBalancer');
    expect(svc.metadata.annotations).toEqual({ 'example.com/lb': 'yes' });
  });

  it('ingress', () => {
    const objects = renderChecked(dir, ['--set', 'services.storefront.ingress.enabled=true', '--set', 'services.storefront.ingress.className=nginx']);
    const ing = get(objects, 'Ingress', 'storefront');
    expect(ing.spec.ingressClassName).toBe('nginx');
    expect(ing.spec.rules[0].http.paths[0].backend.service).toEqual({ name: 'storefront', port: { number: 3000 } });
  });

  it('persistence: size, storageClass, existingClaim', () => {
    const objects = renderChecked(dir, ['--set', 'persistence.pgdata.size=20Gi', '--set', 'persistence.pgdata.storageClass=fast', '--set', 'persistence.redisdata.existingClaim=my-redis']);
    expect(get(objects, 'PersistentVolumeClaim', 'pgdata').spec).toMatchObject({ resources: { requests: { storage: '20Gi' } }, storageClassName: 'fast' });
    expect(objects.some((o) => o.kind === 'PersistentVolumeClaim' && o.metadata.name === 'redisdata')).toBe(false);
    const volumes = get(objects, 'Deployment', 'redis').spec.template.spec.volumes as Obj[];
    expect(volumes.map((v) => v.persistentVolumeClaim?.claimName).filter(Boolean)).toEqual(['my-redis']);
  });

  it('scheduling: nodeSelector, tolerations, affinity', () => {
    const affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'size', operator: 'In', values: ['large'] }] }] } } };
    const objects = renderChecked(dir, [
      '--set', 'services.worker.nodeSelector.pool=jobs',
      '--set-json', 'services.worker.tolerations=[{"key":"dedicated","operator":"Equal","value":"jobs","effect":"NoSchedule"}]',
      '--set-json', `services.worker.affinity=${JSON.stringify(affinity)}`,
    ]);
    const pod = get(objects, 'Deployment', 'worker').spec.template.spec;
    expect(pod.nodeSelector).toEqual({ pool: 'jobs' });
    expect(pod.tolerations).toEqual([{ key: 'dedicated', operator: 'Equal', value: 'jobs', effect: 'NoSchedule' }]);
    expect(pod.affinity).toEqual(affinity);
  });

  it('pull secrets take the form every chart uses, [{name: …}], and only that', () => {
    const objects = renderChecked(dir, ['--set-json', 'global.imagePullSecrets=[{"name":"my-pull"}]']);
    expect(get(objects, 'Deployment', 'api').spec.template.spec.imagePullSecrets).toEqual([{ name: 'my-pull' }]);
    refused(['--set-json', 'global.imagePullSecrets=["my-pull"]'], 'imagePullSecrets');
  });
});

describe('honest options', () => {
  it('offers an Ingress for HTTP services only: none for postgres and redis (raw TCP)', () => {
    const values = renderHelmChart(plan).files['values.yaml'];
    const parsed = YAML.parse(values) as Obj;
    expect(Object.keys(parsed.services).filter((k) => parsed.services[k].ingress).sort()).toEqual(['api', 'payments', 'proxy', 'storefront']);
    refused(['--set', 'services.postgres.ingress.enabled=true'], 'ingress');
    refused(['--set', 'services.redis.ingress.enabled=true'], 'ingress');
  });

  it('refuses autoscaling on a ReadWriteOnce claim with a message saying why', () => {
    refused(['--set', 'services.postgres.autoscaling.enabled=true'], 'services.postgres.autoscaling: postgres mounts the ReadWriteOnce claim pgdata');
    const objects = renderChecked(dir, ['--set', 'services.api.autoscaling.enabled=true']);
    expect(get(objects, 'HorizontalPodAutoscaler', 'api').spec.scaleTargetRef.name).toBe('api');
  });

  it('merges annotations so a key appears once: object value > service value > the chart\'s own > commonAnnotations', () => {
    const objects = renderChecked(dir, [
      '--set-string', 'commonAnnotations.argocd\\.argoproj\\.io/sync-wave=5', '--set', 'commonAnnotations.team=shop',
      '--set', 'services.api.annotations.team=api', '--set', 'services.api.service.annotations.team=api-svc',
    ]);
    const deployment = get(objects, 'Deployment', 'api');
    expect(deployment.metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-wave': '1', 'compose-cdk8s.io/git-sha': TAG, team: 'api' });
    expect(get(objects, 'Service', 'api').metadata.annotations).toMatchObject({ 'argocd.argoproj.io/sync-wave': '5', team: 'api-svc' });
    expect(get(objects, 'Deployment', 'payments').metadata.annotations).toMatchObject({ team: 'shop' });
    const overridden = renderChecked(dir, ['--set-string', 'services.api.annotations.argocd\\.argoproj\\.io/sync-wave=7']);
    expect(get(overridden, 'Deployment', 'api').metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('7');
  });

  it('merges labels so a key appears once, the chart\'s own winning', () => {
    const objects = renderChecked(dir, ['--set', 'commonLabels.app\\.kubernetes\\.io/name=x', '--set', 'commonLabels.team=shop', '--set', 'services.api.podLabels.app\\.kubernetes\\.io/name=y']);
    const api = get(objects, 'Deployment', 'api');
    expect(api.metadata.labels).toMatchObject({ 'app.kubernetes.io/name': 'api', team: 'shop' });
    expect(api.spec.template.metadata.labels['app.kubernetes.io/name']).toBe('api');
  });
});

describe('helm test', () => {
  it('has one hardened pod per Service, checking it answers on its port', () => {
    const objects = renderChecked(dir, []);
    const services = objects.filter((o) => o.kind === 'Service');
    const pods = objects.filter((o) => o.kind === 'Pod');
    expect(pods.map((p) => p.metadata.name).sort()).toEqual(services.map((s) => `${s.metadata.name}-test-connection`).sort());
    for (const pod of pods) {
      const svc = services.find((s) => pod.metadata.name === `${s.metadata.name}-test-connection`)!;
      expect(pod.metadata.annotations['helm.sh/hook']).toBe('test');
      expect(pod.spec.containers[0].command).toEqual(['sh', '-c', `nc -z -w 5 ${svc.metadata.name} ${svc.spec.ports[0].port}`]);
      expect(pod.spec.containers[0].image).toMatch(/^busybox:\d+\.\d+\.\d+$/);
      expect(pod.spec.containers[0].resources.limits).toEqual({ cpu: '100m', memory: '32Mi' });
      expect(restrictedViolations(pod.spec, 'spec')).toEqual([]);
    }
    // the target follows prefixNames
    const prefixed = renderChecked(dir, ['--set', 'prefixNames=true'], 'blue');
    const pod = get(prefixed, 'Pod', 'blue-the-shop-postgres-test-connection');
    expect(pod.spec.containers[0].command[2]).toBe('nc -z -w 5 blue-the-shop-postgres 5432');
    expect(renderChecked(dir, ['--set', 'tests.enabled=false']).some((o) => o.kind === 'Pod')).toBe(false);
  });
});

describe('docs', () => {
  it('the README has one values table from values.yaml\'s comments: every key, its default and a description', () => {
    const files = renderHelmChart(plan).files;
    const rows = files['README.md'].split('\n').filter((l) => l.startsWith('| `'));
    const keys = rows.map((r) => r.split(' | ')[0].replace(/^\| `|`$/g, ''));
    const values = YAML.parse(files['values.yaml']) as Obj;
    for (const k of ['global.image.tag', 'services.api.env', 'services.api.image.digest', 'persistence.pgdata.existingClaim', 'prefixNames', 'releaseInfo.enabled', 'tests.image']) expect(keys).toContain(k);
    expect(Object.keys(values).every((top) => keys.some((k) => k === top || k.startsWith(`${top}.`)))).toBe(true);
    for (const r of rows) expect([r, r.split(' | ').length === 3 && !/\|\s*\|$/.test(r)]).toEqual([r, true]);
  });

  it('the autoscaling comment names every metric the HPA may scale on, and no requirement the chart always meets', () => {
    // x-k8s.autoscaling.memory: dist/'s HPA scales on memory too, and the values carry its target.
    const scaled = { ...plan, workloads: plan.workloads.map((w) => (w.name === 'api' ? { ...w, autoscaling: { name: 'api', minReplicas: 1, maxReplicas: 4, cpuPercent: 70, memoryPercent: 80 } } : w)) };
    const doc = YAML.parseDocument(renderHelmChart(scaled).files['values.yaml']);
    const api = doc.getIn(['services', 'api'], true) as YAML.YAMLMap;
    const pair = api.items.find((p) => (p.key as YAML.Scalar).value === 'autoscaling')!;
    const comment = String((pair.key as YAML.Scalar).commentBefore);
    const targets = Object.keys((pair.value as YAML.YAMLMap).toJSON()).filter((k) => k.startsWith('target'));
    expect(targets.sort()).toEqual(['targetCPUUtilizationPercentage', 'targetMemoryUtilizationPercentage']);
    for (const k of targets) expect(comment).toContain(k);
    // Every container has requests (the plan's decided defaults where Compose sets none): the HPA never lacks them.
    const rendered = renderChecked(dir, [], 'rel');
    for (const w of rendered.filter((o) => o.kind === 'Deployment')) {
      for (const c of w.spec.template.spec.containers) expect([w.metadata.name, c.name, Object.keys(c.resources?.requests ?? {}).sort()]).toEqual([w.metadata.name, c.name, ['cpu', 'memory']]);
    }
    expect(comment).not.toMatch(/needs resources\.requests/);
  });
});
