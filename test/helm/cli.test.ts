/**
 * `compose-cdk8s helm` end to end: a Compose file on disk → helm/<chart>/, which helm renders into
 * exactly what `compose-cdk8s synth` writes to dist/.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { ComposeError } from '../../lib/diagnostics';
import { readXK8sHelm } from '../../lib/output/render/helm';
import { resolveHelmSettings } from '../../lib/settings';
import { cleanEnv, runCli } from '../helpers/cli';
import { SHA } from '../helpers/project';
import { byId, expectChartRendersDist } from './chart-dir';
import { helmTemplateObjects as helmTemplate } from '../oracles/helm';
import { validateManifests } from '../oracles/k8s';

const COMPOSE = `
name: tiny-shop
services:
  api:
    build: ./api
    ports: ["8000:8000"]
    environment:
      LOG_LEVEL: info
    deploy:
      replicas: 2
      resources:
        limits: { cpus: "0.5", memory: 256M }
  cache:
    image: redis:7-alpine
    expose: ["6379"]
    volumes: [cache:/data]
volumes:
  cache: {}
`;

let root: string;
beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'helm-cli-'));
  fs.mkdirSync(path.join(root, 'api'));
  fs.writeFileSync(path.join(root, 'api', 'Dockerfile'), 'FROM scratch\n');
  fs.writeFileSync(path.join(root, 'compose.yaml'), COMPOSE);
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const run = (args: string[], env: Record<string, string> = {}) => runCli(args, { cwd: root, env: cleanEnv(env) });

describe('compose-cdk8s helm', () => {
  it('writes helm/<chart>/ that renders what synth writes to dist/', async () => {
    const r = await run(['helm', '-f', 'compose.yaml', '--sha', SHA]);
    // Only the notice naming the containers given a default request (plan/default-requests.ts).
    expect(r.stderr).toMatch(/^warning: no resource reservation for api, cache \(cpu 50m, memory 64Mi\): these requests are a decided default [^\n]*\n$/);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('wrote chart tiny-shop 0.1.0 (10 templates for 2 services) to helm/tiny-shop/\n');
    const dir = path.join(root, 'helm', 'tiny-shop');
    expect(YAML.parse(fs.readFileSync(path.join(dir, 'Chart.yaml'), 'utf8'))).toMatchObject({ name: 'tiny-shop', version: '0.1.0', appVersion: SHA });

    expect((await run(['synth', '-f', 'compose.yaml', '--sha', SHA, '-o', 'dist'])).code).toBe(0);
    const dist = YAML.parseAllDocuments(fs.readFileSync(path.join(root, 'dist', 'tiny-shop.k8s.yaml'), 'utf8')).map((d) => d.toJS());
    expectChartRendersDist(dir, dist, [], { dropNamespace: true });
  });

  it('gives the same bytes on a second run, replacing the chart folder as a whole', async () => {
    const dir = path.join(root, 'out', 'tiny-shop');
    expect((await run(['helm', '--sha', SHA, '-o', 'out'])).code).toBe(0);
    const first = fs.readFileSync(path.join(dir, 'values.yaml'), 'utf8');
    // A template an earlier run wrote (so listed in its .compose-cdk8s) that this run does not write.
    fs.writeFileSync(path.join(dir, 'templates', 'stale.yaml'), 'kind: Stale\n');
    fs.appendFileSync(path.join(dir, '.compose-cdk8s'), 'templates/stale.yaml\n');
    fs.writeFileSync(path.join(root, 'out', 'other-chart.txt'), 'kept\n');
    expect((await run(['helm', '--sha', SHA, '-o', 'out'])).code).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'values.yaml'), 'utf8')).toBe(first);
    expect(fs.existsSync(path.join(dir, 'templates', 'stale.yaml'))).toBe(false);
    expect(fs.existsSync(path.join(root, 'out', 'other-chart.txt'))).toBe(true);
  });

  it('takes the chart version from the flag or the environment, and the output folder from the environment', async () => {
    expect((await run(['helm', '--sha', SHA, '--chart-version', '1.4.0'])).stdout).toContain('tiny-shop 1.4.0');
    const r = await run(['helm', '--sha', SHA], { COMPOSE_CDK8S_CHART_VERSION: '2.0.0', COMPOSE_CDK8S_HELM: 'charts' });
    expect(r.stdout).toContain('tiny-shop 2.0.0');
    expect(YAML.parse(fs.readFileSync(path.join(root, 'charts', 'tiny-shop', 'Chart.yaml'), 'utf8')).version).toBe('2.0.0');
  });

  it('refuses a chart version that is not SemVer, without writing anything', async () => {
    const r = await run(['helm', '--sha', SHA, '--chart-version', 'latest', '-o', 'never']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('chart version "latest" is not a SemVer 2 version');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(fs.existsSync(path.join(root, 'never'))).toBe(false);
  });
});

describe('compose-cdk8s helm on x-k8s settings (public Service, Ingress, autoscaling, StatefulSet)', () => {
  const compose = `
name: tiny-shop
services:
  api:
    build: ./api
    ports: ["8000:8000"]
    deploy:
      resources:
        reservations: { cpus: "0.25" }
    x-k8s:
      serviceType: LoadBalancer
      ingress: { host: shop.example.com, tlsSecret: shop-tls }
      autoscaling: { min: 2, max: 4, cpu: 70 }
  cache:
    image: redis:7-alpine
    expose: ["6379"]
    volumes: [cache:/data]
    x-k8s:
      kind: StatefulSet
volumes:
  cache: {}
`;

  it('renders what synth writes, and the values describe the planned objects', async () => {
    fs.writeFileSync(path.join(root, 'xk8s.yaml'), compose);
    expect((await run(['helm', '-f', 'xk8s.yaml', '--sha', SHA, '-o', 'xk8s-helm'])).code).toBe(0);
    expect((await run(['synth', '-f', 'xk8s.yaml', '--sha', SHA, '-o', 'xk8s-dist'])).code).toBe(0);
    const dir = path.join(root, 'xk8s-helm', 'tiny-shop');
    const dist = YAML.parseAllDocuments(fs.readFileSync(path.join(root, 'xk8s-dist', 'tiny-shop.k8s.yaml'), 'utf8')).map((d) => d.toJS());
    expect(dist.map((o) => o.kind).sort()).toEqual(expect.arrayContaining(['HorizontalPodAutoscaler', 'Ingress', 'StatefulSet']));
    const rendered = helmTemplate(dir);
    expect(byId(rendered, { stripHelmLabels: true, dropNamespace: true })).toEqual(byId(dist));
    expect(validateManifests(rendered)).toEqual([]);
    const values = YAML.parse(fs.readFileSync(path.join(dir, 'values.yaml'), 'utf8'));
    expect(values.services.api.publicService).toEqual({ type: 'LoadBalancer', annotations: {} });
    expect(values.services.api.ingress).toMatchObject({ enabled: true, hosts: [{ host: 'shop.example.com' }], tls: [{ secretName: 'shop-tls', hosts: ['shop.example.com'] }] });
    expect(values.services.api.autoscaling).toEqual({ enabled: true, minReplicas: 2, maxReplicas: 4, targetCPUUtilizationPercentage: 70 });
    expect(values.services.cache.replicas).toBe(1);
    const off = helmTemplate(dir, ['--set', 'services.api.ingress.enabled=false', '--set', 'services.api.autoscaling.enabled=false']);
    expect(off.map((o) => o.kind)).not.toContain('Ingress');
    expect(off.map((o) => o.kind)).not.toContain('HorizontalPodAutoscaler');
    expect(off.find((o) => o.kind === 'Deployment' && o.metadata.name === 'api')?.spec.replicas).toBe(1);
  });
});

describe('resolveHelmSettings', () => {
  const sourceMap = { locate: () => undefined, nearest: () => ({ file: '/p/compose.yaml', line: 3, col: 5 }) };
  const project = (helmBlock: unknown) => ({ extensions: { 'x-k8s': { helm: helmBlock } }, sourceMap });

  it('takes flags over environment over x-k8s.helm over defaults', () => {
    const p = project({ output: 'from-x', chartVersion: '3.0.0' });
    expect(resolveHelmSettings({ env: {}, xk8s: {} })).toEqual({ chartVersion: '0.1.0' });
    expect(resolveHelmSettings({ env: {}, xk8s: readXK8sHelm(p) })).toEqual({ output: 'from-x', chartVersion: '3.0.0' });
    expect(resolveHelmSettings({ env: { COMPOSE_CDK8S_HELM: 'from-env', COMPOSE_CDK8S_CHART_VERSION: '2.0.0' }, xk8s: readXK8sHelm(p) })).toEqual({ output: 'from-env', chartVersion: '2.0.0' });
    expect(resolveHelmSettings({ flags: { output: 'flag', chartVersion: '1.0.0' }, env: { COMPOSE_CDK8S_HELM: 'from-env' }, xk8s: readXK8sHelm(p) })).toEqual({ output: 'flag', chartVersion: '1.0.0' });
  });

  it('reports a bad x-k8s.helm block at its location', () => {
    expect(() => readXK8sHelm(project('yes'))).toThrow(ComposeError);
    try {
      readXK8sHelm(project({ outptu: 'x', chartVersion: 3 }));
      throw new Error('no error');
    } catch (e) {
      expect((e as ComposeError).diagnostics.map((d) => [d.path, d.message, d.location?.line])).toEqual([
        ['x-k8s.helm.outptu', 'unknown key "outptu"', 3],
        ['x-k8s.helm.chartVersion', 'must be a non-empty string', 3],
      ]);
    }
  });
});
