/**
 * Commands leave nothing behind in the temporary folder. Every in-memory render used to make an
 * empty `cdk8s.outdir.*` folder there (cdk8s's Testing.app()), several per command, never removed.
 * Each run here gets an empty temporary folder of its own (TMPDIR) and must leave it empty.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { cleanEnv, runCli, spawnCli } from '../helpers/cli';
import { REPO_ROOT } from '../helpers/paths';
import { removeTmpProjects, tmpProject } from './dirs';

const SHA = '3333333333333333333333333333333333333333';

afterAll(removeTmpProjects);

/** A copy of the bundled example (built services, env files, volumes, a config file). */
function exampleCopy(): string {
  const dir = tmpProject({}, 'temp-files-');
  fs.cpSync(path.join(REPO_ROOT, 'examples', 'the-shop'), dir, { recursive: true });
  return dir;
}

/** Makes `dir` a git repository with everything in it committed. */
function commitAll(dir: string): void {
  const env = cleanEnv({ GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' });
  for (const args of [['init', '-q'], ['add', '-A'], ['commit', '-qm', 'example']]) execFileSync('git', args, { cwd: dir, stdio: 'ignore', env });
}

/** An empty folder to serve as the temporary folder of one run. */
function emptyTemp(): string {
  return tmpProject({}, 'temp-files-tmp-');
}

/**
 * Runs `fn` with os.tmpdir() answering `tmp`. In jest, process.env is the test file's copy, which
 * Node's os module does not read: the function itself is replaced for the run.
 */
async function withTmpdir<T>(tmp: string, fn: () => Promise<T>): Promise<T> {
  // Node's own module object: lib/'s imports read its functions through live bindings.
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const spy = jest.spyOn(require('os') as typeof os, 'tmpdir').mockReturnValue(tmp);
  try {
    return await fn();
  } finally {
    spy.mockRestore();
  }
}

describe('no files left in the temporary folder', () => {
  test.each([
    ['synth with the chart and the report', ['synth', '--sha', SHA, '--helm', 'helm', '--report']],
    ['helm', ['helm', '--sha', SHA]],
    // Renders dist/'s objects for the Namespace and the Service names a release prefix renames.
    ['secrets with a namespace and a release prefix', ['secrets', '--sha', SHA, '-n', 'shop', '--name-prefix', 'shop']],
    ['report', ['report', '--sha', SHA]],
  ])('%s (in-process)', async (_name, argv) => {
    const cwd = exampleCopy();
    const tmp = emptyTemp();
    const r = await withTmpdir(tmp, () => runCli(argv, { cwd, env: cleanEnv({ TMPDIR: tmp }) }));
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
    expect(fs.readdirSync(tmp)).toEqual([]);
  });

  test('check after synth (in-process)', async () => {
    const cwd = exampleCopy();
    const tmp = emptyTemp();
    await withTmpdir(tmp, async () => {
      expect((await runCli(['synth', '--sha', SHA], { cwd, env: cleanEnv({ TMPDIR: tmp }) })).code).toBe(0);
      const r = await runCli(['check', '--sha', SHA], { cwd, env: cleanEnv({ TMPDIR: tmp }) });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    });
    expect(fs.readdirSync(tmp)).toEqual([]);
  });

  test('diff against a git ref (the ref\'s files are exported to a temporary folder, then removed)', async () => {
    const cwd = exampleCopy();
    commitAll(cwd);
    const tmp = emptyTemp();
    const r = await withTmpdir(tmp, () => runCli(['diff', '--base', 'HEAD', '--sha', SHA], { cwd, env: cleanEnv({ TMPDIR: tmp }) }));
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
    expect(fs.readdirSync(tmp)).toEqual([]);
  });

  test('the real command', () => {
    const cwd = exampleCopy();
    const tmp = emptyTemp();
    const r = spawnCli(['synth', '--sha', SHA, '--helm', 'helm'], { cwd, env: cleanEnv({ TMPDIR: tmp }) });
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
    expect(fs.existsSync(path.join(cwd, 'dist'))).toBe(true);
    expect(fs.readdirSync(tmp)).toEqual([]);
  });

  test('a missing temporary folder: synth does not need one, diff --base says so plainly', () => {
    const cwd = exampleCopy();
    const missing = path.join(emptyTemp(), 'missing');
    const synth = spawnCli(['synth', '--sha', SHA], { cwd, env: cleanEnv({ TMPDIR: missing }) });
    expect(synth.stderr).not.toMatch(/internal error/);
    expect(synth.code).toBe(0);
    commitAll(cwd);
    const diff = spawnCli(['diff', '--base', 'HEAD', '--sha', SHA], { cwd, env: cleanEnv({ TMPDIR: missing }) });
    expect(diff.code).toBe(1);
    expect(diff.stderr).toBe(`cannot make a temporary folder for the files of HEAD: ${missing} does not exist or does not accept new files (set TMPDIR to a folder you can write to, or use --from <dir> to compare with a folder instead)\n`);
  });
});
