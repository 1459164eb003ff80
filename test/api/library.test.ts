/**
 * The library API (lib/index.ts): ComposeChart + ComposeApp write byte for byte what
 * `compose-cdk8s synth` writes, and the per-service handles change the objects before synth.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { ComposeApp, ComposeChart, ComposeError, cdk8s, plus } from '../../lib';
import { resolveAppOutput } from '../../lib/settings';
import { cleanEnv, runCli } from '../helpers/cli';
import { readTextTree as tree } from '../helpers/tree';

const SHA = 'abcdef0123456789abcdef0123456789abcdef01';
const EXAMPLE = path.resolve(__dirname, '..', '..', 'examples', 'the-shop', 'docker-compose.yml');


const tmp = (prefix: string): string => fs.mkdtempSync(path.join(os.tmpdir(), prefix));

function docs(text: string): any[] {
  return parseAllDocuments(text).map((d) => d.toJS());
}

/** What app.synth() writes to stderr. */
function synthStderr(app: ComposeApp): string {
  const chunks: string[] = [];
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  });
  try {
    app.synth();
  } finally {
    stderr.mockRestore();
  }
  return chunks.join('');
}

/** The diagnostic lines of a synth's stderr (not its "wrote ..." summary or exposure lines). */
const diagnosticLines = (text: string): string[] => text.split('\n').filter((l) => l.startsWith('warning: ') || / {2}\S+: /.test(l));

describe('ComposeChart / ComposeApp', () => {
  test('print the cluster-only ports as synth prints them: at most 20 lines', async () => {
    const dir = tmp('lib-ports-');
    const services = Array.from({ length: 22 }, (_, i) => `  web-${String(i).padStart(2, '0')}:\n    image: nginx:1.27\n    ports: ["${8000 + i}:80"]\n`).join('');
    fs.writeFileSync(path.join(dir, 'compose.yaml'), `services:\n${services}`);
    const cli = await runCli(['synth', '-o', 'dist-cli'], { cwd: dir });
    expect(cli.code).toBe(0);
    const ports = (text: string) => text.split('\n').filter((l) => / is reachable only inside the cluster|^… and /.test(l));
    expect(ports(cli.stdout)).toHaveLength(20);
    expect(ports(cli.stdout)[19]).toBe('… and 3 more published ports reachable only inside the cluster (compose-cdk8s report lists each)');
    const app = new ComposeApp({ cwd: dir, outdir: path.join(dir, '.cdk8s.out') });
    new ComposeChart(app, 'ports', { composeFile: path.join(dir, 'compose.yaml'), env: cleanEnv(), cwd: dir });
    expect(ports(synthStderr(app))).toEqual(ports(cli.stdout));
  });

  test('write exactly what `compose-cdk8s synth --report --helm` writes for the example', async () => {
    const cliDir = tmp('lib-cli-');
    const r = await runCli(['synth', '-f', EXAMPLE, '--sha', SHA, '--report', '-o', 'dist', '--helm', 'helm'], { cwd: cliDir });
    // Only the decided-default notice: the example reserves nothing for these services.
    expect(r.stderr).toMatch(/^warning: no resource reservation for payments, proxy, redis, search-indexer, worker \(cpu 50m, memory 64Mi\); postgres \(cpu 50m\): [^\n]*\n$/);
    expect(r.code).toBe(0);

    const libDir = tmp('lib-app-');
    const app = new ComposeApp({ cwd: libDir, outdir: path.join(libDir, '.cdk8s.out'), report: true });
    // The chart's id is the user's to choose: it changes nothing in the output.
    new ComposeChart(app, 'shop', { composeFile: EXAMPLE, sha: SHA, env: cleanEnv(), cwd: libDir, helmDir: 'helm' });
    const rendered = app.render();
    const printed = synthStderr(app);
    // The same warnings and notices as the CLI (cdk8s synth runs this path), then what it wrote.
    expect(diagnosticLines(printed)).toEqual(diagnosticLines(r.stderr));
    expect(printed).toContain(r.stderr);

    const cli = tree(cliDir);
    const lib = tree(libDir);
    expect(Object.keys(cli).filter((f) => !f.startsWith('helm/')).sort()).toEqual(['conversion-report.json', 'conversion-report.md', 'dist/.compose-cdk8s', 'dist/Kustomization', 'dist/the-shop.k8s.yaml']);
    expect(Object.keys(cli)).toContain('helm/the-shop/Chart.yaml');
    expect(Object.keys(lib).sort()).toEqual([...Object.keys(cli), '.cdk8s.out/the-shop.k8s.yaml'].sort());
    for (const name of Object.keys(cli)) expect({ name, text: lib[name] }).toEqual({ name, text: cli[name] });
    // cdk8s-cli's own folder gets the manifests too; render() is what synth wrote to dist/.
    expect(lib['.cdk8s.out/the-shop.k8s.yaml']).toBe(cli['dist/the-shop.k8s.yaml']);
    expect(rendered).toEqual({ 'the-shop.k8s.yaml': cli['dist/the-shop.k8s.yaml'], Kustomization: cli['dist/Kustomization'] });
  });

  test('the manifests folder and digests file: props, else COMPOSE_CDK8S_OUTPUT / COMPOSE_CDK8S_DIGESTS, else dist/ (main.js passes neither)', () => {
    expect(resolveAppOutput({ props: {}, env: {} })).toEqual({ outputDir: 'dist' });
    expect(resolveAppOutput({ props: {}, env: { COMPOSE_CDK8S_OUTPUT: '', COMPOSE_CDK8S_DIGESTS: '' } })).toEqual({ outputDir: 'dist' });
    expect(resolveAppOutput({ props: {}, env: { COMPOSE_CDK8S_OUTPUT: 'out/k8s', COMPOSE_CDK8S_DIGESTS: 'd.json' } })).toEqual({ outputDir: 'out/k8s', digestsFile: 'd.json' });
    expect(resolveAppOutput({ props: { outputDir: 'mine', digestsFile: 'mine.json' }, env: { COMPOSE_CDK8S_OUTPUT: 'out/k8s', COMPOSE_CDK8S_DIGESTS: 'd.json' } })).toEqual({ outputDir: 'mine', digestsFile: 'mine.json' });

    const dir = tmp('lib-env-out-');
    const before = process.env.COMPOSE_CDK8S_OUTPUT;
    process.env.COMPOSE_CDK8S_OUTPUT = 'out/k8s';
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const app = new ComposeApp({ cwd: dir, outdir: path.join(dir, '.cdk8s.out') });
      new ComposeChart(app, 'shop', { composeFile: EXAMPLE, sha: SHA, env: cleanEnv(), cwd: dir });
      app.synth();
    } finally {
      stderr.mockRestore();
      if (before === undefined) delete process.env.COMPOSE_CDK8S_OUTPUT;
      else process.env.COMPOSE_CDK8S_OUTPUT = before;
    }
    expect(Object.keys(tree(dir)).filter((f) => !f.startsWith('.cdk8s.out/')).sort()).toEqual(['out/k8s/.compose-cdk8s', 'out/k8s/Kustomization', 'out/k8s/the-shop.k8s.yaml']);
  });

  test('render the committed dist/ of the example byte for byte (with the tag it records)', () => {
    const root = path.resolve(__dirname, '..', '..');
    const committed = fs.readFileSync(path.join(root, 'dist', 'the-shop.k8s.yaml'), 'utf8');
    const tag = /^# compose-cdk8s inputs: \S+ tag=(\S+)/m.exec(committed)?.[1];
    expect(tag).toBeDefined();
    const app = new ComposeApp({ cwd: root });
    new ComposeChart(app, 'the-shop', { composeFile: EXAMPLE, sha: tag, env: cleanEnv(), cwd: root });
    const files = app.render();
    expect(files['the-shop.k8s.yaml']).toBe(committed);
    expect(files.Kustomization).toBe(fs.readFileSync(path.join(root, 'dist', 'Kustomization'), 'utf8'));
  });

  test('per-service handles: add a sidecar, patch a field, attach a construct', () => {
    const app = new ComposeApp();
    const chart = new ComposeChart(app, 'shop', { composeFile: EXAMPLE, sha: SHA, env: cleanEnv(), namespace: 'shop' });
    expect(chart.serviceNames).toContain('api');

    const api = chart.service('api');
    expect(api.kind).toBe('Deployment');
    expect(api.container().name).toBe('api');
    api.deployment.addContainer({
      name: 'log-shipper',
      image: 'fluent/fluent-bit:3.1',
      resources: {},
      securityContext: { ensureNonRoot: false },
    });
    api.apiObject.addJsonPatch(cdk8s.JsonPatch.replace('/spec/replicas', 3));
    api.podTemplate.add('/spec/priorityClassName', 'shop-critical');
    api.container().env.addVariable('LOG_FORMAT', plus.EnvValue.fromValue('json'));
    expect(api.service).toBeDefined();
    cdk8s.ApiObject.of(api.service!).metadata.addAnnotation('example.com/owner', 'team-api');
    new cdk8s.ApiObject(chart, 'Quota', { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'shop', namespace: chart.plan.namespace }, spec: { hard: { pods: '20' } } } as any);

    const objects = docs(app.render()['the-shop.k8s.yaml']);
    const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'api');
    expect(deployment.spec.replicas).toBe(3);
    expect(deployment.spec.template.spec.priorityClassName).toBe('shop-critical');
    const containers = deployment.spec.template.spec.containers;
    expect(containers.map((c: any) => c.name)).toEqual(['api', 'log-shipper']);
    expect(containers[0].env).toContainEqual({ name: 'LOG_FORMAT', value: 'json' });
    const service = objects.find((o) => o.kind === 'Service' && o.metadata.name === 'api');
    expect(service.metadata.annotations).toEqual({ 'example.com/owner': 'team-api' });
    expect(objects.find((o) => o.kind === 'ResourceQuota')).toMatchObject({ metadata: { name: 'shop', namespace: 'shop' } });
    // Release metadata still applies to the patched chart.
    expect(objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'release-info').data['git-sha']).toBe(SHA);
  });

  test('a service that is not in the project is a ComposeError naming the services', () => {
    const chart = new ComposeChart(new ComposeApp(), 'shop', { composeFile: EXAMPLE, sha: SHA, env: cleanEnv() });
    expect(() => chart.service('apii')).toThrow(ComposeError);
    expect(() => chart.service('apii')).toThrow(/no Compose service "apii".*\n?.*api/);
  });

  test('handles of a Job, and of a service running in another service\'s pod', () => {
    const dir = tmp('lib-kinds-');
    fs.writeFileSync(path.join(dir, 'compose.yaml'), [
      'services:',
      '  web:',
      '    image: nginx:1.27',
      '    ports: ["80:80"]',
      '  metrics:',
      '    image: prom/statsd-exporter:v0.26.0',
      '    network_mode: service:web',
      '  migrate:',
      '    image: flyway/flyway:10',
      '    restart: "no"',
      '',
    ].join('\n'));
    const chart = new ComposeChart(new ComposeApp(), 'x', { cwd: dir, env: cleanEnv(), sha: SHA });
    expect(chart.serviceNames).toEqual(['metrics', 'migrate', 'web']);
    const migrate = chart.service('migrate');
    expect(migrate.kind).toBe('Job');
    expect(() => migrate.deployment).toThrow(/service migrate runs as a Job, not a Deployment: use \.workload/);
    expect(migrate.podTemplate.pointer).toBe('/spec/template');
    const metrics = chart.service('metrics');
    expect(metrics.workload).toBe(chart.service('web').workload);
    expect(metrics.container().name).toBe('metrics');
    expect(() => metrics.container('nope')).toThrow(/has no container "nope"; it has web, metrics/);
  });

  test('a bad Compose file is a ComposeError with file:line:col', () => {
    const dir = tmp('lib-bad-');
    fs.writeFileSync(path.join(dir, 'compose.yaml'), 'services:\n  web:\n    image: nginx\n    ports: [ "eighty" ]\n');
    expect(() => new ComposeChart(new ComposeApp(), 'x', { cwd: dir, env: cleanEnv(), sha: SHA })).toThrow(/compose\.yaml:4:\d+/);
  });
});

describe('environments in the library', () => {
  const ENVIRONMENTS = path.resolve(__dirname, '..', 'fixtures', 'environments', 'environments.yml');

  test('ComposeChart.forEnvironments + ComposeApp write exactly what `compose-cdk8s synth --report` writes: one folder per environment', async () => {
    const cliDir = tmp('lib-env-cli-');
    const r = await runCli(['synth', '-f', EXAMPLE, '-f', ENVIRONMENTS, '--sha', SHA, '--report', '-o', 'dist'], { cwd: cliDir });
    expect(r.code).toBe(0);

    const libDir = tmp('lib-env-app-');
    const app = new ComposeApp({ cwd: libDir, outdir: path.join(libDir, '.cdk8s.out'), report: true });
    const charts = ComposeChart.forEnvironments(app, 'shop', { composeFile: [EXAMPLE, ENVIRONMENTS], sha: SHA, env: cleanEnv(), cwd: libDir });
    expect(charts.map((c) => [c.node.id, c.settings.namespace])).toEqual([['shop-staging', 'shop-staging'], ['shop-prod', 'shop-prod']]);
    const rendered = app.render();
    const printed = synthStderr(app);
    // Each warning and notice once, an environment's own named by it, as the CLI prints them.
    expect(diagnosticLines(r.stderr).length).toBeGreaterThan(0);
    expect(diagnosticLines(printed)).toEqual(diagnosticLines(r.stderr));
    const cli = tree(cliDir);
    const lib = tree(libDir);
    expect(Object.keys(cli).sort()).toEqual(['conversion-report.json', 'conversion-report.md', 'dist/.compose-cdk8s', 'dist/prod/Kustomization', 'dist/prod/the-shop.k8s.yaml', 'dist/staging/Kustomization', 'dist/staging/the-shop.k8s.yaml']);
    for (const name of Object.keys(cli)) expect({ name, text: lib[name] }).toEqual({ name, text: cli[name] });
    expect(rendered['prod/the-shop.k8s.yaml']).toBe(cli['dist/prod/the-shop.k8s.yaml']);
    expect(lib['.cdk8s.out/staging/the-shop.k8s.yaml']).toBe(cli['dist/staging/the-shop.k8s.yaml']);
  });

  test('ComposeApp prints an environment\'s warnings as synth does: each once, naming the environment and the override', async () => {
    const dir = tmp('lib-env-warn-');
    fs.writeFileSync(path.join(dir, 'compose.yaml'), 'name: demo\nservices:\n  db:\n    image: postgres:16-alpine\n    volumes: [dbdata:/var/lib/postgresql/data]\nvolumes:\n  dbdata:\nx-k8s:\n  environments:\n    staging:\n      namespace: demo-staging\n    prod:\n      namespace: demo-prod\n      services:\n        db:\n          autoscaling: { min: 1, max: 4 }\n');
    const r = await runCli(['synth', '--sha', SHA, '-o', path.join(tmp('lib-env-warn-cli-'), 'dist')], { cwd: dir });
    expect(r.code).toBe(0);
    const app = new ComposeApp({ cwd: dir, outdir: path.join(dir, '.cdk8s.out') });
    ComposeChart.forEnvironments(app, 'demo', { composeFile: 'compose.yaml', sha: SHA, env: cleanEnv(), cwd: dir });
    const printed = synthStderr(app);
    const warnings = (text: string) => text.split('\n').filter((l) => l.startsWith('warning: ') && !/decided default/.test(l));
    // Once, at the override (the planner's warning at volumes.dbdata would say it again).
    expect(warnings(r.stderr).filter((l) => /environment prod/.test(l))).toEqual([expect.stringMatching(/^warning: compose\.yaml:16:34 {2}x-k8s\.environments\.prod\.services\.db\.autoscaling\.max: environment prod runs 4 pods of db, /)]);
    expect(warnings(printed)).toEqual(warnings(r.stderr));
  });

  test('a change made in code to one environment\'s chart reaches that environment only', () => {
    const app = new ComposeApp({ cwd: tmp('lib-env-patch-') });
    const [staging, prod] = ComposeChart.forEnvironments(app, 'shop', { composeFile: [EXAMPLE, ENVIRONMENTS], sha: SHA, env: cleanEnv() });
    prod.service('api').podTemplate.add('/spec/priorityClassName', 'shop-critical');
    const files = app.render();
    expect(files['prod/the-shop.k8s.yaml']).toContain('priorityClassName: shop-critical');
    expect(files['staging/the-shop.k8s.yaml']).not.toContain('priorityClassName');
    expect(staging.environment?.name).toBe('staging');
    expect(prod.environment).toMatchObject({ namespace: 'shop-prod', services: { api: { replicas: 3 } } });
  });

  test('one ComposeChart with an environment writes that environment alone, as synth --env does', async () => {
    const cliDir = tmp('lib-env-one-cli-');
    await runCli(['synth', '-f', EXAMPLE, '-f', ENVIRONMENTS, '--sha', SHA, '--env', 'prod', '-o', 'dist'], { cwd: cliDir });
    const app = new ComposeApp({ cwd: tmp('lib-env-one-') });
    new ComposeChart(app, 'shop', { composeFile: [EXAMPLE, ENVIRONMENTS], sha: SHA, env: cleanEnv(), environment: 'prod' });
    const files = app.render();
    expect(files['the-shop.k8s.yaml']).toBe(tree(cliDir)['dist/the-shop.k8s.yaml']);
  });

  test('forEnvironments with one declared environment writes <output>/<env>/, as synth does', async () => {
    const dir = tmp('lib-env-single-');
    fs.writeFileSync(path.join(dir, 'compose.yaml'), 'name: one\nservices:\n  api:\n    image: nginx:1.27\n    ports: ["8080:80"]\nx-k8s:\n  environments:\n    staging:\n      namespace: one-staging\n');
    const cliDir = tmp('lib-env-single-cli-');
    const r = await runCli(['synth', '-f', path.join(dir, 'compose.yaml'), '--sha', SHA, '-o', 'dist'], { cwd: cliDir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^wrote \d+ objects for 1 service in 1 environment \(staging\): dist\/\n/);
    const app = new ComposeApp({ cwd: dir });
    ComposeChart.forEnvironments(app, 'one', { composeFile: 'compose.yaml', sha: SHA, env: cleanEnv(), cwd: dir });
    const files = app.render();
    expect(Object.keys(files).sort()).toEqual(['staging/Kustomization', 'staging/one.k8s.yaml']);
    expect(files['staging/one.k8s.yaml']).toBe(tree(cliDir)['dist/staging/one.k8s.yaml']);
  });

  test('forEnvironments without declared environments is the one ComposeChart; two charts of one environment are refused', () => {
    const app = new ComposeApp();
    const charts = ComposeChart.forEnvironments(app, 'shop', { composeFile: EXAMPLE, sha: SHA, env: cleanEnv() });
    expect(charts.map((c) => c.node.id)).toEqual(['shop']);
    const twice = new ComposeApp();
    new ComposeChart(twice, 'a', { composeFile: [EXAMPLE, ENVIRONMENTS], sha: SHA, env: cleanEnv(), environment: 'prod' });
    new ComposeChart(twice, 'b', { composeFile: [EXAMPLE, ENVIRONMENTS], sha: SHA, env: cleanEnv(), environment: 'prod' });
    expect(() => twice.render()).toThrow(/several ComposeCharts must each convert a different environment/);
  });
});
