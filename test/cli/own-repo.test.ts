/**
 * The commands a user's own repository meets: `init` (what it writes, skips and merges), `argocd`
 * in a project below the repository root, `pull-secret` taking the project options, and a help
 * example for every command.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { HELP_EXAMPLES } from '../../lib/cli/commands';
import { cleanEnv, runCli } from '../helpers/cli';
import { lintWorkflow } from '../oracles/actions';
import { tempTextTree } from '../helpers/tree';

const COMPOSE = 'name: shop\nservices:\n  api:\n    build: ./api\n    ports: ["8000:8000"]\n  cache:\n    image: redis:7-alpine\n';
const GIT_ENV = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' };

function repo(files: Record<string, string>): string {
  return tempTextTree('own-repo-cli-', files);
}

function git(dir: string, ...args: string[]): void {
  execFileSync('git', args, { cwd: dir, env: { ...cleanEnv(), ...GIT_ENV }, stdio: 'ignore' });
}

describe('init', () => {
  test('writes the app, the test, cdk8s.yaml; merges package.json and .gitignore; a second run changes nothing', async () => {
    const dir = repo({ 'docker-compose.yml': COMPOSE, 'package.json': '{\n  "name": "mine",\n  "scripts": { "test": "vitest" },\n  "dependencies": { "left-pad": "1.3.0" }\n}\n', '.gitignore': 'node_modules\n*.log' });
    const r = await runCli(['init', '--registry', 'acme', '-n', 'shop'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^wrote\s+cdk8s\.yaml$/m);
    expect(r.stdout).toMatch(/^wrote\s+main\.js$/m);
    expect(r.stdout).toMatch(/^wrote\s+main\.test\.js$/m);
    expect(r.stdout).toMatch(/^updated\s+package\.json \(added scripts\.synth, devDependencies\.compose-cdk8s, devDependencies\.cdk8s-cli, devDependencies\.jest; scripts\.test kept as "vitest"\)$/m);
    expect(r.stdout).toMatch(/^updated\s+\.gitignore \(added \.cdk8s\.out\/\)$/m);
    expect(r.stdout).toContain('next:\n  npm install');
    expect(r.stdout).toContain('  npm run synth');
    expect(r.stdout).toContain('  npm test');

    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    expect(pkg.name).toBe('mine');
    expect(pkg.scripts).toEqual({ test: 'vitest', synth: 'cdk8s synth --check-upgrade=false' });
    expect(pkg.dependencies).toEqual({ 'left-pad': '1.3.0' });
    expect(Object.keys(pkg.devDependencies)).toEqual(['cdk8s-cli', 'compose-cdk8s', 'jest']);
    expect(fs.readFileSync(path.join(dir, '.gitignore'), 'utf8')).toBe('node_modules\n*.log\n.cdk8s.out/\n');
    const main = fs.readFileSync(path.join(dir, 'main.js'), 'utf8');
    expect(main).toContain("new ComposeChart(app, 'shop', {\n    composeFile: 'docker-compose.yml',\n    registry: 'acme',\n    namespace: 'shop',\n    cwd: __dirname,");
    expect(main).toContain("chart.service('api')");
    expect(YAML.parse(fs.readFileSync(path.join(dir, 'cdk8s.yaml'), 'utf8'))).toEqual({ language: 'typescript', app: 'node main.js', output: '.cdk8s.out' });

    const again = await runCli(['init'], { cwd: dir });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^skipped\s+main\.js \(exists; --force overwrites it\)$/m);
    expect(again.stdout).toMatch(/^unchanged\s+cdk8s\.yaml$/m);
    expect(again.stdout).toMatch(/^unchanged\s+package\.json \(scripts\.test kept as "vitest"\)$/m);
    expect(fs.readFileSync(path.join(dir, 'main.js'), 'utf8')).toBe(main);
  });

  test('never overwrites without --force; --force does; --workflows writes the workflows', async () => {
    const dir = repo({ 'compose.yaml': COMPOSE, 'api/Dockerfile': 'FROM scratch\n', 'main.js': '// mine\n' });
    const r = await runCli(['init', '--workflows'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^skipped\s+main\.js/m);
    expect(fs.readFileSync(path.join(dir, 'main.js'), 'utf8')).toBe('// mine\n');
    expect(fs.readdirSync(path.join(dir, '.github', 'workflows')).sort()).toEqual(['deploy.yml', 'docr-build.yml', 'manifest-diff.yml', 'registry-gc.yml']);
    expect(fs.readFileSync(path.join(dir, 'main.js'), 'utf8')).toBe('// mine\n');
    const forced = await runCli(['init', '--force'], { cwd: dir });
    expect(forced.stdout).toMatch(/^wrote\s+main\.js$/m);
    expect(fs.readFileSync(path.join(dir, 'main.js'), 'utf8')).toContain("composeFile: 'compose.yaml'");
  });

  test('--workflows: the deploy workflow synthesizes with the cdk8s app, so code changes are deployed', async () => {
    const dir = repo({ 'compose.yaml': COMPOSE, 'api/Dockerfile': 'FROM scratch\n' });
    expect((await runCli(['init', '--workflows'], { cwd: dir })).code).toBe(0);
    const deploy = fs.readFileSync(path.join(dir, '.github', 'workflows', 'deploy.yml'), 'utf8');
    expect(deploy).toContain('COMPOSE_CDK8S_DIGESTS="$DIGESTS" npx --no-install cdk8s synth --check-upgrade=false');
    expect(deploy).not.toContain('compose-cdk8s synth');
    expect(await lintWorkflow(deploy, '.github/workflows/deploy.yml')).toEqual([]);
    const bad = await runCli(['workflows', '--cdk8s-app', '--output-dir', 'manifests', '--sha', 'abc1234'], { cwd: dir });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--output-dir "manifests" with --cdk8s-app: the cdk8s app writes dist\//);
  });

  test('with x-k8s.environments, main.js makes one chart per environment and writes dist/<env>/ as synth does', async () => {
    const envs = 'x-k8s:\n  environments:\n    staging:\n      namespace: shop-staging\n    prod:\n      namespace: shop-prod\n      services:\n        api: { replicas: 2 }\n';
    const dir = repo({ 'compose.yaml': `${COMPOSE}${envs}` });
    const r = await runCli(['init', '--registry', 'acme'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('  npm run synth     # writes dist/staging/, dist/prod/ (commit it');
    const main = fs.readFileSync(path.join(dir, 'main.js'), 'utf8');
    expect(main).toContain("const charts = ComposeChart.forEnvironments(app, 'shop', {\n    composeFile: 'compose.yaml',\n    registry: 'acme',\n    cwd: __dirname,");
    expect(main).toContain("for (const chart of charts) {\n    // chart.environment.name is the environment ('staging', 'prod')");
    // The app, run with this checkout's library in place of the package: the same files as synth.
    const app = path.join(dir, 'app.js');
    fs.writeFileSync(app, main.replace("require('compose-cdk8s')", `require(${JSON.stringify(path.resolve(__dirname, '..', '..', 'lib'))})`));
    const { ComposeApp } = require('../../lib') as typeof import('../../lib');
    const composeApp = new ComposeApp({ cwd: dir });
    (require(app) as { build: (a: unknown, o: unknown) => unknown }).build(composeApp, { sha: 'snapshot', env: cleanEnv() });
    const files = composeApp.render();
    const synth = await runCli(['synth', '--registry', 'acme', '--sha', 'snapshot', '-o', 'out'], { cwd: dir, env: cleanEnv() });
    expect(synth.code).toBe(0);
    expect(Object.keys(files).sort()).toEqual(['prod/Kustomization', 'prod/shop.k8s.yaml', 'staging/Kustomization', 'staging/shop.k8s.yaml']);
    for (const f of Object.keys(files)) expect(files[f]).toBe(fs.readFileSync(path.join(dir, 'out', f), 'utf8'));
  });

  test('warns when .gitignore ignores dist/ (GitOps deploys it)', async () => {
    const dir = repo({ 'compose.yaml': COMPOSE, '.gitignore': 'dist/\n' });
    const r = await runCli(['init'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/\.gitignore ignores dist\/, but dist\/ is what GitOps deploys/);
  });

  test('without a Compose file, or with a bad one, it writes nothing', async () => {
    const empty = repo({ 'README.md': 'x' });
    const r = await runCli(['init'], { cwd: empty });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no Compose file in .* \(looked for compose\.yaml, compose\.yml, docker-compose\.yaml, docker-compose\.yml\)/);
    expect(fs.readdirSync(empty)).toEqual(['README.md']);
    const bad = repo({ 'compose.yaml': 'services:\n  web:\n    image: nginx\n    ports: [ "eighty" ]\n' });
    const b = await runCli(['init'], { cwd: bad });
    expect(b.code).toBe(1);
    expect(b.stderr).toMatch(/compose\.yaml:4:\d+/);
    expect(fs.readdirSync(bad)).toEqual(['compose.yaml']);
  });
});

describe('argocd in the user\'s repository', () => {
  test('path relative to the git root, repoURL from origin as configured, HEAD without a deploy workflow', async () => {
    const root = repo({ 'apps/shop/compose.yaml': COMPOSE });
    git(root, 'init', '-q');
    git(root, 'remote', 'add', 'origin', 'git@github.com:acme/shop.git');
    const r = await runCli(['argocd'], { cwd: path.join(root, 'apps', 'shop') });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(YAML.parse(r.stdout).spec.source).toEqual({ repoURL: 'git@github.com:acme/shop.git', targetRevision: 'HEAD', path: 'apps/shop/dist' });
    const chart = YAML.parse((await runCli(['argocd', '--chart'], { cwd: path.join(root, 'apps', 'shop') })).stdout);
    expect(chart.spec.source.path).toBe('apps/shop/helm/shop');
  });

  test('targetRevision (and the repository) follow the gitops deploy workflow', async () => {
    const root = repo({ 'compose.yaml': COMPOSE, 'api/Dockerfile': 'FROM scratch\n' });
    git(root, 'init', '-q');
    git(root, 'remote', 'add', 'origin', 'https://github.com/acme/shop.git');
    expect((await runCli(['workflows', '--sha', 'abc1234', '--gitops-branch', 'release'], { cwd: root })).code).toBe(0);
    const same = YAML.parse((await runCli(['argocd'], { cwd: root })).stdout);
    expect(same.spec.source).toEqual({ repoURL: 'https://github.com/acme/shop.git', targetRevision: 'release', path: 'dist' });
    expect((await runCli(['workflows', '--sha', 'abc1234', '--gitops-repo', 'acme/deployments'], { cwd: root })).code).toBe(0);
    const other = YAML.parse((await runCli(['argocd'], { cwd: root })).stdout);
    expect(other.spec.source).toEqual({ repoURL: 'https://github.com/acme/deployments.git', targetRevision: 'deploy', path: 'dist' });
    // Flags still win.
    const given = YAML.parse((await runCli(['argocd', '--revision', 'main', '--repo-url', 'https://example.com/x.git'], { cwd: root })).stdout);
    expect(given.spec.source).toMatchObject({ repoURL: 'https://example.com/x.git', targetRevision: 'main' });
  });
});

describe('pull-secret takes the project options', () => {
  const config = JSON.stringify({ auths: { 'registry.digitalocean.com': { auth: Buffer.from('tok:tok').toString('base64') } } });

  test('-f reads the registry and namespace from the Compose file\'s x-k8s; flags win', async () => {
    const dir = repo({ 'stack/docker-compose.yml': `x-k8s:\n  registry: acme\n  namespace: shop\n${COMPOSE.replace('name: shop\n', '')}`, 'docker-config.json': config });
    const r = await runCli(['pull-secret', '-f', 'stack/docker-compose.yml', '--docker-config', 'docker-config.json'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(YAML.parse(r.stdout).metadata).toMatchObject({ name: 'registry-acme', namespace: 'shop' });
    const flagged = await runCli(['pull-secret', '-f', 'stack/docker-compose.yml', '--docker-config', 'docker-config.json', '-n', 'kube-system', '--name', 'pull'], { cwd: dir });
    expect(YAML.parse(flagged.stdout).metadata).toMatchObject({ name: 'pull', namespace: 'kube-system' });
  });
});

test('every command\'s --help ends with an example, and every command but status takes the project options', async () => {
  const { buildProgram } = await import('../../lib/cli/main');
  const program = buildProgram({ stdout: () => undefined, stderr: () => undefined, env: cleanEnv(), cwd: os.tmpdir() });
  const names = program.commands.map((c) => c.name()).sort();
  expect(Object.keys(HELP_EXAMPLES).sort()).toEqual(names);
  for (const name of names) {
    const r = await runCli([name, '--help'], { cwd: os.tmpdir() });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`\nExample:\n  ${HELP_EXAMPLES[name]}\n`);
    // status reads the cluster and dist/, not the Compose files (README's command table says so).
    if (name === 'status') expect(r.stdout).not.toContain('-f, --file <path>');
    else expect(r.stdout).toContain('-f, --file <path>');
  }
});

test('output piped into a reader that stops early ends quietly (no EPIPE stack trace)', () => {
  const bin = path.resolve(__dirname, '..', '..', 'bin', 'compose-cdk8s.js');
  // `true` exits without reading, long before node has started: every write meets a closed pipe.
  const r = execFileSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${bin}" synth --help 2>&1 >/dev/stdout | true; echo "exit=$?"`], { encoding: 'utf8', env: cleanEnv() });
  expect(r).toBe('exit=0\n');
});
