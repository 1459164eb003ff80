/**
 * First-run friction (issue 23): no image tag is needed when nothing uses one, and `check` tells
 * "the inputs changed" from "this run's settings differ", naming each setting with both values.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { cleanEnv, runCli, spawnCli } from '../helpers/cli';
import { readTextTree as readAll, tempTextTree } from '../helpers/tree';

const SHA = 'abcdef0123456789abcdef0123456789abcdef01';

/** A stack in a fresh temp folder, outside any git checkout. */
function stack(files: Record<string, string>): string {
  return tempTextTree('first-run-', files);
}


const THIRD_PARTY = `name: demo
services:
  cache:
    image: redis:7-alpine
    expose: ["6379"]
  web:
    image: registry.digitalocean.com/acme/web:1.2
    ports: ["8080:8080"]
`;

const BUILT = `name: demo
services:
  api:
    build: ./api
    ports: ["8000:8000"]
  cache:
    image: redis:7-alpine
`;

/**
 * The child's environment: no tag variable, and git may not look above the temp folder (so the
 * test means "outside git" wherever it runs, even from inside a checkout).
 */
function outsideGitEnv(): Record<string, string> {
  const env = cleanEnv({ GIT_CEILING_DIRECTORIES: path.dirname(fs.realpathSync(os.tmpdir())) });
  delete env.GITHUB_SHA;
  delete env.IMAGE_TAG;
  return env;
}

describe('no image tag when nothing is built (outside git)', () => {
  it('synth, helm, report and check run without a tag, and the outputs carry none', () => {
    const dir = stack({ 'compose.yaml': THIRD_PARTY });
    const env = outsideGitEnv();
    const synth = spawnCli(['synth', '--helm', 'helm', '--report'], { cwd: dir, env });
    // The only line on stderr is the decided-default notice (neither service reserves resources).
    expect(synth).toMatchObject({ code: 0, stderr: expect.stringMatching(/^warning: no resource reservation for cache, web \(cpu 50m, memory 64Mi\): [^\n]*\n$/) });
    expect(spawnCli(['helm', '-o', 'helm'], { cwd: dir, env })).toMatchObject({ code: 0 });
    expect(spawnCli(['report'], { cwd: dir, env }).code).toBe(0);
    expect(spawnCli(['check'], { cwd: dir, env })).toMatchObject({ code: 0, stdout: expect.stringMatching(/^up to date: dist\/, helm\//) });

    const dist = readAll(path.join(dir, 'dist'));
    const manifest = dist['demo.k8s.yaml'];
    expect(manifest).toMatch(/^# compose-cdk8s inputs: sha256:[0-9a-f]{64} tag=none registry=the-shop pull-secret=registry-the-shop$/m);
    expect(manifest).not.toMatch(/git-sha|release-info/);
    const chart = readAll(path.join(dir, 'helm', 'demo'));
    expect(chart['Chart.yaml']).not.toMatch(/appVersion/);
    expect(chart['values.yaml']).toMatch(/^ {4}tag: ""$/m);
    for (const text of [...Object.values(dist), ...Object.values(chart), fs.readFileSync(path.join(dir, 'conversion-report.json'), 'utf8')]) {
      expect(text).not.toMatch(/(?<![0-9a-f])[0-9a-f]{40}(?![0-9a-f])/);
    }
  });

  it('the same run twice gives the same bytes', () => {
    const a = stack({ 'compose.yaml': THIRD_PARTY });
    const b = stack({ 'compose.yaml': THIRD_PARTY });
    for (const dir of [a, b]) expect(spawnCli(['synth', '--helm', 'helm'], { cwd: dir, env: outsideGitEnv() }).code).toBe(0);
    expect(readAll(path.join(a, 'dist'))).toEqual(readAll(path.join(b, 'dist')));
    expect(readAll(path.join(a, 'helm'))).toEqual(readAll(path.join(b, 'helm')));
  });

  it('a stack that builds a service still needs one: exit 1 with the message, nothing written', () => {
    const dir = stack({ 'compose.yaml': BUILT, 'api/Dockerfile': 'FROM scratch\n' });
    const r = spawnCli(['synth'], { cwd: dir, env: outsideGitEnv() });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cannot tell which image tag to deploy: no --sha, IMAGE_TAG or GITHUB_SHA, and the project is not in a git checkout');
    expect(r.stderr).toContain('pass --sha <git-sha> or set IMAGE_TAG');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(fs.existsSync(path.join(dir, 'dist'))).toBe(false);
  });

  it('the message says what git lacks: a first commit, or git itself', () => {
    const fresh = stack({ 'compose.yaml': BUILT, 'api/Dockerfile': 'FROM scratch\n' });
    execFileSync('git', ['init', '-q'], { cwd: fresh, stdio: 'ignore' });
    const r = spawnCli(['synth'], { cwd: fresh, env: outsideGitEnv() });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('cannot tell which image tag to deploy: no --sha, IMAGE_TAG or GITHUB_SHA, and the current branch of the project\'s git checkout has no commit yet'
      + ' (commit first, or pass --sha <git-sha> or set IMAGE_TAG)\n');
    const noGit = stack({ 'compose.yaml': BUILT, 'api/Dockerfile': 'FROM scratch\n' });
    const n = spawnCli(['synth'], { cwd: noGit, env: { ...outsideGitEnv(), PATH: path.join(noGit, 'no-such-bin') } });
    expect(n.code).toBe(1);
    expect(n.stderr).toBe('cannot tell which image tag to deploy: no --sha, IMAGE_TAG or GITHUB_SHA, and git is not installed (install git, or pass --sha <git-sha> or set IMAGE_TAG)\n');
    for (const dir of [fresh, noGit]) expect(fs.existsSync(path.join(dir, 'dist'))).toBe(false);
  });

  it('a checkout git refuses to read (another user owns it: safe.directory) is named, with the command that trusts it', () => {
    if (process.getuid?.() !== 0) return; // only root can give the folder to another user
    const dir = stack({ 'compose.yaml': BUILT, 'api/Dockerfile': 'FROM scratch\n' });
    const gitEnv = { ...outsideGitEnv(), GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' };
    for (const args of [['init', '-q'], ['add', '-A'], ['commit', '-qm', 'x']]) execFileSync('git', args, { cwd: dir, stdio: 'ignore', env: gitEnv });
    execFileSync('chown', ['-R', '12345:12345', dir]);
    // HOME without a git config: no safe.directory entry of the machine's applies.
    const r = spawnCli(['synth'], { cwd: dir, env: { ...outsideGitEnv(), HOME: path.join(dir, 'no-home') } });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`cannot tell which image tag to deploy: no --sha, IMAGE_TAG or GITHUB_SHA, and git refuses to read the project's checkout, which another user owns (trust it with git config --global --add safe.directory ${dir}, or pass --sha <git-sha> or set IMAGE_TAG)\n`);
  });

  it('release metadata (--digests) still needs a tag', () => {
    const dir = stack({ 'compose.yaml': THIRD_PARTY, 'digests.json': '{}\n' });
    const r = spawnCli(['synth', '--digests', 'digests.json'], { cwd: dir, env: outsideGitEnv() });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cannot tell which image tag to deploy (the digests file records release metadata for an image tag): no --sha, IMAGE_TAG or GITHUB_SHA, and the project is not in a git checkout');
    // In a fresh checkout it says so, as for a built service.
    execFileSync('git', ['init', '-q'], { cwd: dir, stdio: 'ignore' });
    const fresh = spawnCli(['synth', '--digests', 'digests.json'], { cwd: dir, env: outsideGitEnv() });
    expect(fresh.code).toBe(1);
    expect(fresh.stderr).toContain("and the current branch of the project's git checkout has no commit yet (commit first, or pass --sha <git-sha> or set IMAGE_TAG)");
  });
});

describe('check: settings that differ vs inputs that changed', () => {
  const made = ['--sha', SHA, '--registry', 'acme', '-n', 'shop', '--pull-secret', 'acme-pull'];

  async function synthesized(): Promise<string> {
    const dir = stack({ 'compose.yaml': BUILT, 'api/Dockerfile': 'FROM scratch\n' });
    const r = await runCli(['synth', ...made], { cwd: dir });
    expect(r.code).toBe(0);
    return dir;
  }

  it('records the settings in the header, and passes with the same settings', async () => {
    const dir = await synthesized();
    const text = fs.readFileSync(path.join(dir, 'dist', 'demo.k8s.yaml'), 'utf8');
    expect(text).toMatch(new RegExp(`^# compose-cdk8s inputs: sha256:[0-9a-f]{64} tag=${SHA} registry=acme pull-secret=acme-pull namespace=shop$`, 'm'));
    expect(await runCli(['check', ...made.slice(2)], { cwd: dir })).toMatchObject({ code: 0 });
    // The same settings from the environment.
    const env = cleanEnv({ DOCR_REGISTRY: 'acme', K8S_NAMESPACE: 'shop', DOCR_PULL_SECRET: 'acme-pull' });
    expect(await runCli(['check'], { cwd: dir, env })).toMatchObject({ code: 0 });
  });

  it('names each differing setting with both values, exit 2, no advice to re-synthesize', async () => {
    const dir = await synthesized();
    const r = await runCli(['check'], { cwd: dir });
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toEqual([
      'registry: dist/ has acme, this run has the-shop (pass --registry acme or set DOCR_REGISTRY)',
      'namespace: dist/ has shop, this run has none (pass --namespace shop or set K8S_NAMESPACE)',
      'pull secret: dist/ has acme-pull, this run has registry-the-shop (pass --pull-secret acme-pull or set DOCR_PULL_SECRET)',
      'dist/ is up to date with the Compose files but was made with other settings: run check with them as shown',
    ]);
    expect(r.stderr).not.toMatch(/synth|out of date/);
  });

  it('names a tag given by --sha that differs', async () => {
    const dir = await synthesized();
    const other = '0123456789abcdef0123456789abcdef01234567';
    const r = await runCli(['check', ...made.slice(2), '--sha', other], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe([
      `tag: dist/ has ${SHA}, this run has ${other} (pass --sha ${SHA}, or drop --sha: check then uses the recorded tag)`,
      'dist/ is up to date with the Compose files but was made with another setting: run check with it as shown',
      '',
    ].join('\n'));
    // IMAGE_TAG and GITHUB_SHA (set per commit in CI) do not count: check uses the recorded tag.
    expect(await runCli(['check', ...made.slice(2)], { cwd: dir, env: cleanEnv({ IMAGE_TAG: other, GITHUB_SHA: other }) })).toMatchObject({ code: 0 });
  });

  it('after an input change: exit 2 with the out-of-date message', async () => {
    const dir = await synthesized();
    fs.writeFileSync(path.join(dir, 'compose.yaml'), BUILT.replace('redis:7-alpine', 'redis:7.2-alpine'));
    const r = await runCli(['check', ...made.slice(2)], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe([
      'dist/demo.k8s.yaml: is out of date: the Compose files or settings changed since it was generated',
      '1 file does not match the Compose files: run `compose-cdk8s synth` and commit the result',
      '',
    ].join('\n'));
  });

  it('both: names the settings, then the stale files with the synth command that keeps them', async () => {
    const dir = await synthesized();
    fs.writeFileSync(path.join(dir, 'compose.yaml'), BUILT.replace('redis:7-alpine', 'redis:7.2-alpine'));
    const r = await runCli(['check', '-n', 'shop', '--pull-secret', 'acme-pull'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe([
      'registry: dist/ has acme, this run has the-shop (pass --registry acme or set DOCR_REGISTRY)',
      'dist/demo.k8s.yaml: is out of date: the Compose files or settings changed since it was generated',
      '1 file does not match the Compose files: run `compose-cdk8s synth --registry acme` and commit the result',
      '',
    ].join('\n'));
  });
});

describe('help texts', () => {
  const commands = ['synth', 'helm', 'images', 'workflows', 'argocd', 'pull-secret', 'secrets', 'report', 'diff', 'check'];

  it.each(commands)('%s --help says which settings it reads from the environment', async (command) => {
    const r = await runCli([command, '--help'], { cwd: os.tmpdir() });
    expect(r.code).toBe(0);
    const env = r.stdout.slice(r.stdout.indexOf('Environment (a flag, when given, wins):'));
    expect(env).not.toBe(r.stdout);
    for (const v of ['DOCR_REGISTRY', 'K8S_NAMESPACE', 'DOCR_PULL_SECRET']) expect(env).toContain(v);
    if (command !== 'pull-secret') {
      for (const v of ['COMPOSE_FILE', 'COMPOSE_PROFILES', 'COMPOSE_PROJECT_NAME']) expect(env).toContain(v);
    }
    // Where the tag comes from: the environment, except where it is not read.
    if (!['pull-secret', 'argocd', 'check'].includes(command)) expect(env).toMatch(/IMAGE_TAG, GITHUB_SHA +tag of built images/);
    if (command === 'check') expect(env).toContain('IMAGE_TAG and GITHUB_SHA are not read');
  });

  it('--strict says exactly what fails', async () => {
    const synth = (await runCli(['synth', '--help'], { cwd: os.tmpdir() })).stdout.replace(/\s+/g, ' ');
    expect(synth).toContain("--strict exit 1, writing nothing, when a service's environment holds a credential-looking value (a password, token, key) written literally in the Compose file, or when a service is left out because it needs the Docker host; without --strict both are warnings");
    const report = (await runCli(['report', '--help'], { cwd: os.tmpdir() })).stdout.replace(/\s+/g, ' ');
    expect(report).toContain('--strict exit 1 when any Compose key was mapped with loss or refused');
    expect(report).not.toContain('(report: any loss is)');
  });
});
