/**
 * Nothing is ever lost (issue 14): every writer writes only into a destination compose-cdk8s owns
 * (absent, empty, or holding only what an earlier run wrote, per its .compose-cdk8s manifest; or,
 * for single files, carrying the tool's header), and an unwritable destination ends promptly with
 * exit 1 and a plain message, never "internal error".
 */
import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as os from 'os';
import * as path from 'path';
import { BIN, cleanEnv, runCli } from '../helpers/cli';
import { removeTmpProjects, snapshotDir, tmpProject } from './dirs';

// The real fs module object (lib/ reads it through live bindings), so spies reach lib/output/.
// eslint-disable-next-line @typescript-eslint/no-var-requires
const fs = require('fs') as typeof import('fs');

const SHA = '3333333333333333333333333333333333333333';
const env = cleanEnv({ IMAGE_TAG: SHA });

const COMPOSE = `name: shop
services:
  api:
    build: ./api
    ports: ["8000:8000"]
  cache:
    image: redis:7-alpine
    expose: ["6379"]
`;

/** A project: a git work tree with a Compose file, a Dockerfile and a source folder. */
function project(extra: Record<string, string> = {}): string {
  const dir = tmpProject({ 'compose.yaml': COMPOSE, 'api/Dockerfile': 'FROM scratch\n', 'src/main.py': 'print("hi")\n', 'notes.txt': 'mine\n', ...extra }, 'own-');
  fs.mkdirSync(path.join(dir, '.git'));
  fs.writeFileSync(path.join(dir, '.git', 'HEAD'), 'ref: refs/heads/main\n');
  return dir;
}

/** Every path under `dir` (folders too) with the sha256 of each file: what "untouched" means. */
function listing(dir: string): string[] {
  const out: string[] = [];
  const walk = (abs: string, rel: string): void => {
    for (const e of fs.readdirSync(abs, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      const p = path.join(abs, e.name);
      if (e.isDirectory()) {
        out.push(`${r}/`);
        walk(p, r);
      } else out.push(`${r} ${crypto.createHash('sha256').update(fs.readFileSync(p)).digest('hex')}`);
    }
  };
  walk(dir, '');
  return out;
}

afterAll(() => removeTmpProjects());

/** Exit 1, a refusal naming `shown` and `reason`, no internal error, and the project untouched. */
async function expectRefused(dir: string, args: string[], shown: string, reason: RegExp): Promise<void> {
  const before = listing(dir);
  const r = await runCli(args, { cwd: dir, env });
  expect(r.code).toBe(1);
  expect(r.stderr).toContain(`refusing to write ${shown}`);
  expect(r.stderr).toMatch(reason);
  expect(r.stderr).toContain('left untouched');
  expect(r.stderr).not.toContain('internal error');
  expect(listing(dir)).toEqual(before);
}

describe('output folders: only a folder compose-cdk8s owns is replaced', () => {
  test('synth -o . (the project: .git, the Compose file) is refused and nothing changes', async () => {
    const dir = project();
    await expectRefused(dir, ['synth', '-o', '.'], 'the output folder .', /it is the working directory/);
  });

  test('synth -o <the project> from elsewhere is refused as the Compose project directory', async () => {
    const dir = project();
    const cwd = tmpProject({}, 'own-cwd-');
    const before = listing(dir);
    const r = await runCli(['synth', '-f', path.join(dir, 'compose.yaml'), '-o', dir], { cwd, env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('it is the Compose project directory');
    expect(listing(dir)).toEqual(before);
  });

  test('a folder holding a Compose file is refused', async () => {
    const dir = project({ 'other/compose.yaml': 'services: {}\n' });
    await expectRefused(dir, ['synth', '-o', 'other'], 'the output folder other', /it holds a Compose file \(compose\.yaml\)/);
  });

  test('a git work tree root is refused', async () => {
    const dir = project({ 'vendor/lib/README': 'x\n' });
    fs.mkdirSync(path.join(dir, 'vendor', 'lib', '.git'));
    await expectRefused(dir, ['synth', '-o', 'vendor/lib'], 'the output folder vendor/lib', /root of a git work tree/);
  });

  test('synth -o src (foreign files) is refused, naming them', async () => {
    const dir = project();
    await expectRefused(dir, ['synth', '-o', 'src'], 'the output folder src', /files compose-cdk8s would not write .*: main\.py/);
  });

  test('synth -o somefile is refused: a file is never replaced by a folder', async () => {
    const dir = project();
    await expectRefused(dir, ['synth', '-o', 'notes.txt'], 'the output folder notes.txt', /it is a file, not a folder/);
  });

  test('--helm into a chart folder holding foreign files is refused, and dist/ is not written either', async () => {
    const dir = project({ 'charts/shop/my-notes.md': 'mine\n' });
    await expectRefused(dir, ['synth', '--helm', 'charts'], 'the output folder charts/shop', /my-notes\.md/);
    expect(fs.existsSync(path.join(dir, 'dist'))).toBe(false);
  });

  test('helm -o into a folder the chart would land in with foreign files is refused', async () => {
    const dir = project({ 'helm/shop/values.yaml': 'mine: true\n' });
    await expectRefused(dir, ['helm'], 'the output folder helm/shop', /no file in it carries the compose-cdk8s header/);
  });

  test('an absent folder, an empty one, and a rerun into a folder the tool wrote are all fine', async () => {
    const dir = project();
    fs.mkdirSync(path.join(dir, 'empty'));
    for (const out of ['fresh/deep/dist', 'empty']) {
      expect(await runCli(['synth', '-o', out, '--helm', `${out}-helm`], { cwd: dir, env })).toMatchObject({ code: 0 });
      const files = snapshotDir(path.join(dir, out))!;
      expect(Object.keys(files)).toEqual(['.compose-cdk8s', 'Kustomization', 'shop.k8s.yaml']);
      expect(Buffer.from(files['.compose-cdk8s'], 'base64').toString()).toMatch(/^# compose-cdk8s output folder.*\n.*\nKustomization\nshop\.k8s\.yaml\n$/);
      const again = await runCli(['synth', '-o', out, '--helm', `${out}-helm`], { cwd: dir, env });
      expect(again).toMatchObject({ code: 0 });
      expect(snapshotDir(path.join(dir, out))).toEqual(files);
    }
    expect((await runCli(['helm', '-o', 'empty-helm'], { cwd: dir, env })).code).toBe(0);
  });

  test('a file the previous run wrote and this one does not is removed; an unlisted one is refused', async () => {
    const dir = project();
    expect((await runCli(['synth'], { cwd: dir, env })).code).toBe(0);
    fs.writeFileSync(path.join(dir, 'dist', 'old.k8s.yaml'), 'kind: Old\n');
    await expectRefused(dir, ['synth'], 'the output folder dist', /not listed in its \.compose-cdk8s\): old\.k8s\.yaml/);
    fs.appendFileSync(path.join(dir, 'dist', '.compose-cdk8s'), 'old.k8s.yaml\n');
    expect((await runCli(['synth'], { cwd: dir, env })).code).toBe(0);
    expect(fs.existsSync(path.join(dir, 'dist', 'old.k8s.yaml'))).toBe(false);
  });

  describe('output of a version without the manifest (no .compose-cdk8s)', () => {
    /** dist/ and helm/shop/ as an earlier version left them: the same files, no manifest. */
    async function oldStyle(): Promise<string> {
      const dir = project();
      expect((await runCli(['synth', '--helm', 'helm'], { cwd: dir, env: cleanEnv({ IMAGE_TAG: 'old' }) })).code).toBe(0);
      fs.rmSync(path.join(dir, 'dist', '.compose-cdk8s'));
      fs.rmSync(path.join(dir, 'helm', 'shop', '.compose-cdk8s'));
      return dir;
    }

    test('is accepted when every file is one the run writes and one carries the header; the manifest is added', async () => {
      const dir = await oldStyle();
      expect((await runCli(['synth', '--helm', 'helm'], { cwd: dir, env })).code).toBe(0);
      expect(fs.readFileSync(path.join(dir, 'dist', 'shop.k8s.yaml'), 'utf8')).toContain(SHA);
      expect(fs.existsSync(path.join(dir, 'dist', '.compose-cdk8s'))).toBe(true);
      expect(fs.readFileSync(path.join(dir, 'helm', 'shop', '.compose-cdk8s'), 'utf8')).toContain('\nChart.yaml\n');
    });

    test('is refused when it holds a file the run would not write', async () => {
      const dir = await oldStyle();
      fs.writeFileSync(path.join(dir, 'dist', 'extra.yaml'), 'kind: Mine\n');
      await expectRefused(dir, ['synth'], 'the output folder dist', /would not write \(and no \.compose-cdk8s manifest\): extra\.yaml/);
    });

    test('is refused when no file carries the compose-cdk8s header (same names, not ours)', async () => {
      const dir = project({ 'dist/shop.k8s.yaml': 'kind: Mine\n', 'dist/Kustomization': 'resources: []\n' });
      await expectRefused(dir, ['synth'], 'the output folder dist', /no file in it carries the compose-cdk8s header/);
    });
  });
});

describe('single files: replaced only when compose-cdk8s wrote them', () => {
  test('images -o onto a file the tool did not write (the Compose file) is refused', async () => {
    const dir = project();
    await expectRefused(dir, ['images', '-o', 'compose.yaml'], 'compose.yaml', /did not write it \(it lacks the compose-cdk8s header\)/);
  });

  test('images writes and rewrites its own override; a folder at that path is refused', async () => {
    const dir = project();
    expect((await runCli(['images'], { cwd: dir, env })).code).toBe(0);
    expect((await runCli(['images'], { cwd: dir, env: cleanEnv({ IMAGE_TAG: 'v2' }) })).code).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'docker-compose.docr.yml'), 'utf8')).toContain(':v2');
    await expectRefused(dir, ['images', '-o', 'src'], 'src', /it is a folder, not a file/);
  });

  test('workflows: a hand-written deploy.yml is refused and none of the three files is written', async () => {
    const dir = project({ '.github/workflows/deploy.yml': 'name: my deploy\n' });
    await expectRefused(dir, ['workflows'], '.github/workflows/deploy.yml', /did not write it/);
    expect(fs.readdirSync(path.join(dir, '.github', 'workflows'))).toEqual(['deploy.yml']);
    fs.rmSync(path.join(dir, '.github', 'workflows', 'deploy.yml'));
    expect((await runCli(['workflows'], { cwd: dir, env })).code).toBe(0);
    expect((await runCli(['workflows'], { cwd: dir, env })).code).toBe(0);
  });

  test('report: foreign report files are refused (synth --report refuses before writing dist/)', async () => {
    const dir = project({ 'conversion-report.md': '# my own report\n' });
    await expectRefused(dir, ['report'], 'conversion-report.md', /not a compose-cdk8s report/);
    await expectRefused(dir, ['synth', '--report'], 'conversion-report.md', /not a compose-cdk8s report/);
    fs.rmSync(path.join(dir, 'conversion-report.md'));
    fs.writeFileSync(path.join(dir, 'conversion-report.json'), '{"project": "mine", "other": 1}\n');
    await expectRefused(dir, ['report'], 'conversion-report.json', /not a compose-cdk8s report/);
  });

  test('report: its own files, and JSON from before the generatedBy field, are replaced', async () => {
    const dir = project();
    expect((await runCli(['report'], { cwd: dir, env })).code).toBe(0);
    const json = JSON.parse(fs.readFileSync(path.join(dir, 'conversion-report.json'), 'utf8'));
    expect(json.generatedBy).toBe('compose-cdk8s report');
    delete json.generatedBy;
    fs.writeFileSync(path.join(dir, 'conversion-report.json'), JSON.stringify(json));
    expect((await runCli(['synth', '--report'], { cwd: dir, env })).code).toBe(0);
  });
});

describe('unwritable destinations: exit 1 and a plain message, promptly', () => {
  test('synth -o /proc/nope/out ends (it used to spin at 100% CPU) with ENOENT explained', () => {
    const dir = project();
    const t = Date.now();
    const r = spawnSync(process.execPath, [BIN, 'synth', '-o', '/proc/nope/out'], { cwd: dir, env, encoding: 'utf8', timeout: 30000 });
    expect(r.signal).toBeNull();
    expect(Date.now() - t).toBeLessThan(30000);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('cannot write /proc/nope/out: /proc/nope does not exist or does not accept new files');
    expect(r.stderr).not.toContain('internal error');
  });

  test.each([['/sys/out'], ['/proc/out']])('synth -o %s: the kernel file system refuses, said plainly', async (out) => {
    const dir = project();
    const r = await runCli(['synth', '-o', out], { cwd: dir, env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`cannot write ${out}: .*(not permitted|permission denied|read-only|does not exist)`));
    expect(r.stderr).not.toContain('internal error');
  });

  test.each([
    ['synth', ['synth', '-o', 'notes.txt/out']],
    ['helm', ['helm', '-o', 'notes.txt/charts']],
    ['report', ['report', '-o', 'notes.txt/r']],
    ['images', ['images', '-o', 'notes.txt/override.yml']],
    ['workflows', ['workflows', '-o', 'notes.txt/wf']],
  ])('%s into afile/out (EEXIST / ENOTDIR): a part of the path is a file', async (_cmd, args) => {
    const dir = project();
    const before = listing(dir);
    const r = await runCli(args, { cwd: dir, env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot write notes\.txt\/\S+: (notes\.txt already exists and is not a folder|a part of .* is a file, not a folder)/);
    expect(r.stderr).not.toContain('internal error');
    expect(listing(dir)).toEqual(before);
  });

  // Running as root, EPERM, EACCES and EROFS cannot all be provoked for real: they are injected
  // where the staging folder (or the temp file of a single file) is made.
  test.each([
    // The staging folder and the temp file are made in the project folder, shown as ".".
    ['EPERM', 'the operation is not permitted on .', 'choose a destination you can write to'],
    ['EACCES', 'permission denied on .', 'fix its permissions'],
    ['EROFS', '. is on a read-only file system', 'writable file system'],
    ['ENOENT', '. does not exist or does not accept new files', 'create the parent folder first'],
    ['ENOTDIR', 'a part of . is a file, not a folder', 'move that file away'],
  ])('synth and images: %s is explained, the previous output kept', async (code, why, hint) => {
    const dir = project();
    expect((await runCli(['synth', '--helm', 'helm'], { cwd: dir, env: cleanEnv({ IMAGE_TAG: 'old' }) })).code).toBe(0);
    const before = listing(dir);
    const fail = (p: unknown) => Object.assign(new Error(`${code}: injected, '${String(p)}'`), { code, path: String(p) });
    // Only our writes fail (the staging folder, the temp file); cdk8s makes temp folders of its own.
    const ours = (p: unknown): boolean => String(p).startsWith(dir);
    const realMkdtemp = fs.mkdtempSync;
    const realWrite = fs.writeFileSync;
    const mkdtemp = jest.spyOn(fs, 'mkdtempSync').mockImplementation(((p: string, o?: unknown) => {
      if (ours(p)) throw fail(p);
      return realMkdtemp(p, o as BufferEncoding);
    }) as typeof fs.mkdtempSync);
    const write = jest.spyOn(fs, 'writeFileSync').mockImplementation(((p: import('fs').PathOrFileDescriptor, d: string, o?: import('fs').WriteFileOptions) => {
      if (ours(p)) throw fail(p);
      return realWrite(p, d, o);
    }) as typeof fs.writeFileSync);
    try {
      const s = await runCli(['synth', '--helm', 'helm'], { cwd: dir, env });
      expect(s.code).toBe(1);
      expect(s.stderr).toContain(`cannot write dist: ${why} (`);
      expect(s.stderr).toContain(hint);
      const i = await runCli(['images'], { cwd: dir, env });
      expect(i.code).toBe(1);
      expect(i.stderr).toContain(`cannot write docker-compose.docr.yml: ${why} (`);
      for (const r of [s, i]) expect(r.stderr).not.toContain('internal error');
    } finally {
      mkdtemp.mockRestore();
      write.mockRestore();
    }
    expect(listing(dir)).toEqual(before);
  });

  test('a real bug still says "internal error"', async () => {
    const dir = project();
    const real = fs.mkdtempSync;
    const spy = jest.spyOn(fs, 'mkdtempSync').mockImplementation(((p: string, o?: unknown) => {
      if (p.startsWith(dir)) throw new TypeError('x is not a function');
      return real(p, o as BufferEncoding);
    }) as typeof fs.mkdtempSync);
    try {
      const r = await runCli(['synth'], { cwd: dir, env });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('internal error: x is not a function');
    } finally {
      spy.mockRestore();
    }
  });

  // A read-only bind mount gives a real EROFS where the machine allows mounting (root, no
  // container restrictions); elsewhere the injected EROFS above covers it.
  const roDir = path.join(os.tmpdir(), `own-ro-${process.pid}`);
  const mounted = ((): boolean => {
    if (process.platform !== 'linux' || process.getuid?.() !== 0) return false;
    fs.mkdirSync(path.join(roDir, 'src'), { recursive: true });
    fs.mkdirSync(path.join(roDir, 'ro'), { recursive: true });
    return spawnSync('mount', ['--bind', '-o', 'ro', path.join(roDir, 'src'), path.join(roDir, 'ro')], { stdio: 'ignore' }).status === 0;
  })();
  afterAll(() => {
    if (mounted) spawnSync('umount', [path.join(roDir, 'ro')], { stdio: 'ignore' });
    fs.rmSync(roDir, { recursive: true, force: true });
  });
  // No quiet skip: in CI (root, as .ci/run runs) the mount must work; elsewhere the test fails
  // loudly with the reason rather than passing unseen.
  test('a real read-only file system (EROFS)', async () => {
    if (!mounted) throw new Error('a read-only bind mount is not possible here (needs Linux, root and mount permission); the injected EROFS test covers the message, this one the real file system');
    const dir = project();
    const r = await runCli(['synth', '-o', path.join(roDir, 'ro', 'dist')], { cwd: dir, env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`cannot write ${path.join(roDir, 'ro', 'dist')}: ${path.join(roDir, 'ro')} is on a read-only file system`);
  });
});
