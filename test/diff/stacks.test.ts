/**
 * `compose-cdk8s diff` on pairs of fixture stacks (test/fixtures/diff/<case>/ against .../base/):
 * the exact summary lines, exit codes, formats, secrets never shown, byte-stable output, and
 * `--base <git-ref>` leaving the repository untouched.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { MARKDOWN_MARKER } from '../../lib/output/review/format';
import { cleanEnv, runCli, spawnCli } from '../helpers/cli';

const FIXTURES = path.resolve(__dirname, '..', 'fixtures', 'diff');
const SHA = '0123456789abcdef0123456789abcdef01234567';
const SECRET_VALUES = ['base-secret-value-1', 'changed-secret-value-2', 'base-db-password-1', 'changed-db-password-2'];

let work: string;
let baseDist: string;

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'diff-stacks-'));
  baseDist = path.join(work, 'dist-base');
  const r = await runCli(['synth', '-f', path.join(FIXTURES, 'base', 'compose.yaml'), '--sha', SHA, '-o', baseDist], { cwd: work });
  expect(r.code).toBe(0);
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const diffCase = (name: string, extra: string[] = []) =>
  runCli(['diff', '-f', path.join(FIXTURES, name, 'compose.yaml'), '--sha', SHA, '--from', baseDist, ...extra], { cwd: work });

describe('diff on fixture stack pairs', () => {
  it('a changed image tag', async () => {
    const r = await diffCase('image-tag');
    expect(r.stdout).toBe('1 service changed\nweb: changed\n  image tag 1.25 → 1.27 (nginx)\n');
    expect(r.code).toBe(2);
  });

  it('an added env var', async () => {
    const r = await diffCase('env-added');
    expect(r.stdout).toBe('1 service changed\nweb: changed\n  env FEATURE_FLAGS added = search,cart\n');
    expect(r.code).toBe(2);
  });

  it('a removed service', async () => {
    const r = await diffCase('service-removed');
    expect(r.stdout).toBe('1 service removed\nworker: removed\n  Deployment/worker deleted\n');
    expect(r.code).toBe(2);
  });

  it('a renamed port (container port and Service port)', async () => {
    const r = await diffCase('port-renamed');
    expect(r.stdout).toBe([
      '1 service changed',
      'web: changed',
      '  port 80/TCP renamed http → web',
      '  Service port 80/TCP renamed http → web',
      '',
    ].join('\n'));
    expect(r.code).toBe(2);
  });

  it('a secret value changed: the manifests hold no secret values, so nothing changes and nothing leaks', async () => {
    for (const format of ['text', 'markdown', 'json']) {
      const r = await diffCase('secret-changed', ['--format', format, '--raw']);
      expect(r.code).toBe(0);
      for (const v of SECRET_VALUES) expect(r.stdout + r.stderr).not.toContain(v);
    }
    expect((await diffCase('secret-changed')).stdout).toBe('no changes\n');
    for (const v of SECRET_VALUES) expect(fs.readFileSync(path.join(baseDist, 'shop.k8s.yaml'), 'utf8')).not.toContain(v);
  });

  it('the same stack is equal (exit 0), whatever header the committed file carries', async () => {
    const r = await diffCase('base');
    expect(r).toEqual({ code: 0, stdout: 'no changes\n', stderr: '' });
  });

  it('adding a service back reports it with its image', async () => {
    const removed = path.join(work, 'dist-removed');
    await runCli(['synth', '-f', path.join(FIXTURES, 'service-removed', 'compose.yaml'), '--sha', SHA, '-o', removed], { cwd: work });
    const r = await runCli(['diff', '--from', removed, '--to', baseDist], { cwd: work });
    expect(r.stdout).toBe('1 service added\nworker: added\n  Deployment/worker added (image busybox:1.36)\n');
    expect(r.code).toBe(2);
  });

  it('markdown: a marker for the PR comment, a heading, one bullet per change, raw diff folded', async () => {
    const r = await diffCase('image-tag', ['--format', 'markdown', '--title', 'main...feature', '--raw']);
    const lines = r.stdout.split('\n');
    expect(lines.slice(0, 8)).toEqual([
      MARKDOWN_MARKER,
      '### Kubernetes manifests: main...feature',
      '',
      '**1 service changed**',
      '',
      '#### `web` (changed)',
      '',
      '- image tag `1.25` → `1.27` (`nginx`)',
    ]);
    expect(r.stdout).toContain('<details><summary>Raw diff</summary>\n\n```diff\n--- a/shop.k8s.yaml\n+++ b/shop.k8s.yaml\n');
    expect(r.stdout).toContain('\n-          image: nginx:1.25\n+          image: nginx:1.27\n');
    expect(r.stdout.endsWith('```\n\n</details>\n')).toBe(true);
  });

  it('json: structured changes with their sentences', async () => {
    const r = await diffCase('env-added', ['--format', 'json']);
    expect(JSON.parse(r.stdout)).toEqual({
      equal: false,
      summary: '1 service changed',
      services: [{
        service: 'web',
        status: 'changed',
        changes: [{ kind: 'env-added', object: 'Deployment/web', subject: 'FEATURE_FLAGS', after: 'search,cart', text: 'env FEATURE_FLAGS added = search,cart' }],
      }],
      changedFiles: ['shop.k8s.yaml'],
    });
  });

  it('output is byte-stable across runs', async () => {
    const a = await diffCase('port-renamed', ['--raw', '--format', 'markdown']);
    const b = await diffCase('port-renamed', ['--raw', '--format', 'markdown']);
    expect(b.stdout).toBe(a.stdout);
  });

  it('with no --from/--base: what synth would change in the committed dist/', async () => {
    const dir = fs.mkdtempSync(path.join(work, 'default-'));
    fs.cpSync(path.join(FIXTURES, 'base'), dir, { recursive: true });
    expect((await runCli(['synth', '--sha', SHA], { cwd: dir })).code).toBe(0);
    expect(await runCli(['diff', '--sha', SHA], { cwd: dir })).toEqual({ code: 0, stdout: 'no changes\n', stderr: '' });
    fs.copyFileSync(path.join(FIXTURES, 'service-removed', 'compose.yaml'), path.join(dir, 'compose.yaml'));
    const r = await runCli(['diff', '--sha', SHA, '--format', 'json', '--raw'], { cwd: dir });
    expect(r.code).toBe(2);
    const json = JSON.parse(r.stdout);
    expect(json.services.map((s: { service: string; status: string }) => `${s.service} ${s.status}`)).toEqual(['worker removed']);
    expect(json.raw).toContain('-  name: worker\n');
    const gone = await runCli(['diff', '--sha', SHA, '-o', 'out'], { cwd: dir });
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain('folder out does not exist');
  });

  it('errors exit 1 with a message, no stack trace', async () => {
    const both = await runCli(['diff', '--base', 'main', '--from', baseDist], { cwd: work });
    expect(both.code).toBe(1);
    expect(both.stderr).toBe('--base and --from both name the old side (give one of them)\n');
    const missing = await diffCase('image-tag', ['--from', 'nowhere']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('folder nowhere does not exist');
    const notGit = await runCli(['diff', '-f', path.join(work, 'x.yaml'), '--base', 'main'], { cwd: work });
    expect(notGit.code).toBe(1);
    expect(notGit.stderr).not.toContain('    at ');
  });
});

describe('diff --base <git-ref>', () => {
  let repo: string;
  const git = (...args: string[]): string => execFileSync('git', args, { cwd: repo, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e' } });
  // diff --base checks the ref out under os.tmpdir(); a private one keeps other test processes'
  // scratch folders out of the "nothing left behind" comparisons. In jest, process.env is the test
  // file's copy, which Node's os module does not read: os.tmpdir itself answers the private folder.
  let privateTmp = '';
  let tmpdirSpy: jest.SpyInstance | undefined;
  const tmpBases = (): string[] => fs.readdirSync(privateTmp).filter((n) => n.startsWith('compose-cdk8s-base-'));

  beforeAll(() => {
    privateTmp = fs.mkdtempSync(path.join(os.tmpdir(), 'diff-tmp-'));
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    tmpdirSpy = jest.spyOn(require('os') as typeof os, 'tmpdir').mockReturnValue(privateTmp);
    repo = fs.mkdtempSync(path.join(os.tmpdir(), 'diff-repo-'));
    fs.cpSync(path.join(FIXTURES, 'base'), path.join(repo, 'deploy'), { recursive: true });
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-qm', 'base');
    // The working copy: two changes on top of the commit, one staged, one not.
    fs.copyFileSync(path.join(FIXTURES, 'image-tag', 'compose.yaml'), path.join(repo, 'deploy', 'compose.yaml'));
    git('add', 'deploy/compose.yaml');
    fs.writeFileSync(path.join(repo, 'deploy', 'api.env'), 'API_WORKERS=8\nAPI_SECRET_KEY=base-secret-value-1\n');
  });
  afterAll(() => {
    tmpdirSpy?.mockRestore();
    fs.rmSync(repo, { recursive: true, force: true });
    fs.rmSync(privateTmp, { recursive: true, force: true });
  });

  it('synthesizes the ref and the working copy and compares them, without touching the repository', async () => {
    const state = () => [git('status', '--porcelain'), git('diff'), git('diff', '--cached'), git('worktree', 'list', '--porcelain'), git('stash', 'list'), git('rev-parse', 'HEAD')];
    const before = state();
    const tmpBefore = tmpBases();
    const r = await runCli(['diff', '--base', 'main', '-f', 'deploy/compose.yaml'], { cwd: repo });
    expect(r.stderr).toBe('');
    // Built images get the same tag on both sides (the working copy's: git HEAD), so only real changes show.
    expect(r.stdout).toBe([
      '2 services changed',
      'api: changed',
      '  env API_WORKERS changed: 4 → 8',
      'web: changed',
      '  image tag 1.25 → 1.27 (nginx)',
      '',
    ].join('\n'));
    expect(r.code).toBe(2);
    expect(state()).toEqual(before);
    expect(tmpBases()).toEqual(tmpBefore);
  });

  it('a base without Compose files (the pull request adding them): everything is new', async () => {
    const fresh = fs.mkdtempSync(path.join(os.tmpdir(), 'diff-fresh-'));
    const g = (...args: string[]) => execFileSync('git', args, { cwd: fresh, env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e' } });
    fs.writeFileSync(path.join(fresh, 'README.md'), 'hi\n');
    g('init', '-q', '-b', 'main');
    g('add', '-A');
    g('commit', '-qm', 'init');
    fs.cpSync(path.join(FIXTURES, 'base'), fresh, { recursive: true });
    const r = await runCli(['diff', '--base', 'main', '--sha', SHA], { cwd: fresh });
    expect(r.stderr).toBe('note: main has no Compose files, so everything is new\n');
    expect(r.stdout.split('\n')[0]).toBe('4 services added, shared objects changed');
    expect(r.code).toBe(2);
    fs.rmSync(fresh, { recursive: true, force: true });
  });

  it('outside a git repository, without git, or in a repository git refuses: plain errors that say which', () => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'diff-outside-'));
    fs.cpSync(path.join(FIXTURES, 'base'), outside, { recursive: true });
    const env = cleanEnv({ GIT_CEILING_DIRECTORIES: path.dirname(fs.realpathSync(outside)) });
    const notRepo = spawnCli(['diff', '--base', 'main', '--sha', SHA], { cwd: outside, env });
    expect(notRepo.code).toBe(1);
    expect(notRepo.stderr).toBe(`--base needs a git repository, and ${outside} is not in one (use --from <dir> to compare with a folder instead)\n`);
    const noGit = spawnCli(['diff', '--base', 'main', '--sha', SHA], { cwd: outside, env: { ...env, PATH: path.join(outside, 'no-such-bin') } });
    expect(noGit.code).toBe(1);
    expect(noGit.stderr).toBe('--base needs git, and git is not installed (install git, or use --from <dir> to compare with a folder instead)\n');
    if (process.getuid?.() === 0) {
      // A repository another user owns: git refuses it (safe.directory) until trusted.
      const gitEnv = { ...env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' };
      for (const args of [['init', '-q'], ['add', '-A'], ['commit', '-qm', 'x']]) execFileSync('git', args, { cwd: outside, stdio: 'ignore', env: gitEnv });
      execFileSync('chown', ['-R', '12345:12345', outside]);
      const notSafe = spawnCli(['diff', '--base', 'HEAD', '--sha', SHA], { cwd: outside, env: { ...env, HOME: path.join(outside, 'no-home') } });
      expect(notSafe.code).toBe(1);
      expect(notSafe.stderr).toBe(`--base needs git, and git refuses to read the repository of ${outside}, which another user owns`
        + ' (trust it with git config --global --add safe.directory <the repository root>, or use --from <dir> to compare with a folder instead)\n');
    }
    fs.rmSync(outside, { recursive: true, force: true });
  });

  it('removes what killed runs left in the temporary folder, and nothing else', async () => {
    // A process that has ended: its pid names no process (the kernel does not reuse it at once).
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    expect(dead).toBeGreaterThan(0);
    const hoursAgo = (p: string, h: number): void => {
      const t = new Date(Date.now() - h * 3600_000);
      fs.utimesSync(p, t, t);
    };
    const scratch = (name: string, opts: { marker?: number; files?: boolean; age?: number } = {}): string => {
      const dir = path.join(privateTmp, name);
      fs.mkdirSync(dir);
      if (opts.files) {
        fs.mkdirSync(path.join(dir, 'tree'));
        fs.writeFileSync(path.join(dir, 'tree', 'compose.yaml'), 'services: {}\n');
      }
      if (opts.marker !== undefined) {
        fs.writeFileSync(path.join(dir, '.compose-cdk8s-diff-base'), 'x\n');
        hoursAgo(path.join(dir, '.compose-cdk8s-diff-base'), opts.marker);
      }
      if (opts.age !== undefined) hoursAgo(dir, opts.age);
      return name;
    };
    const killed = scratch(`compose-cdk8s-base-${dead}-abcdef`, { marker: 2, files: true });
    const killedEmpty = scratch(`compose-cdk8s-base-${dead}-emptyA`, { age: 2 });
    const kept = [
      scratch(`compose-cdk8s-base-${dead}-young1`, { marker: 0, files: true }), // may be a run of another PID namespace
      scratch(`compose-cdk8s-base-${process.ppid}-alive1`, { marker: 2, files: true }), // its process runs
      scratch(`compose-cdk8s-base-${dead}-nomark`, { files: true, age: 2 }), // no marker: cannot tell
      scratch('compose-cdk8s-base-Xy12ab', { files: true, age: 2 }), // an older version's name
    ];
    fs.writeFileSync(path.join(privateTmp, `compose-cdk8s-base-${dead}-afile1`), 'not a folder\n');
    kept.push(`compose-cdk8s-base-${dead}-afile1`);
    if (process.getuid?.() === 0) {
      const other = scratch(`compose-cdk8s-base-${dead}-other1`, { marker: 2, files: true });
      execFileSync('chown', ['-R', '12345:12345', path.join(privateTmp, other)]);
      kept.push(other);
    }
    const r = await runCli(['diff', '--base', 'main', '-f', 'deploy/compose.yaml'], { cwd: repo });
    expect(r.code).toBe(2);
    expect(tmpBases().sort()).toEqual([...kept].sort());
    expect(tmpBases()).not.toContain(killed);
    expect(tmpBases()).not.toContain(killedEmpty);
    for (const k of kept) fs.rmSync(path.join(privateTmp, k), { recursive: true, force: true });
  });

  it('works from a subfolder with relative paths, and names an unknown ref', async () => {
    const r = await runCli(['diff', '--base', 'HEAD', '-f', 'compose.yaml'], { cwd: path.join(repo, 'deploy') });
    expect(r.code).toBe(2);
    expect(r.stdout.split('\n')[0]).toBe('2 services changed');
    const bad = await runCli(['diff', '--base', 'no-such-branch', '-f', 'compose.yaml'], { cwd: path.join(repo, 'deploy') });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('git ref "no-such-branch" does not name a commit');
    const opt = await runCli(['diff', '--base', '--output=x', '-f', 'compose.yaml'], { cwd: path.join(repo, 'deploy') });
    expect(opt.code).toBe(1);
  });
});
