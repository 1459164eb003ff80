/**
 * Issue 17, Helm: the chart of a project with environments carries values-<env>.yaml, and
 * `helm template <chart> -n <namespace> -f values-<env>.yaml` renders what synth writes to
 * <output>/<env>/ (Helm's standard labels aside, as for the default chart in example.test.ts);
 * `helm lint --strict` with each values file finds nothing; each environment's chart render passes
 * the Kubernetes schema and the first-deploy rehearsal. Without environments the chart has no
 * values file besides values.yaml.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { loadProject } from '../../lib/compose';
import { conversionStamp } from '../../lib/output/common/inputs-stamp';
import { environmentFolders } from '../../lib/output/render/generators';
import { renderChartFiles } from '../../lib/output/render/outputs';
import { Conversion, ConvertOptions, planConversion, planEnvironments } from '../../lib/pipeline';
import { runCli } from '../helpers/cli';
import { helm, helmTemplateObjects } from '../oracles/helm';
import { validateManifests } from '../oracles/k8s';
import { composeFacts, parseYamlDocs, runRehearsal, secretsSteps } from '../rehearsal/runner';
import { byId } from './chart-dir';

const ROOT = path.resolve(__dirname, '..', '..');
const EXAMPLE = path.join(ROOT, 'examples', 'the-shop', 'docker-compose.yml');
const ENVIRONMENTS = path.join(ROOT, 'test', 'fixtures', 'environments', 'environments.yml');
const TAG = '0123456789abcdef0123456789abcdef01234567';

type Obj = Record<string, any>;

interface Planned {
  readonly base: Conversion;
  readonly envs: Conversion[];
  /** The chart folder, written. */
  readonly chartDir: string;
  readonly chartFiles: Record<string, string>;
  /** synth's <output>/ files, in memory: `<env>/<file>`. */
  readonly dist: Record<string, string>;
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'env-chart-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function plan(files: string[], label: string): Planned {
  const options: ConvertOptions = { files, env: { IMAGE_TAG: TAG }, cwd: ROOT };
  const project = loadProject(options);
  const base = planConversion(project, options);
  const envs = planEnvironments(project, options);
  const all = renderChartFiles(base, envs);
  const chartFiles = Object.fromEntries(Object.entries(all).map(([k, v]) => [k.slice(k.indexOf('/') + 1), v]));
  const chartDir = path.join(tmp, label, 'the-shop');
  for (const [rel, text] of Object.entries(chartFiles)) {
    fs.mkdirSync(path.dirname(path.join(chartDir, rel)), { recursive: true });
    fs.writeFileSync(path.join(chartDir, rel), text);
  }
  return { base, envs, chartDir, chartFiles, dist: environmentFolders(envs, {}, conversionStamp) };
}

const distObjects = (p: Planned, env: string): Obj[] => parseYamlDocs(p.dist[`${env}/the-shop.k8s.yaml`]);
const render = (p: Planned, env: Conversion): Obj[] =>
  helmTemplateObjects(p.chartDir, ['-f', path.join(p.chartDir, `values-${env.environment!.name}.yaml`), '--namespace', env.environment!.namespace]);

describe('values-<env>.yaml of the example with two environments (test/fixtures/environments)', () => {
  const p = plan([EXAMPLE, ENVIRONMENTS], 'two');

  test('one values file per environment next to values.yaml, the templates those of the chart without environments', () => {
    expect(Object.keys(p.chartFiles).filter((f) => /^values.*\.yaml$/.test(f)).sort()).toEqual(['values-prod.yaml', 'values-staging.yaml', 'values.yaml']);
    const plain = plan([EXAMPLE], 'plain');
    const { 'values-prod.yaml': _p, 'values-staging.yaml': _s, ...rest } = p.chartFiles;
    // Chart.yaml's stamp hashes the inputs (one more Compose file here); everything else is the same chart.
    // README.md gains a section listing the values files.
    const unstamped = (files: Record<string, string>) => Object.fromEntries(Object.entries(files).filter(([f]) => f !== 'Chart.yaml' && f !== 'README.md'));
    expect(unstamped(rest)).toEqual(unstamped(plain.chartFiles));
    expect(rest['README.md'].startsWith(plain.chartFiles['README.md'])).toBe(true);
    expect(rest['README.md'].slice(plain.chartFiles['README.md'].length)).toContain('| `prod` | `shop-prod` | `helm upgrade --install the-shop . -n shop-prod --create-namespace -f values-prod.yaml` |');
  });

  test('each holds only what its environment changes', () => {
    const prod = YAML.parse(p.chartFiles['values-prod.yaml']);
    // The environment's pod label, on every service (the chart bakes each service's own labels in).
    for (const v of Object.values(prod.services as Record<string, Obj>)) expect([v.labels, v.podLabels]).toEqual([{ environment: 'prod' }, { environment: 'prod' }]);
    for (const v of Object.values(prod.services as Record<string, Obj>)) {
      delete v.labels;
      delete v.podLabels;
    }
    for (const [svc, v] of Object.entries(prod.services as Record<string, Obj>)) if (Object.keys(v).length === 0) delete prod.services[svc];
    expect(prod.services.api).toMatchObject({ replicas: 3, env: { LOG_LEVEL: 'warn' }, autoscaling: { enabled: true, minReplicas: 3, maxReplicas: 6, targetCPUUtilizationPercentage: 70 } });
    expect(prod.services.api.resources).toEqual({ limits: { cpu: '2000m', memory: '2048Mi' }, requests: { cpu: '1000m', memory: '1024Mi' } });
    expect(prod.services.proxy.publicService.annotations).toEqual({
      'service.beta.kubernetes.io/do-loadbalancer-name': 'the-shop-prod', 'service.beta.kubernetes.io/do-loadbalancer-size-slug': 'lb-medium',
    });
    expect(prod.persistence).toEqual({ pgdata: { size: '20Gi' } });
    expect(Object.keys(prod.services).sort()).toEqual(['api', 'proxy', 'storefront', 'worker']);
    expect(prod.global).toBeUndefined(); // the same images (and tag) in every environment
    const staging = YAML.parse(p.chartFiles['values-staging.yaml']);
    expect(Object.keys(staging)).toEqual(['services']);
    expect(Object.entries(staging.services as Record<string, Obj>).filter(([, v]) => Object.keys(v).some((k) => k !== 'labels' && k !== 'podLabels')).map(([k]) => k)).toEqual(['storefront']);
    expect(staging.services.storefront.ingress).toMatchObject({ enabled: true, className: 'nginx', hosts: [{ host: 'staging.shop.example.com' }] });
  });

  test.each(['staging', 'prod'])('helm template -n <namespace> -f values-%s.yaml renders exactly synth\'s <output>/<env>/', (name) => {
    const env = p.envs.find((e) => e.environment?.name === name)!;
    const rendered = render(p, env);
    const chart = byId(rendered, { stripHelmLabels: true });
    const dist = byId(distObjects(p, name));
    // One known difference: a label the environment adds to every pod (its podLabels) goes through
    // services.<name>.labels, which the chart puts on all of the service's objects, where synth
    // labels only the workload and its Services. Exactly those labels, on exactly those kinds.
    const values = YAML.parse(p.chartFiles[`values-${name}.yaml`]);
    const added = new Map(Object.values(values.services as Record<string, Obj>).flatMap((v) => Object.entries((v.labels ?? {}) as Record<string, string>)));
    const extra: string[] = [];
    for (const [id, o] of Object.entries(chart)) {
      for (const [k, v] of Object.entries((o.metadata?.labels ?? {}) as Record<string, string>)) {
        if (dist[id]?.metadata?.labels?.[k] !== undefined || added.get(k) !== v) continue;
        extra.push(`${o.kind} ${k}=${v}`);
        delete o.metadata.labels[k];
      }
    }
    expect(new Set(extra.map((e) => e.split(' ')[0]))).toEqual(new Set(['ConfigMap', 'Ingress', ...(name === 'prod' ? ['HorizontalPodAutoscaler'] : [])]));
    expect(chart).toEqual(dist);
    expect(validateManifests(rendered)).toEqual([]);
  });

  test.each(['staging', 'prod'])('helm lint --strict -f values-%s.yaml finds nothing', (name) => {
    const lint = helm(['lint', '--strict', p.chartDir, '-f', path.join(p.chartDir, `values-${name}.yaml`)]);
    expect([lint.code, lint.stdout.match(/\[(INFO|WARNING|ERROR)\].*/g)]).toEqual([0, null]);
  });

  test('the first-deploy rehearsal finds nothing in either environment, from the chart or from <output>/<env>/', async () => {
    const facts = composeFacts(p.base.project);
    const findings: string[] = [];
    for (const env of p.envs) {
      const { name, namespace } = env.environment!;
      // The documented secrets step, into the environment's namespace (DEPLOYMENT.md).
      const secrets = await secretsSteps([EXAMPLE, ENVIRONMENTS], ROOT, { IMAGE_TAG: TAG }, namespace);
      expect(secrets.secretsError).toBeUndefined();
      const target = { namespace, createNamespace: true, pullSecret: 'registry-the-shop' };
      for (const r of [
        runRehearsal({ label: `${name}: chart`, source: 'chart', manifests: render(p, env), target, facts, ...secrets }),
        runRehearsal({ label: `${name}: dist`, source: 'dist', manifests: distObjects(p, name), target, facts, ...secrets }),
      ]) findings.push(...r.findings.map((f) => `${r.label} · ${f.check} · ${f.object}: ${f.message}`));
    }
    expect(findings).toEqual([]);
  });

  test('promotion: prod\'s manifests differ from staging\'s only where prod\'s overrides say, and carry the same images', () => {
    const staging = byId(distObjects(p, 'staging'), { dropNamespace: true });
    const prod = byId(distObjects(p, 'prod'), { dropNamespace: true });
    const images = (objs: Record<string, Obj>) => JSON.stringify(objs).match(/registry\.digitalocean\.com\/[^"]+/g)!.sort();
    expect(images(prod)).toEqual(images(staging));
    expect(new Set(images(prod).map((i) => i.split(':').pop()))).toEqual(new Set([TAG]));
    // Each environment's declared podLabels (environment: staging / prod) mark every workload, its pods and Services.
    const unlabel = (objs: Record<string, Obj>) => {
      for (const o of Object.values(objs)) {
        delete o.metadata?.labels?.environment;
        delete (o.spec?.template ?? o.spec?.jobTemplate?.spec?.template)?.metadata?.labels?.environment;
      }
    };
    unlabel(staging);
    unlabel(prod);
    const changed = Object.keys({ ...staging, ...prod }).filter((id) => JSON.stringify(staging[id]) !== JSON.stringify(prod[id])).sort();
    // (byId leaves out the Namespace objects, which differ by name.)
    expect(changed).toEqual([
      'Deployment/api', // replicas, resources, LOG_LEVEL: warn
      'Deployment/storefront', // replicas
      'Deployment/worker', // LOG_LEVEL: warn
      'HorizontalPodAutoscaler/api', // autoscaling
      'Ingress/storefront', // host, TLS
      'PersistentVolumeClaim/pgdata', // 20Gi
      'Service/proxy-public', // load balancer name and size
    ]);
  });
});

describe('an override the chart\'s values cannot express', () => {
  const ENVS = 'x-k8s:\n  environments:\n    prod:\n      namespace: shop-prod\n      services:\n        api: { serviceType: LoadBalancer }\n';
  // At the override of the service whose template it is (line 6: `api: { serviceType: LoadBalancer }`).
  const WARNING = /warning: envs\.yml:6:9 {2}x-k8s\.environments\.prod\.services\.api: environment prod changes .*templates\/api\/service-api-public\.yaml.* of the Helm chart in a way its values cannot express/;

  test('the helm command warns at the service\'s override, naming the environment and the template', async () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'cli-'));
    fs.writeFileSync(path.join(dir, 'envs.yml'), ENVS);
    const r = await runCli(['helm', '-f', EXAMPLE, '-f', path.join(dir, 'envs.yml'), '--sha', TAG, '-o', path.join(dir, 'helm')], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(WARNING);
    expect(fs.existsSync(path.join(dir, 'helm', 'the-shop', 'values-prod.yaml'))).toBe(true);
  });

  test('synth --helm prints the same warning, once, and writes the same chart', async () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'cli-'));
    fs.writeFileSync(path.join(dir, 'envs.yml'), ENVS);
    const files = ['-f', EXAMPLE, '-f', path.join(dir, 'envs.yml'), '--sha', TAG];
    const synth = await runCli(['synth', ...files, '-o', path.join(dir, 'dist'), '--helm', path.join(dir, 'helm-synth')], { cwd: dir });
    expect(synth.code).toBe(0);
    expect(synth.stderr).toMatch(WARNING);
    expect(synth.stderr.match(/cannot express/g)).toHaveLength(1);
    const helmRun = await runCli(['helm', ...files, '-o', path.join(dir, 'helm')], { cwd: dir });
    const warnings = (r: { stderr: string }) => r.stderr.split('\n').filter((l) => /cannot express/.test(l));
    expect(warnings(synth)).toEqual(warnings(helmRun));
    const chart = (root: string) => fs.readFileSync(path.join(root, 'the-shop', 'values-prod.yaml'), 'utf8');
    expect(chart(path.join(dir, 'helm-synth'))).toBe(chart(path.join(dir, 'helm')));
  });
});
