/**
 * Issue 17, review: `check` and `diff` with declared environments. check compares every
 * <output>/<env>/ (and the chart's values-<env>.yaml) and names the stale files; `--env` narrows
 * it to one environment. diff tells the environments apart: which changed, and per service what;
 * the Markdown the pull-request workflow posts has a row per environment and a section per
 * environment that changed. Over a copy of the example with test/fixtures/environments.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runCli } from '../helpers/cli';
import { MARKDOWN_MARKER } from '../../lib/output/review/format';
import type { ManifestDiff } from '../../lib/output/review/changes';
import { environmentsHeadline, NO_ENVIRONMENT } from '../../lib/output/review/environments';

const ROOT = path.resolve(__dirname, '..', '..');
const SHA = '0123456789abcdef0123456789abcdef01234567';
const F = ['-f', 'docker-compose.yml', '-f', 'environments.yml'];
const ENV = { IMAGE_TAG: SHA };

/** A copy of the example and the environments, synthesized (dist/ and the chart). */
async function project(): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'env-review-'));
  fs.cpSync(path.join(ROOT, 'examples', 'the-shop'), dir, { recursive: true });
  fs.copyFileSync(path.join(ROOT, 'test', 'fixtures', 'environments', 'environments.yml'), path.join(dir, 'environments.yml'));
  const r = await runCli(['synth', ...F, '--helm', 'helm'], { cwd: dir, env: ENV });
  expect(r.code).toBe(0);
  return dir;
}

/** Scale prod's payments to 2 (an override staging does not have). */
function scalePayments(dir: string): void {
  const file = path.join(dir, 'environments.yml');
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('        worker:\n          environment: { LOG_LEVEL: warn }\n', '        worker:\n          environment: { LOG_LEVEL: warn }\n        payments:\n          replicas: 2\n'));
}

describe('check with environments', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await project();
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('synth wrote one folder per environment; check finds them and the values files up to date', async () => {
    expect(fs.readdirSync(path.join(dir, 'dist')).filter((f) => !f.startsWith('.')).sort()).toEqual(['prod', 'staging']);
    const r = await runCli(['check', ...F], { cwd: dir, env: ENV });
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toMatch(/^up to date: dist\/, helm\/ \(\d+ files\)\n$/);
  });

  test('a file of one environment edited by hand is named, with that environment\'s folder', async () => {
    const file = path.join(dir, 'dist', 'prod', 'the-shop.k8s.yaml');
    const text = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, text.replace('replicas: 3', 'replicas: 5'));
    try {
      const all = await runCli(['check', ...F], { cwd: dir, env: ENV });
      expect(all.code).toBe(2);
      expect(all.stderr).toContain('dist/prod/the-shop.k8s.yaml: differs from what `compose-cdk8s synth` writes although its inputs are unchanged: edited by hand?');
      expect(all.stderr).not.toContain('dist/staging/');
      // --env staging looks at staging's folder only.
      const staging = await runCli(['check', ...F, '--env', 'staging'], { cwd: dir, env: ENV });
      expect([staging.code, staging.stderr]).toEqual([0, '']);
      expect(staging.stdout).toMatch(/^up to date: dist\/staging\/, helm\/ \(\d+ files\)\n$/);
    } finally {
      fs.writeFileSync(file, text);
    }
  });

  test('an unknown --env is an error naming the declared ones', async () => {
    const r = await runCli(['check', ...F, '--env', 'prd'], { cwd: dir, env: ENV });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no environment "prd" is declared \(did you mean "prod"\?/);
  });

  test('a changed override makes the environments\' files and the chart\'s values stale', async () => {
    const copy = await project();
    scalePayments(copy);
    const r = await runCli(['check', ...F], { cwd: copy, env: ENV });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('dist/prod/the-shop.k8s.yaml: is out of date');
    expect(r.stderr).toContain('helm/the-shop/values-prod.yaml: differs');
    fs.rmSync(copy, { recursive: true, force: true });
  });
});

describe('diff with environments', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await project();
    scalePayments(dir);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('text: which environments changed, then per environment and service what changed', async () => {
    const r = await runCli(['diff', ...F], { cwd: dir, env: ENV });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe([
      '1 of 2 environments changed: prod',
      'environment staging: no changes',
      'environment prod: 1 service changed',
      '  payments: changed',
      '    replicas 1 → 2',
      '',
    ].join('\n'));
  });

  test('markdown (the pull-request comment): a row per environment, a section per changed environment', async () => {
    const r = await runCli(['diff', ...F, '--format', 'markdown', '--title', 'main...scale'], { cwd: dir, env: ENV });
    expect(r.code).toBe(2);
    const lines = r.stdout.split('\n');
    expect(lines.slice(0, 9)).toEqual([
      MARKDOWN_MARKER, '### Kubernetes manifests: main...scale', '', '**1 of 2 environments changed: prod**', '',
      '| environment | changes |', '|---|---|', '| `staging` | no changes |', '| `prod` | 1 service changed |',
    ]);
    expect(r.stdout).toContain('#### Environment `prod`\n\n**1 service changed**\n\n##### `payments` (changed)\n\n- replicas 1 → 2\n');
    expect(r.stdout).not.toContain('#### Environment `staging`');
  });

  test('json: one entry per environment', async () => {
    const r = await runCli(['diff', ...F, '--format', 'json'], { cwd: dir, env: ENV });
    const doc = JSON.parse(r.stdout);
    expect(doc.equal).toBe(false);
    expect(doc.environments.map((e: any) => [e.environment, e.equal])).toEqual([['staging', true], ['prod', false]]);
    expect(doc.environments[1].services[0]).toMatchObject({ service: 'payments', status: 'changed' });
  });

  test('--env staging compares staging only (equal: exit 0); an environment neither side has is an error', async () => {
    const r = await runCli(['diff', ...F, '--env', 'staging'], { cwd: dir, env: ENV });
    expect([r.code, r.stdout]).toEqual([0, 'no changes\nenvironment staging: no changes\n']);
    const bad = await runCli(['diff', ...F, '--env', 'qa'], { cwd: dir, env: ENV });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/no environment "qa" on either side \(environments: staging, prod\)/);
  });

  test('--base: the pull request that declares environments shows the flat output leaving and each environment arriving', async () => {
    const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'env-review-git-'));
    fs.cpSync(path.join(ROOT, 'examples', 'the-shop'), repo, { recursive: true });
    const git = (...args: string[]): string => execFileSync('git', args, { cwd: repo, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e' } });
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-qm', 'base');
    const base = git('rev-parse', 'HEAD').trim();
    fs.copyFileSync(path.join(ROOT, 'test', 'fixtures', 'environments', 'environments.yml'), path.join(repo, 'environments.yml'));
    const r = await runCli(['diff', ...F, '--base', base], { cwd: repo, env: ENV });
    expect(r.code).toBe(2);
    const first = r.stdout.split('\n')[0];
    // The flat dist/ of the base is no environment: named as what it is, not counted.
    expect(first).toBe('2 of 2 environments changed: staging, prod; dist/ top level (before environments) changed');
    expect(r.stdout).toMatch(/^environment staging: 8 services added/m);
    expect(r.stdout).toMatch(/^dist\/ top level \(before environments\): 8 services removed/m);
    const md = await runCli(['diff', ...F, '--base', base, '--format', 'markdown'], { cwd: repo, env: ENV });
    expect(md.stdout).toContain('**2 of 2 environments changed: staging, prod; dist/ top level (before environments) changed**');
    expect(md.stdout).toMatch(/^\| dist\/ top level \(before environments\) \| 8 services removed/m);
    expect(md.stdout).toMatch(/^#### dist\/ top level \(before environments\)$/m);
    expect(md.stdout).not.toContain('no environment');
    const json = JSON.parse((await runCli(['diff', ...F, '--base', base, '--format', 'json'], { cwd: repo, env: ENV })).stdout);
    expect(json.summary).toBe('2 of 2 environments changed: staging, prod; dist/ top level (before environments) changed');
    expect(json.environments.map((e: { environment: string | null; label?: string }) => [e.environment, e.label])).toEqual([
      ['staging', undefined], ['prod', undefined], [null, 'dist/ top level (before environments)'],
    ]);
    expect(r.stderr).toBe('note: environments.yml is not in ' + base + '; its side is made from the other files\n');
    fs.rmSync(repo, { recursive: true, force: true });
  });
});

describe('the top-level group (a flat output from before environments) in the headline', () => {
  const same: ManifestDiff = { equal: true, services: [], changedFiles: [] };
  const changed: ManifestDiff = { equal: false, services: [], changedFiles: ['x.yaml'] };
  test('never counted as an environment; named after them when it changed', () => {
    expect(environmentsHeadline([{ environment: 'staging', diff: same }, { environment: 'prod', diff: changed }])).toBe('1 of 2 environments changed: prod');
    expect(environmentsHeadline([{ environment: 'staging', diff: same }, { environment: NO_ENVIRONMENT, diff: changed }], 'dist')).toBe('0 of 1 environment changed; dist/ top level (before environments) changed');
    expect(environmentsHeadline([{ environment: 'staging', diff: same }, { environment: NO_ENVIRONMENT, diff: same }], 'dist')).toBe('no changes');
    expect(environmentsHeadline([{ environment: NO_ENVIRONMENT, diff: changed }])).toBe('top level (before environments) changed');
  });
});
