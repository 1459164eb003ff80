/**
 * `compose-cdk8s check` and the inputs' hash: fails on a hand-edited or stale dist/ (naming the
 * files), passes after a synth, reuses the recorded image tag, and the hash is stable across
 * machines and blind to secret values.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { checkCommand } from '../../lib/cli/commands/check';
import { checkOutputs } from '../../lib/output/review/check';
import { manifestsGenerator, OutputGenerator, stampYamlFiles } from '../../lib/output/render/generators';
import { conversionStamp, NO_TAG, readStamp, stripStamp, withStamp } from '../../lib/output/common/inputs-stamp';
import { writeDirAtomic } from '../../lib/output/render/write';
import { convert, Conversion } from '../../lib/pipeline';
import { cleanEnv, runCli } from '../helpers/cli';

const FIXTURES = path.resolve(__dirname, '..', 'fixtures', 'diff');
const SHA = '0123456789abcdef0123456789abcdef01234567';
const CTX = {};
const OTHER_SHA = 'fedcba9876543210fedcba9876543210fedcba98';

let root: string;
beforeAll(() => { root = fs.mkdtempSync(path.join(os.tmpdir(), 'diff-check-')); });
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** A fresh copy of a fixture stack in its own folder. */
function stack(name = 'base', at = fs.mkdtempSync(path.join(root, 'p-'))): string {
  fs.cpSync(path.join(FIXTURES, name), at, { recursive: true });
  return at;
}

function conversionOf(dir: string, sha = SHA): Conversion {
  return convert({ files: [path.join(dir, 'compose.yaml')], env: {}, cwd: dir, flags: { sha } });
}

function stampOf(dir: string, sha = SHA) {
  return conversionStamp(conversionOf(dir, sha));
}

/** What a synth wired to the generators writes: stamped manifests in dist/. */
function stampedSynth(dir: string, sha = SHA): void {
  const c = conversionOf(dir, sha);
  writeDirAtomic(path.join(dir, 'dist'), manifestsGenerator.render(c, stampOf(dir, sha), CTX));
}

const check = (dir: string, args: string[] = [], env: Record<string, string> = {}) => runCli(['check', '--sha', SHA, ...args], { cwd: dir, env: cleanEnv(env) });
const checkRecorded = (dir: string, env: Record<string, string> = {}) => runCli(['check'], { cwd: dir, env: cleanEnv(env) });

describe('check with the synth command', () => {
  it('passes after a synth, fails on a hand-edited dist naming the file, passes again after a synth', async () => {
    const dir = stack();
    expect((await runCli(['synth', '--sha', SHA], { cwd: dir })).code).toBe(0);
    const ok = await check(dir);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe('up to date: dist/ (2 files)\n');

    const file = path.join(dir, 'dist', 'shop.k8s.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('image: nginx:1.25', 'image: nginx:1.26'));
    const bad = await check(dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^dist\/shop\.k8s\.yaml: (differs from what `compose-cdk8s synth` writes|is out of date)/m);
    expect(bad.stderr).toContain('1 file does not match the Compose files: run `compose-cdk8s synth` and commit the result\n');

    expect((await runCli(['synth', '--sha', SHA], { cwd: dir })).code).toBe(0);
    expect((await check(dir)).code).toBe(0);
  });

  it('fails when the Compose file changed but dist/ was not re-synthesized', async () => {
    const dir = stack();
    await runCli(['synth', '--sha', SHA], { cwd: dir });
    fs.copyFileSync(path.join(FIXTURES, 'env-added', 'compose.yaml'), path.join(dir, 'compose.yaml'));
    const r = await check(dir);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toMatch(/^dist\/shop\.k8s\.yaml: /);
  });

  it('exits 1 on bad input', async () => {
    const dir = stack();
    fs.writeFileSync(path.join(dir, 'compose.yaml'), 'services: [\n');
    const r = await check(dir);
    expect(r.code).toBe(1);
    expect(r.stderr).not.toContain('    at ');
  });
});

describe('check with stamped outputs (the inputs hash)', () => {
  it('up to date → 0; Compose edited → "out of date"; dist edited → "edited by hand?"', async () => {
    const dir = stack();
    stampedSynth(dir);
    const text = fs.readFileSync(path.join(dir, 'dist', 'shop.k8s.yaml'), 'utf8');
    expect(readStamp(text)).toEqual({ hash: stampOf(dir).hash, tag: SHA, settings: { registry: 'the-shop', pullSecretName: 'registry-the-shop' } });
    const listing = () => fs.readdirSync(dir, { recursive: true }).map(String).sort();
    const files = listing();
    expect(await check(dir)).toEqual({ code: 0, stdout: 'up to date: dist/ (2 files)\n', stderr: '' });
    expect(listing()).toEqual(files); // check writes nothing
    expect(fs.readFileSync(path.join(dir, 'dist', 'shop.k8s.yaml'), 'utf8')).toBe(text);

    const compose = path.join(dir, 'compose.yaml');
    const original = fs.readFileSync(compose, 'utf8');
    fs.writeFileSync(compose, original.replace('nginx:1.25', 'nginx:1.27'));
    const stale = await check(dir);
    expect(stale.code).toBe(2);
    expect(stale.stderr.split('\n')[0]).toBe('dist/shop.k8s.yaml: is out of date: the Compose files or settings changed since it was generated');

    fs.writeFileSync(compose, original);
    fs.writeFileSync(path.join(dir, 'dist', 'shop.k8s.yaml'), text.replace('replicas: 1', 'replicas: 2'));
    const edited = await check(dir);
    expect(edited.code).toBe(2);
    expect(edited.stderr.split('\n')[0]).toBe('dist/shop.k8s.yaml: differs from what `compose-cdk8s synth` writes although its inputs are unchanged: edited by hand?');
  });

  it('names missing and extra files', async () => {
    const dir = stack();
    stampedSynth(dir);
    fs.writeFileSync(path.join(dir, 'dist', 'old.k8s.yaml'), 'kind: x\n');
    const r = await check(dir, ['-o', 'dist']);
    expect(r.stderr.split('\n')[0]).toBe('dist/old.k8s.yaml: is no longer generated: `compose-cdk8s synth` would delete it');
    fs.rmSync(path.join(dir, 'dist'), { recursive: true });
    const gone = await check(dir);
    expect(gone.code).toBe(2);
    expect(gone.stderr.split('\n').slice(0, 2)).toEqual([
      'dist/Kustomization: is missing: `compose-cdk8s synth` would create it',
      'dist/shop.k8s.yaml: is missing: `compose-cdk8s synth` would create it',
    ]);
  });

  it('reuses the image tag recorded in dist/, so a new commit (IMAGE_TAG, GITHUB_SHA) does not make it stale', async () => {
    const dir = stack();
    stampedSynth(dir, SHA);
    expect((await checkRecorded(dir, { IMAGE_TAG: OTHER_SHA, GITHUB_SHA: OTHER_SHA })).code).toBe(0);
    const explicit = await runCli(['check', '--sha', OTHER_SHA], { cwd: dir });
    expect(explicit.code).toBe(2);
    // A tag given by --sha is a setting: named with both values, no advice to re-synthesize (issue 23).
    expect(explicit.stderr.split('\n')[0]).toBe(`tag: dist/ has ${SHA}, this run has ${OTHER_SHA} (pass --sha ${SHA}, or drop --sha: check then uses the recorded tag)`);
  });

  it('a changed secret value changes neither dist/ nor the hash', async () => {
    const dir = stack();
    stampedSynth(dir);
    const before = stampOf(dir);
    for (const f of ['api.env', 'db.env']) fs.copyFileSync(path.join(FIXTURES, 'secret-changed', f), path.join(dir, f));
    expect(stampOf(dir)).toEqual(before);
    expect((await check(dir)).code).toBe(0);
    // A local-only .env holding only credentials counts as absent.
    fs.writeFileSync(path.join(dir, '.env'), 'SOME_TOKEN=abc\n');
    expect(stampOf(dir)).toEqual(before);
    // ...but a plain value does count.
    fs.writeFileSync(path.join(dir, '.env'), 'LOG_FORMAT=json\n');
    expect(stampOf(dir).hash).not.toBe(before.hash);
    fs.writeFileSync(path.join(dir, 'api.env'), 'API_WORKERS=5\nAPI_SECRET_KEY=base-secret-value-1\n');
    fs.rmSync(path.join(dir, '.env'));
    expect(stampOf(dir).hash).not.toBe(before.hash);
  });

  it('the hash is the same on another machine (other folder, CRLF checkout) and across runs', () => {
    const a = stack('base', path.join(root, 'machine-a', 'repo'));
    const b = stack('base', path.join(root, 'machine-b', 'elsewhere', 'checkout'));
    for (const f of ['compose.yaml', 'api.env', 'db.env']) {
      const p = path.join(b, f);
      fs.writeFileSync(p, fs.readFileSync(p, 'utf8').replace(/\n/g, '\r\n'));
    }
    expect(stampOf(b)).toEqual(stampOf(a));
    expect(stampOf(a)).toEqual(stampOf(a));
    expect(stampOf(a).hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(stampOf(a, OTHER_SHA).hash).not.toBe(stampOf(a).hash);
    const ca = conversionOf(a);
    const filesA = manifestsGenerator.render(ca, stampOf(a), CTX);
    expect(manifestsGenerator.render(conversionOf(b), stampOf(b), CTX)).toEqual(filesA);
    expect(manifestsGenerator.render(conversionOf(a), stampOf(a), CTX)).toEqual(filesA);
  });

  it('covers the content of read-only bind-mounted folders, not of writable ones', () => {
    const dir = fs.mkdtempSync(path.join(root, 'bind-'));
    fs.mkdirSync(path.join(dir, 'conf', 'sub'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'data'));
    fs.writeFileSync(path.join(dir, 'conf', 'sub', 'app.ini'), 'a=1\n');
    fs.writeFileSync(path.join(dir, 'compose.yaml'), 'services:\n  web:\n    image: nginx:1.25\n    volumes:\n      - ./conf:/etc/conf:ro\n      - ./data:/data\n');
    const first = stampOf(dir).hash;
    fs.writeFileSync(path.join(dir, 'data', 'db.bin'), 'runtime data');
    expect(stampOf(dir).hash).toBe(first);
    fs.writeFileSync(path.join(dir, 'conf', 'sub', 'app.ini'), 'a=2\n');
    expect(stampOf(dir).hash).not.toBe(first);
  });

  it('a stack that builds nothing does not depend on the tag: a new commit leaves its header alone', async () => {
    const dir = fs.mkdtempSync(path.join(root, 'nobuild-'));
    fs.writeFileSync(path.join(dir, 'compose.yaml'), 'services:\n  web:\n    image: nginx:1.25\n');
    expect(stampOf(dir, OTHER_SHA)).toEqual(stampOf(dir, SHA));
    expect(stampOf(dir).tag).toBe(NO_TAG);
    stampedSynth(dir, SHA);
    expect((await checkRecorded(dir, { IMAGE_TAG: OTHER_SHA })).code).toBe(0);
    // The built stack does depend on it.
    const built = stack();
    expect(stampOf(built, OTHER_SHA).hash).not.toBe(stampOf(built, SHA).hash);
  });

  it('the header round-trips and is the only thing it adds', () => {
    const stamp = { hash: `sha256:${'a'.repeat(64)}`, tag: 'v1' };
    const body = 'apiVersion: v1\nkind: ConfigMap\n';
    const stamped = withStamp(body, stamp);
    expect(stamped).toBe(`# Generated by compose-cdk8s from the Compose files: do not edit; re-run \`compose-cdk8s synth\`.\n# compose-cdk8s inputs: sha256:${'a'.repeat(64)} tag=v1\n${body}`);
    expect(readStamp(stamped)).toEqual(stamp);
    expect(stripStamp(stamped)).toBe(body);
    expect(withStamp(stamped, { ...stamp, tag: 'v2' })).toBe(withStamp(body, { ...stamp, tag: 'v2' }));
    expect(readStamp(body)).toBeUndefined();
  });
});

describe('more output generators (helm/)', () => {
  const helm: OutputGenerator = { name: 'helm', command: 'compose-cdk8s helm', dir: () => 'helm', render: (c, stamp) => stampYamlFiles({ 'demo/Chart.yaml': `name: ${c.project.name}\n` }, stamp) };

  it('checks a generator\'s folder when it exists, and skips it when the project has none', async () => {
    const dir = stack();
    stampedSynth(dir);
    const io = (out: string[]) => ({ stdout: (t: string) => out.push(t), stderr: (t: string) => out.push(t), env: cleanEnv(), cwd: dir });
    const run = async (): Promise<string[]> => {
      const out: string[] = [];
      const cmd = checkCommand(io(out), [manifestsGenerator, helm]).exitOverride();
      try {
        await cmd.parseAsync(['--sha', SHA], { from: 'user' });
        out.push('exit 0');
      } catch (e) {
        out.push(`exit ${(e as { code?: number }).code}`);
      }
      return out;
    };
    expect(await run()).toEqual(['up to date: dist/ (2 files)\n', 'exit 0']);
    fs.mkdirSync(path.join(dir, 'helm', 'demo'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'helm', 'demo', 'Chart.yaml'), 'name: other\n');
    expect(await run()).toEqual([
      'helm/demo/Chart.yaml: differs from what `compose-cdk8s helm` writes (and records no inputs hash)\n',
      '1 file does not match the Compose files: run `compose-cdk8s helm` and commit the result\n',
      'exit 2',
    ]);
    const c = conversionOf(dir);
    const result = checkOutputs(c, stampOf(dir), [{ generator: helm, dir: path.join(dir, 'helm') }], dir);
    expect(result.problems).toEqual([{ file: 'helm/demo/Chart.yaml', status: 'different', message: 'differs from what `compose-cdk8s helm` writes (and records no inputs hash)', command: 'compose-cdk8s helm' }]);
    fs.writeFileSync(path.join(dir, 'helm', 'demo', 'Chart.yaml'), helm.render(c, stampOf(dir), CTX)['demo/Chart.yaml']);
    expect(await run()).toEqual(['up to date: dist/, helm/ (3 files)\n', 'exit 0']);
  });

  it('covers the real chart of `compose-cdk8s helm`, and leaves other charts in helm/ alone', async () => {
    const dir = stack();
    stampedSynth(dir);
    expect((await runCli(['helm', '--sha', SHA], { cwd: dir })).code).toBe(0);
    fs.mkdirSync(path.join(dir, 'helm', 'someone-else'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'helm', 'someone-else', 'Chart.yaml'), 'name: x\n');
    const ok = await check(dir);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^up to date: dist\/, helm\/ \(\d+ files\)\n$/);
    const values = path.join(dir, 'helm', 'shop', 'values.yaml');
    fs.writeFileSync(values, `${fs.readFileSync(values, 'utf8')}\nextra: 1\n`);
    const bad = await check(dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('helm/shop/values.yaml: differs from what `compose-cdk8s helm` writes');
    expect(bad.stderr).toContain('run `compose-cdk8s helm` and commit the result');
  });
});
