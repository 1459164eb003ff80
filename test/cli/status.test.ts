/**
 * `compose-cdk8s status` on recorded kubectl JSON (test/fixtures/status/live-equal.json, the shape
 * `kubectl get deploy,sts,ds,cronjob -n shop -o json` returns once the fixture's dist/ is applied):
 * live equal to dist/, an image drifted, a service missing, a foreign workload, a rollout not ready
 * yet. dist/ is synthesized afresh from the fixture's compose.yaml and digests.json, so converter
 * changes that leave images, release annotations and replicas alone do not touch these tests.
 * No test talks to a cluster: they pass --live, or a stand-in KUBECTL that prints the fixture.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { cleanEnv, runCli } from '../helpers/cli';
import { compareLive } from '../../lib/output/review/status';

const FIXTURE = path.join(__dirname, '..', 'fixtures', 'status');
let DIST = '';
const EQUAL = JSON.parse(fs.readFileSync(path.join(FIXTURE, 'live-equal.json'), 'utf8'));
const SHA = '0123456789abcdef0123456789abcdef01234567';
const DIGEST = `sha256:${'a'.repeat(64)}`;
const PINNED = `registry.digitalocean.com/acme/api@${DIGEST}`;

function liveFile(edit: (list: any) => void = () => undefined): string {
  const list = structuredClone(EQUAL);
  edit(list);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'status-')), 'live.json');
  fs.writeFileSync(file, JSON.stringify(list));
  return file;
}

function item(list: any, kind: string, name: string): any {
  return list.items.find((o: any) => o.kind === kind && o.metadata.name === name);
}

async function status(live: string, ...args: string[]) {
  return runCli(['status', '-o', DIST, '--live', live, ...args], { cwd: FIXTURE });
}

beforeAll(async () => {
  DIST = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'status-dist-')), 'dist');
  const r = await runCli(['synth', '-f', path.join(FIXTURE, 'compose.yaml'), '--sha', SHA, '--digests', path.join(FIXTURE, 'digests.json'), '--registry', 'acme', '-o', DIST], { cwd: FIXTURE });
  if (r.code !== 0) throw new Error(r.stderr);
});

describe('compose-cdk8s status', () => {

  test('live equal to dist/: a table of every service, exit 0', async () => {
    const r = await status(path.join(FIXTURE, 'live-equal.json'));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^SERVICE\s+KIND\s+IMAGE \(live\)\s+SHA\s+DIGEST\s+READY\s+BUILD\s+STATUS$/);
    expect(lines[1]).toMatch(/^api\s+Deployment\s+registry\.digitalocean\.com\/acme\/api@sha256:aaaaaaaaaaaa\.\.\.\s+0123456\s+sha256:aaaaaaaaaaaa\s+1\/1\s+run 4242\s+ok$/);
    expect(lines[2]).toMatch(/^backup\s+CronJob\s+alpine:3\.20\s+0123456\s+-\s+-\s+run 4242\s+ok$/);
    expect(lines[3]).toMatch(/^db\s+StatefulSet\s+postgres:16\.4\s+0123456\s+-\s+1\/1\s+run 4242\s+ok$/);
    expect(r.stdout).toContain('live matches dist/: 3 services\n');
  });

  test('--format json: per service the image, sha, digest, replicas ready and build run, both sides', async () => {
    const r = await status(path.join(FIXTURE, 'live-equal.json'), '--format', 'json');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.ok).toBe(true);
    expect(report.foreign).toEqual([]);
    const api = report.services.find((s: any) => s.service === 'api');
    expect(api).toEqual({
      service: 'api', kind: 'Deployment', name: 'api', namespace: 'shop', status: 'ok', drift: [],
      expected: { images: { api: PINNED }, sha: SHA, digest: DIGEST, buildRun: 'https://github.com/acme/shop/actions/runs/4242', replicas: 1 },
      live: { images: { api: PINNED }, sha: SHA, digest: DIGEST, buildRun: 'https://github.com/acme/shop/actions/runs/4242', replicas: 1, ready: 1 },
    });
  });

  test('an image drifted (kubectl set image): exit 2, the service and both values named', async () => {
    const live = liveFile((l) => {
      item(l, 'Deployment', 'api').spec.template.spec.containers[0].image = 'registry.digitalocean.com/acme/api:hotfix';
    });
    const r = await status(live);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain(`drift: api (Deployment/api): image api: dist/ ${PINNED}, live registry.digitalocean.com/acme/api:hotfix\n`);
    expect(r.stdout).toMatch(/^api\s+Deployment\s+registry\.digitalocean\.com\/acme\/api:hotfix\s.*\sdrift$/m);
    expect(r.stdout).toContain('1 of 3 services drifted from dist/');
    const json = JSON.parse((await status(live, '--format', 'json')).stdout);
    expect(json.ok).toBe(false);
    expect(json.services.find((s: any) => s.service === 'api').drift).toEqual([
      { field: 'image api', expected: PINNED, live: 'registry.digitalocean.com/acme/api:hotfix' },
    ]);
  });

  test('an older build still live: sha, digest and build run drift are named too', async () => {
    const live = liveFile((l) => {
      const api = item(l, 'Deployment', 'api');
      api.metadata.annotations['compose-cdk8s.io/git-sha'] = 'fedcba9876543210fedcba9876543210fedcba98';
      api.metadata.annotations['compose-cdk8s.io/image-digest'] = `sha256:${'b'.repeat(64)}`;
      api.metadata.annotations['compose-cdk8s.io/build-run'] = 'https://github.com/acme/shop/actions/runs/4200';
      api.spec.template.spec.containers[0].image = `registry.digitalocean.com/acme/api@sha256:${'b'.repeat(64)}`;
    });
    const r = await status(live);
    expect(r.code).toBe(2);
    for (const field of ['image api', 'sha', 'digest', 'build run']) expect(r.stdout).toContain(`drift: api (Deployment/api): ${field}: dist/ `);
    expect(r.stdout).toContain(`sha: dist/ ${SHA}, live fedcba9876543210fedcba9876543210fedcba98`);
  });

  test('a service missing from the cluster: exit 2, named', async () => {
    const live = liveFile((l) => { l.items = l.items.filter((o: any) => o.metadata.name !== 'db'); });
    const r = await status(live);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/^db\s+StatefulSet\s+-\s.*\smissing$/m);
    expect(r.stdout).toContain('drift: db (StatefulSet/db): workload: dist/ StatefulSet/db, live (none)\n');
  });

  test('a foreign workload is listed and ignored (exit 0); a leftover of this project is drift', async () => {
    const foreign = {
      apiVersion: 'apps/v1', kind: 'Deployment',
      metadata: { name: 'grafana', namespace: 'shop', labels: { 'app.kubernetes.io/name': 'grafana' } },
      spec: { replicas: 1, template: { spec: { containers: [{ name: 'grafana', image: 'grafana/grafana:11.0.0' }] } } },
      status: { readyReplicas: 1, replicas: 1 },
    };
    const r = await status(liveFile((l) => { l.items.push(foreign); }));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('foreign: Deployment/grafana in shop is not from this project (ignored)\n');
    expect(r.stdout).not.toMatch(/^grafana/m);

    const leftover = structuredClone(foreign);
    leftover.metadata = { name: 'old-worker', namespace: 'shop', labels: { 'app.kubernetes.io/name': 'old-worker', 'app.kubernetes.io/part-of': 'shop' } } as any;
    const r2 = await status(liveFile((l) => { l.items.push(leftover); }));
    expect(r2.code).toBe(2);
    expect(r2.stdout).toContain('drift: old-worker (Deployment/old-worker): workload: dist/ (none), live Deployment/old-worker\n');
  });

  test('a rollout in progress is shown as not ready, not as drift', async () => {
    const r = await status(liveFile((l) => { item(l, 'Deployment', 'api').status.readyReplicas = 0; }));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^api\s.*\s0\/1\s+run 4242\s+not ready$/m);
  });

  test('replicas scaled by hand are drift; an autoscaled workload\'s are not', () => {
    const docs = [EQUAL];
    const scaled = structuredClone(EQUAL);
    item(scaled, 'Deployment', 'api').spec.replicas = 3;
    const expected = fs.readFileSync(path.join(DIST, 'shop.k8s.yaml'), 'utf8');
    const YAML = require('yaml') as typeof import('yaml');
    const dist = YAML.parseAllDocuments(expected).map((d) => d.toJS());
    expect(compareLive(dist, docs).ok).toBe(true);
    expect(compareLive(dist, [scaled]).services.find((s) => s.service === 'api')!.drift).toEqual([{ field: 'replicas', expected: '1', live: '3' }]);
    const hpa = { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'api' }, spec: { scaleTargetRef: { kind: 'Deployment', name: 'api' } } };
    expect(compareLive([...dist, hpa], [scaled]).ok).toBe(true);
  });

  test('without --live it runs kubectl get with the context and dist/\'s namespace (a stand-in kubectl here)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'status-kubectl-'));
    const fake = path.join(dir, 'kubectl');
    const argsFile = path.join(dir, 'args.txt');
    fs.writeFileSync(fake, `#!/bin/sh\nprintf '%s\\n' "$@" > '${argsFile}'\ncat '${path.join(FIXTURE, 'live-equal.json')}'\n`, { mode: 0o755 });
    const r = await runCli(['status', '-o', DIST, '--context', 'do-fra1-shop'], { cwd: FIXTURE, env: cleanEnv({ KUBECTL: fake }) });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(fs.readFileSync(argsFile, 'utf8').trim().split('\n')).toEqual(['get', 'deploy,sts,ds,cronjob', '-o', 'json', '--context', 'do-fra1-shop', '--namespace', 'shop']);

    fs.writeFileSync(fake, '#!/bin/sh\necho "error: context was not found for specified context: nope" >&2\nexit 1\n', { mode: 0o755 });
    const bad = await runCli(['status', '-o', DIST, '--context', 'nope'], { cwd: FIXTURE, env: cleanEnv({ KUBECTL: fake }) });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/failed: error: context was not found/);
  });

  test('errors: no manifests folder, a live file that is not JSON', async () => {
    const r = await runCli(['status', '-o', 'nowhere', '--live', path.join(FIXTURE, 'live-equal.json')], { cwd: FIXTURE });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot read the manifests folder .*nowhere/);
    const bad = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'status-')), 'live.json');
    fs.writeFileSync(bad, 'not json');
    const r2 = await status(bad);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toMatch(/live\.json is not JSON/);
  });
});

describe('compose-cdk8s status with x-k8s.environments (<output>/<env>/, a namespace each)', () => {
  let ENV_DIST = '';
  const ENVS = 'x-k8s:\n  environments:\n    staging:\n      namespace: shop-staging\n    prod:\n      namespace: shop-prod\n';

  beforeAll(async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'status-envs-'));
    fs.writeFileSync(path.join(dir, 'envs.yml'), ENVS);
    ENV_DIST = path.join(dir, 'dist');
    const r = await runCli(['synth', '-f', path.join(FIXTURE, 'compose.yaml'), '-f', path.join(dir, 'envs.yml'), '--sha', SHA, '--digests', path.join(FIXTURE, 'digests.json'), '--registry', 'acme', '-o', ENV_DIST], { cwd: FIXTURE });
    if (r.code !== 0) throw new Error(r.stderr);
  });

  /** live-equal.json as the cluster returns it for the environment's namespace. */
  const liveIn = (namespace: string) => liveFile((list) => {
    for (const o of list.items) o.metadata.namespace = namespace;
  });

  test('--env prod compares dist/prod/ with the workloads of shop-prod, and says so', async () => {
    const r = await runCli(['status', '-o', ENV_DIST, '--env', 'prod', '--live', liveIn('shop-prod')], { cwd: FIXTURE });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/live matches .*dist\/prod\/: 3 services\n$/);
    // The same workloads in staging's namespace are not prod's.
    const wrong = await runCli(['status', '-o', ENV_DIST, '--env', 'prod', '--live', liveIn('shop-staging')], { cwd: FIXTURE });
    expect(wrong.code).toBe(2);
    expect(wrong.stdout).toMatch(/api \s+Deployment .* missing\n[^]*services drifted from .*dist\/prod\/\n$/);
  });

  test('without --live, kubectl reads the environment\'s namespace', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'status-kubectl-'));
    const fake = path.join(dir, 'kubectl');
    const argsFile = path.join(dir, 'args.txt');
    fs.writeFileSync(fake, `#!/bin/sh\nprintf '%s\\n' "$@" > '${argsFile}'\ncat '${liveIn('shop-staging')}'\n`, { mode: 0o755 });
    const r = await runCli(['status', '-o', ENV_DIST, '--env', 'staging'], { cwd: FIXTURE, env: cleanEnv({ KUBECTL: fake }) });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(fs.readFileSync(argsFile, 'utf8').trim().split('\n')).toEqual(['get', 'deploy,sts,ds,cronjob', '-o', 'json', '--namespace', 'shop-staging']);
  });

  test('errors: the environments folder without --env names them; an --env that has no folder lists those that do', async () => {
    const none = await runCli(['status', '-o', ENV_DIST, '--live', liveIn('shop-prod')], { cwd: FIXTURE });
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/dist\/ holds one folder per environment \(prod, staging\), each deployed to its own namespace \(pass --env with the one to compare: compose-cdk8s status --env prod\)/);
    const unknown = await runCli(['status', '-o', ENV_DIST, '--env', 'qa', '--live', liveIn('shop-prod')], { cwd: FIXTURE });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/--env qa: .*dist\/ has no folder qa\/ written for that environment \(the environments in .*dist\/ are: prod, staging\)/);
    expect(unknown.stderr).not.toMatch(/\n\s+at /);
  });
});
