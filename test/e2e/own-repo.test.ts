/**
 * compose-cdk8s in a user's own repository, end to end: the packed tarball installed into a fresh
 * git repository holding only a Compose file, then `compose-cdk8s init`, `npx cdk8s synth`,
 * `npm test` (a snapshot), a Compose change failing it, `npx jest -u` accepting it, and a
 * TypeScript file using the library type-checking against the package's declarations.
 *
 * Installing: tests run without network, and the npm cache holds the packages' tarballs but not
 * the registry metadata `npm i` needs to resolve them. So the tarball is unpacked into the
 * repository's node_modules/compose-cdk8s exactly as `npm i -D <tarball>` lays it out (the
 * package's `files`, no sources, no tsx), and its dependencies (and cdk8s-cli, jest, typescript)
 * are links to this project's node_modules. The package itself is the real packed one.
 *
 * Slow (npm pack runs the build; several cdk8s / jest processes): `npm run test:e2e`, which
 * `npm test` runs last.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');
const NODE_MODULES = path.join(ROOT, 'node_modules');
const COMPOSE = `services:
  api:
    image: nginx:1.27
    ports: ["8080:80"]
  cache:
    image: redis:7-alpine
    expose: ["6379"]
`;

const env = {
  PATH: `${path.dirname(process.execPath)}:/usr/bin:/bin`,
  HOME: os.tmpdir(),
  npm_config_cache: path.join(os.homedir(), '.npm'),
  npm_config_offline: 'true',
  npm_config_update_notifier: 'false',
  GIT_AUTHOR_NAME: 'e2e', GIT_AUTHOR_EMAIL: 'e2e@example.com', GIT_COMMITTER_NAME: 'e2e', GIT_COMMITTER_EMAIL: 'e2e@example.com',
};

function sh(cmd: string, args: string[], cwd: string): { code: number; out: string } {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout: 240_000 });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

function ok(cmd: string, args: string[], cwd: string): string {
  const r = sh(cmd, args, cwd);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.code}:\n${r.out}`);
  return r.out;
}

/** Lay out node_modules as `npm i -D <tarball>` would, with the dependencies linked (see above). */
function install(tarball: string, repo: string): void {
  const nm = path.join(repo, 'node_modules');
  fs.mkdirSync(path.join(nm, '.bin'), { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', nm]);
  fs.renameSync(path.join(nm, 'package'), path.join(nm, 'compose-cdk8s'));
  for (const name of fs.readdirSync(NODE_MODULES)) {
    if (name === '.bin' || name === 'compose-cdk8s' || name.startsWith('.')) continue;
    fs.symlinkSync(path.join(NODE_MODULES, name), path.join(nm, name));
  }
  for (const name of fs.readdirSync(path.join(NODE_MODULES, '.bin'))) {
    fs.symlinkSync(fs.realpathSync(path.join(NODE_MODULES, '.bin', name)), path.join(nm, '.bin', name));
  }
  fs.symlinkSync('../compose-cdk8s/bin/compose-cdk8s.js', path.join(nm, '.bin', 'compose-cdk8s'));
}

test('pack, install, init, synth, snapshot test, change, accept; the library type-checks', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'own-repo-'));
  const packed = path.join(tmp, 'pack');
  fs.mkdirSync(packed);
  // npm pack runs the prepare script: the package is built as for a release.
  ok('npm', ['pack', '--pack-destination', packed, '--silent'], ROOT);
  const [tarball] = fs.readdirSync(packed).filter((f) => f.endsWith('.tgz'));
  const listing = execFileSync('tar', ['-tzf', path.join(packed, tarball)], { encoding: 'utf8' }).split('\n');
  expect(listing).toContain('package/build/index.js');
  expect(listing).toContain('package/build/types/lib/index.d.ts');
  expect(listing).toContain('package/bin/compose-cdk8s.js');
  expect(listing).toContain('package/bin/load-bundle.js');
  expect(listing).toContain('package/build/compose-cdk8s.cache');
  expect(listing.filter((f) => f.startsWith('package/lib/') || f.startsWith('package/scripts/') || f.startsWith('package/test/'))).toEqual([]);
  const manifest = JSON.parse(execFileSync('tar', ['-xzOf', path.join(packed, tarball), 'package/package.json'], { encoding: 'utf8' }));
  expect(manifest.private).toBeUndefined();
  expect(Object.keys(manifest.dependencies)).not.toContain('tsx');

  const repo = path.join(tmp, 'shop');
  fs.mkdirSync(repo);
  fs.writeFileSync(path.join(repo, 'docker-compose.yml'), COMPOSE);
  ok('git', ['init', '-q', '-b', 'main'], repo);
  ok('git', ['add', '.'], repo);
  ok('git', ['commit', '-q', '-m', 'compose file'], repo);
  install(path.join(packed, tarball), repo);

  // 1. init
  const init = ok('npx', ['--no-install', 'compose-cdk8s', 'init'], repo);
  expect(init).toMatch(/wrote\s+cdk8s\.yaml/);
  expect(init).toMatch(/wrote\s+main\.js/);
  expect(init).toMatch(/wrote\s+main\.test\.js/);
  expect(init).toContain('npm run synth');
  const pkg = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8'));
  expect(pkg.scripts).toMatchObject({ synth: expect.stringContaining('cdk8s synth'), test: 'jest' });
  expect(Object.keys(pkg.devDependencies).sort()).toEqual(['cdk8s-cli', 'compose-cdk8s', 'jest']);
  expect(fs.readFileSync(path.join(repo, '.gitignore'), 'utf8')).not.toMatch(/^\/?dist/m);
  // A second run changes nothing and says so.
  expect(ok('npx', ['--no-install', 'compose-cdk8s', 'init'], repo)).toMatch(/unchanged\s+main\.js/);

  // 2. cdk8s synth writes dist/, which is what `compose-cdk8s synth` writes
  ok('npx', ['--no-install', 'cdk8s', 'synth', '--check-upgrade=false'], repo);
  expect(fs.readdirSync(path.join(repo, 'dist')).sort()).toEqual(['.compose-cdk8s', 'Kustomization', 'shop.k8s.yaml']);
  ok('npx', ['--no-install', 'compose-cdk8s', 'synth', '-o', path.join(tmp, 'cli-dist')], repo);
  expect(fs.readFileSync(path.join(repo, 'dist', 'shop.k8s.yaml'), 'utf8')).toBe(fs.readFileSync(path.join(tmp, 'cli-dist', 'shop.k8s.yaml'), 'utf8'));

  // 3. npm test passes (and writes the snapshot)
  ok('npm', ['test', '--silent'], repo);
  expect(fs.existsSync(path.join(repo, '__snapshots__', 'main.test.js.snap'))).toBe(true);

  // 4. a Compose change fails the snapshot
  fs.writeFileSync(path.join(repo, 'docker-compose.yml'), COMPOSE.replace('nginx:1.27', 'nginx:1.28'));
  const failed = sh('npm', ['test', '--silent'], repo);
  expect(failed.code).not.toBe(0);
  expect(failed.out).toMatch(/snapshot.*failed|toMatchSnapshot/i);
  expect(failed.out).toContain('nginx:1.28');

  // 5. accepted with jest -u, then npm test passes again
  ok('npx', ['--no-install', 'jest', '-u'], repo);
  ok('npm', ['test', '--silent'], repo);

  // A TypeScript file using the library type-checks against the package's declarations (with
  // exports-aware and classic resolution), and the scaffolded main.js checks too (// @ts-check).
  fs.writeFileSync(path.join(repo, 'app.ts'), `import { ComposeApp, ComposeChart, cdk8s, plus } from 'compose-cdk8s';
const app = new ComposeApp({ outputDir: 'dist' });
const chart: cdk8s.Chart = new ComposeChart(app, 'shop', { composeFile: 'docker-compose.yml', registry: 'my-registry', namespace: 'shop' });
const web = (chart as ComposeChart).service('api');
web.deployment.addContainer({ name: 'log-shipper', image: 'fluent/fluent-bit:3.1' });
web.apiObject.addJsonPatch(cdk8s.JsonPatch.replace('/spec/replicas', 3));
web.podTemplate.add('/spec/priorityClassName', 'high');
const container: plus.Container = web.container();
const service: plus.Service | undefined = web.service;
// @ts-expect-error: a misspelt prop is a type error
new ComposeChart(app, 'other', { composeFiles: 'docker-compose.yml' });
export { container, service };
`);
  const tsc = path.join(NODE_MODULES, 'typescript', 'bin', 'tsc');
  const common = ['--noEmit', '--strict', '--target', 'ES2022', '--types', 'node'];
  ok(process.execPath, [tsc, ...common, '--module', 'node16', '--moduleResolution', 'node16', 'app.ts'], repo);
  ok(process.execPath, [tsc, ...common, '--module', 'commonjs', '--moduleResolution', 'node', 'app.ts'], repo);
  ok(process.execPath, [tsc, ...common, '--module', 'commonjs', '--moduleResolution', 'node', '--allowJs', '--checkJs', 'main.js'], repo);

  // The README's library example type-checks and runs: the sidecar and the patches reach dist/.
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const example = /<!-- library-example:start -->\n```ts\n([\s\S]*?)```\n<!-- library-example:end -->/.exec(readme);
  expect(example).not.toBeNull();
  fs.writeFileSync(path.join(repo, 'readme-example.ts'), example![1]);
  ok(process.execPath, [tsc, ...common, '--module', 'node16', '--moduleResolution', 'node16', 'readme-example.ts'], repo);
  ok(process.execPath, ['--require', 'tsx/cjs', 'readme-example.ts'], repo);
  const objects = fs.readFileSync(path.join(repo, 'dist', 'shop.k8s.yaml'), 'utf8');
  expect(objects).toContain('name: log-shipper');
  expect(objects).toContain('priorityClassName: shop-critical');
  expect(objects).toContain('kind: ResourceQuota');
  expect(objects).toMatch(/kind: Deployment\n[\s\S]*?replicas: 3/);
  // Kept when a step fails, for a look; removed when all passed.
  fs.rmSync(tmp, { recursive: true, force: true });
}, 600_000);
