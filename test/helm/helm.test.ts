/**
 * The chart checked by the real helm 4 binary, offline: lint, template, the Kubernetes schema,
 * equality with dist/ under the default values, and the values users turn.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { renderHelmChart } from '../../lib/output/render/helm';
import { renderManifests } from '../../lib/output/common/manifests';
import { SETTINGS } from '../helpers/project';
import { byId, removeCharts, writeChart } from './chart-dir';
import { shopPlan } from './fixtures';
import { helm, helmTemplateObjects as helmTemplate } from '../oracles/helm';
import { checkTypesWithTsc, validateManifests } from '../oracles/k8s';

type Obj = Record<string, any>;

afterAll(removeCharts);

const plan = shopPlan();
const dist = renderManifests(plan).objects as Obj[];
const dir = writeChart(renderHelmChart(plan));
const defaults = helmTemplate(dir, ['--namespace', 'shop']);

function valuesFile(values: unknown): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'values-')), 'values.yaml');
  fs.writeFileSync(file, YAML.stringify(values));
  return file;
}

describe('the chart under helm', () => {
  it('passes helm lint with nothing to report', () => {
    const r = helm(['lint', dir]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/\[(INFO|WARNING|ERROR)\]/);
    expect(r.stdout).toContain('1 chart(s) linted, 0 chart(s) failed');
    expect(helm(['lint', '--strict', dir]).code).toBe(0);
  });

  it('renders with the default values exactly the objects dist/ has, Helm\'s standard labels aside', () => {
    expect(byId(defaults, { stripHelmLabels: true })).toEqual(byId(dist));
    // and the standard labels are really there, on the objects' own metadata only
    const deployment = defaults.find((o) => o.kind === 'Deployment' && o.metadata.name === 'api')!;
    expect(deployment.metadata.labels).toMatchObject({ 'app.kubernetes.io/instance': 'rel', 'app.kubernetes.io/managed-by': 'Helm', 'helm.sh/chart': 'demo-0.1.0' });
    expect(deployment.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'api', 'app.kubernetes.io/part-of': 'demo' });
    expect(deployment.spec.template.metadata.labels).toEqual(deployment.spec.selector.matchLabels);
  });

  it('renders objects that pass the Kubernetes schema', () => {
    expect(defaults.length).toBeGreaterThan(0);
    expect(validateManifests(defaults)).toEqual([]);
  });

  it('puts every object in the release namespace when the plan has none', () => {
    const bare = shopPlan(SETTINGS);
    const objects = helmTemplate(writeChart(renderHelmChart(bare)), ['--namespace', 'elsewhere']);
    expect(objects.every((o) => o.metadata.namespace === 'elsewhere')).toBe(true);
    expect(byId(objects, { stripHelmLabels: true, dropNamespace: true })).toEqual(byId(renderManifests(bare).objects as Obj[]));
  });

  it('moves every built service, and nothing else, to a new tag with one key', () => {
    const moved = helmTemplate(dir, ['--namespace', 'shop', '--set-string', 'global.image.tag=feedface']);
    const before = byId(defaults);
    const after = byId(moved);
    const images: Record<string, string> = {};
    for (const [id, o] of Object.entries(after)) {
      if (o.kind !== 'Deployment') continue;
      images[id] = o.spec.template.spec.containers[0].image;
      before[id].spec.template.spec.containers[0].image = images[id];
    }
    expect(images).toEqual({
      'Deployment/api': 'registry.digitalocean.com/the-shop/api:feedface',
      'Deployment/db': 'postgres:16-alpine',
      'Deployment/web-front': 'registry.digitalocean.com/the-shop/web_front:feedface',
      'Deployment/worker': 'registry.digitalocean.com/the-shop/worker:feedface',
    });
    expect(after).toEqual(before);
  });

  it('rejects a bad value with the values schema', () => {
    const r = helm(['template', 'rel', dir, '--set', 'services.api.replicas=abc']);
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/values don't meet the specifications of the schema/);
    expect(r.stderr).toMatch(/\/services\/api\/replicas/);
    const lint = helm(['lint', dir, '--set', 'services.api.replicas=abc']);
    expect(lint.code).not.toBe(0);
    expect(lint.stdout).toMatch(/replicas/);
  });

  it('keeps Compose text that looks like a Go template literal', () => {
    const worker = defaults.find((o) => o.kind === 'Deployment' && o.metadata.name === 'worker')!;
    expect(worker.spec.template.spec.containers[0].args).toEqual(['run', '--queue={{default}}']);
    const api = defaults.find((o) => o.kind === 'Deployment' && o.metadata.name === 'api')!;
    expect(api.spec.template.spec.containers[0].env).toContainEqual({ name: 'TEMPLATE', value: 'Hello {{ .Name }}' });
  });

  it('keeps strings that YAML 1.1 would read as booleans or numbers strings', () => {
    const api = defaults.find((o) => o.kind === 'Deployment' && o.metadata.name === 'api')!;
    expect(api.spec.template.spec.containers[0].env).toEqual(expect.arrayContaining([{ name: 'FEATURE', value: 'on' }, { name: 'ZIP', value: '0123' }]));
    // and the values file reads back the same under helm (a --set of the same value changes nothing)
    const same = helmTemplate(dir, ['--namespace', 'shop', '--set-string', 'services.api.env.FEATURE=on']);
    expect(byId(same)).toEqual(byId(defaults));
  });

  it('applies every knob, and the result still passes the Kubernetes schema', () => {
    const file = valuesFile({
      global: { nodeSelector: { pool: 'general' } },
      commonLabels: { team: 'shop' },
      commonAnnotations: { 'example.com/owner': 'ops' },
      services: {
        api: {
          replicas: 4,
          resources: { requests: { cpu: '100m' } },
          env: { TZ: 'Europe/Paris' },
          service: { type: 'LoadBalancer', annotations: { 'service.beta.kubernetes.io/do-loadbalancer-name': 'shop' } },
          ingress: { enabled: true, className: 'nginx', annotations: { 'cert-manager.io/cluster-issuer': 'le' }, tls: [{ secretName: 'api-tls', hosts: ['api.example.com'] }] },
          autoscaling: { enabled: true, maxReplicas: 5 },
          tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'shop', effect: 'NoSchedule' }],
          affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'size', operator: 'In', values: ['large'] }] }] } } },
          annotations: { 'example.com/svc': 'api' },
          labels: { tier: 'backend' },
          podAnnotations: { 'prometheus.io/scrape': 'true' },
          podLabels: { version: 'v2' },
          imagePullSecrets: [{ name: 'other-pull' }],
        },
        db: { env: { POSTGRES_DB: 'shop2' }, nodeSelector: { pool: 'db' } },
      },
      persistence: { db_data: { size: '20Gi', storageClass: 'do-block-storage-xfs' } },
    });
    const objects = helmTemplate(dir, ['--namespace', 'shop', '-f', file]);
    expect(validateManifests(objects)).toEqual([]);
    expect(checkTypesWithTsc(objects)).toEqual([]);
    const get = (kind: string, name: string): Obj => objects.find((o) => o.kind === kind && o.metadata.name === name)!;

    const api = get('Deployment', 'api');
    expect(api.spec.replicas).toBeUndefined();
    expect(api.metadata.labels).toMatchObject({ team: 'shop', tier: 'backend' });
    expect(api.metadata.annotations).toEqual({ 'com.example.team': 'shop', 'example.com/svc': 'api', 'example.com/owner': 'ops', 'compose-cdk8s.io/git-sha': '0123456789abcdef0123456789abcdef01234567' });
    const pod = api.spec.template;
    expect(pod.metadata).toEqual({ labels: { 'app.kubernetes.io/name': 'api', 'app.kubernetes.io/part-of': 'demo', version: 'v2' }, annotations: { 'prometheus.io/scrape': 'true' } });
    // Helm merges maps: the default memory request stays beside the new cpu one.
    expect(pod.spec.containers[0].resources).toEqual({ limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: '100m', memory: '64Mi' } });
    expect(pod.spec.containers[0].env).toContainEqual({ name: 'TZ', value: 'Europe/Paris' });
    expect(pod.spec.nodeSelector).toEqual({ pool: 'general' });
    expect(pod.spec.tolerations).toHaveLength(1);
    expect(pod.spec.affinity.nodeAffinity).toBeDefined();
    expect(pod.spec.imagePullSecrets).toEqual([{ name: 'other-pull' }]);

    expect(get('Service', 'api').spec.type).toBe('LoadBalancer');
    expect(get('Service', 'api').metadata.annotations).toMatchObject({ 'service.beta.kubernetes.io/do-loadbalancer-name': 'shop' });
    expect(get('Ingress', 'api').spec).toEqual({
      ingressClassName: 'nginx',
      tls: [{ secretName: 'api-tls', hosts: ['api.example.com'] }],
      rules: [{ host: 'api.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'api', port: { number: 8000 } } } }] } }],
    });
    expect(get('HorizontalPodAutoscaler', 'api').spec).toMatchObject({ scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' }, minReplicas: 1, maxReplicas: 5 });
    expect(objects.filter((o) => o.kind === 'Ingress' || o.kind === 'HorizontalPodAutoscaler').map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['HorizontalPodAutoscaler/api', 'Ingress/api']);

    expect(get('ConfigMap', 'db-env').data).toEqual({ POSTGRES_DB: 'shop2' });
    expect(get('Deployment', 'db').spec.template.spec.nodeSelector).toEqual({ pool: 'db' });
    expect(get('PersistentVolumeClaim', 'db-data').spec).toMatchObject({ resources: { requests: { storage: '20Gi' } }, storageClassName: 'do-block-storage-xfs' });
    expect(get('Deployment', 'worker').spec.template.spec.nodeSelector).toEqual({ pool: 'general' });
  });

  it('prints NOTES.txt with the Secrets to create and how to move the tag', () => {
    const r = helm(['install', 'rel', dir, '--dry-run=client', '--namespace', 'shop']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('helm upgrade rel <chart> -n shop --reuse-values --set-string global.image.tag=<git-sha>');
    expect(r.stdout).toContain('  - registry-the-shop (registry pull secret');
    expect(r.stdout).toContain('  - api-secrets: keys API_KEY');
    // Helm writes the Namespace without a Pod Security label; the claims outlive helm uninstall.
    expect(r.stdout).toContain('  kubectl label namespace shop pod-security.kubernetes.io/enforce=baseline');
    expect(r.stdout).toMatch(/helm uninstall keeps the claims [a-z-, ]+ \(helm\.sh\/resource-policy: keep\)/);
  });
});
