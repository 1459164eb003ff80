/**
 * No lost output (issue #8, item 3): `synth` and `helm` write into a staging folder and swap it in,
 * so a failing or interrupted run leaves the previous dist/ and helm/ byte-identical. Each failure
 * is forced: bad input, a refusal, a renderer bug, a full disk mid-write, a failed swap, and a real
 * process killed at random moments.
 */
import { spawn } from 'child_process';
import * as path from 'path';
import * as manifests from '../../lib/output/common/manifests';
import { BIN, cleanEnv, runCli } from '../helpers/cli';
import { leftovers, removeTmpProjects, snapshotDir, tmpProject } from './dirs';

// The real fs module object (lib/ reads it through live bindings), so spies reach lib/output/render/write.ts.
// eslint-disable-next-line @typescript-eslint/no-var-requires
const realFs = require('fs') as typeof import('fs');

const SHA_OLD = '1111111111111111111111111111111111111111';
const SHA_NEW = '2222222222222222222222222222222222222222';

const GOOD = `name: shop
services:
  api:
    build: ./api
    ports: ["8000:8000"]
    environment:
      LOG_LEVEL: info
    healthcheck:
      test: ["CMD", "wget", "-q", "-O-", "http://localhost:8000/health"]
  cache:
    image: redis:7-alpine
    volumes: [cache:/data]
volumes:
  cache: {}
`;

const env = (sha: string) => cleanEnv({ IMAGE_TAG: sha });

interface Outputs {
  dist?: Record<string, string>;
  helm?: Record<string, string>;
}

/** A project with dist/ and helm/ from a good synth at SHA_OLD. */
async function projectWithOutputs(): Promise<{ dir: string; before: Outputs }> {
  const dir = tmpProject({ 'compose.yaml': GOOD, 'api/Dockerfile': 'FROM scratch\n' });
  const s = await runCli(['synth'], { cwd: dir, env: env(SHA_OLD) });
  expect(s).toMatchObject({ code: 0 });
  const h = await runCli(['helm'], { cwd: dir, env: env(SHA_OLD) });
  expect(h).toMatchObject({ code: 0 });
  const before = outputs(dir);
  expect(Object.keys(before.dist ?? {})).toContain('shop.k8s.yaml');
  expect(Object.keys(before.helm ?? {}).length).toBeGreaterThan(3);
  return { dir, before };
}

function outputs(dir: string): Outputs {
  return { dist: snapshotDir(path.join(dir, 'dist')), helm: snapshotDir(path.join(dir, 'helm')) };
}

const COMMANDS = ['synth', 'helm'] as const;

afterAll(() => {
  removeTmpProjects();
  realFs.rmSync(path.dirname(KILL_HOOK), { recursive: true, force: true });
});

describe('a failing synth or helm leaves the previous output byte-identical', () => {
  test.each(COMMANDS)('%s: invalid Compose file (loader rejection)', async (cmd) => {
    const { dir, before } = await projectWithOutputs();
    realFs.writeFileSync(path.join(dir, 'compose.yaml'), GOOD.replace('ports: ["8000:8000"]', 'ports: ["eighty:80"]'));
    const r = await runCli([cmd], { cwd: dir, env: env(SHA_NEW) });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/compose\.yaml:\d+:\d+/);
    expect(outputs(dir)).toEqual(before);
    expect(leftovers(dir)).toEqual([]);
  });

  test.each(COMMANDS)('%s: a refused feature (a host file outside the project)', async (cmd) => {
    const { dir, before } = await projectWithOutputs();
    realFs.writeFileSync(path.join(dir, 'compose.yaml'), GOOD.replace('volumes: [cache:/data]', 'volumes: ["/opt/app/app.conf:/etc/app.conf:ro"]'));
    const r = await runCli([cmd], { cwd: dir, env: env(SHA_NEW) });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/app\.conf.*refused/);
    expect(outputs(dir)).toEqual(before);
  });

  test('synth: a renderer bug (exception, not a ComposeError) is an internal error without a stack trace', async () => {
    const { dir, before } = await projectWithOutputs();
    const spy = jest.spyOn(manifests, 'buildApp').mockImplementation(() => {
      throw new TypeError('boom in the renderer');
    });
    try {
      const r = await runCli(['synth'], { cwd: dir, env: env(SHA_NEW) });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('internal error: boom in the renderer');
      expect(r.stderr).not.toMatch(/\n\s+at /);
    } finally {
      spy.mockRestore();
    }
    expect(outputs(dir)).toEqual(before);
  });

  test.each(COMMANDS)('%s: the disk fills up in the middle of writing (ENOSPC)', async (cmd) => {
    const { dir, before } = await projectWithOutputs();
    const original = realFs.writeFileSync;
    const written: string[] = [];
    const spy = jest.spyOn(realFs, 'writeFileSync').mockImplementation(((file: any, data: any, opts?: any) => {
      if (typeof file === 'string' && file.startsWith(dir)) {
        written.push(file);
        // Let one file through, then fail: the staging folder holds a partial output.
        if (written.length >= 2 || cmd === 'synth') throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      }
      return original(file, data, opts);
    }) as typeof realFs.writeFileSync);
    let r;
    try {
      r = await runCli([cmd], { cwd: dir, env: env(SHA_NEW) });
    } finally {
      spy.mockRestore();
    }
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no space left on the device');
    expect(r.stderr).not.toContain('internal error');
    expect(written.length).toBeGreaterThan(0);
    // Never written in place: every write went to a staging folder next to the target.
    for (const f of written) expect(path.relative(dir, f)).toMatch(/^(helm\/)?\.(dist|shop)\.new-[^/]+\//);
    expect(outputs(dir)).toEqual(before);
    expect(leftovers(dir)).toEqual([]);
    if (cmd === 'helm') expect(leftovers(path.join(dir, 'helm'))).toEqual([]);
  });

  test.each(COMMANDS)('%s: the swap itself fails (rename of the new folder into place)', async (cmd) => {
    const { dir, before } = await projectWithOutputs();
    const original = realFs.renameSync;
    let failed = 0;
    const spy = jest.spyOn(realFs, 'renameSync').mockImplementation(((from: any, to: any) => {
      if (String(from).includes('.new-') && !String(from).endsWith('.old') && !String(to).includes('.new-')) {
        failed++;
        throw Object.assign(new Error('EIO: i/o error, rename'), { code: 'EIO' });
      }
      return original(from, to);
    }) as typeof realFs.renameSync);
    let r;
    try {
      r = await runCli([cmd], { cwd: dir, env: env(SHA_NEW) });
    } finally {
      spy.mockRestore();
    }
    expect(failed).toBe(1);
    expect(r.code).toBe(1);
    expect(outputs(dir)).toEqual(before);
    expect(leftovers(dir)).toEqual([]);
  });

  test('synth --helm: a rejected file leaves both dist/ and helm/ byte-identical', async () => {
    const { dir, before } = await projectWithOutputs();
    realFs.writeFileSync(path.join(dir, 'compose.yaml'), GOOD.replace('image: redis:7-alpine', 'image: 42\n    ports: [{}]'));
    const r = await runCli(['synth', '--helm', 'helm'], { cwd: dir, env: env(SHA_NEW) });
    expect(r.code).toBe(1);
    expect(outputs(dir)).toEqual(before);
  });

  // writeOutputs stages every folder before it swaps any (write.ts writeDirsAtomic), so a failure
  // while writing either folder leaves dist/ and helm/ as they were, agreeing with each other.
  test.each([
    ['dist/', '.dist.new-'],
    ['the chart', '.shop.new-'],
  ])('synth --helm: a full disk while writing %s leaves both dist/ and helm/ byte-identical', async (_what, staging) => {
    const { dir, before } = await projectWithOutputs();
    const original = realFs.writeFileSync;
    const spy = jest.spyOn(realFs, 'writeFileSync').mockImplementation(((file: any, data: any, opts?: any) => {
      if (typeof file === 'string' && file.includes(staging)) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      return original(file, data, opts);
    }) as typeof realFs.writeFileSync);
    let r;
    try {
      r = await runCli(['synth', '--helm', 'helm'], { cwd: dir, env: env(SHA_NEW) });
    } finally {
      spy.mockRestore();
    }
    expect(r.code).toBe(1);
    expect(outputs(dir).helm).toEqual(before.helm);
    expect(outputs(dir).dist).toEqual(before.dist);
  });

  // The staging folder comes from mkdtemp (mode 0700) and is renamed into place; it is chmod-ed to
  // the usual mode first, so another user (a CI step, a web server) can still read dist/.
  test('dist/ keeps the usual folder permissions (0777 & ~umask)', async () => {
    const { dir } = await projectWithOutputs();
    const umask = process.umask();
    expect((realFs.statSync(path.join(dir, 'dist')).mode & 0o777).toString(8)).toBe((0o777 & ~umask).toString(8));
  });

  test('synth and helm succeed afterwards and replace the output as a whole', async () => {
    const { dir, before } = await projectWithOutputs();
    // A file an earlier run wrote (listed in its manifest) that this run no longer writes.
    realFs.writeFileSync(path.join(dir, 'dist', 'stale.yaml'), 'kind: Stale\n');
    realFs.appendFileSync(path.join(dir, 'dist', '.compose-cdk8s'), 'stale.yaml\n');
    expect((await runCli(['synth'], { cwd: dir, env: env(SHA_NEW) })).code).toBe(0);
    expect((await runCli(['helm'], { cwd: dir, env: env(SHA_NEW) })).code).toBe(0);
    const after = outputs(dir);
    expect(Object.keys(after.dist!)).toContain('shop.k8s.yaml');
    expect(Object.keys(after.dist!)).not.toContain('stale.yaml');
    expect(after.dist).not.toEqual(before.dist);
    expect(Buffer.from(after.dist!['shop.k8s.yaml'], 'base64').toString()).toContain(SHA_NEW);
    expect(leftovers(dir)).toEqual([]);
  });
});

/** Run the real CLI, optionally killing it with `signal` after `ms`; resolves with the exit code or signal. */
function runAndKill(args: string[], cwd: string, sha: string, ms: number, signal: NodeJS.Signals, extraEnv: Record<string, string> = {}): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve) => {
    const preload = extraEnv.KILL_AT ? ['--require', KILL_HOOK] : [];
    const child = spawn(process.execPath, [...preload, BIN, ...args], { cwd, env: { ...env(sha), ...extraEnv }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const timer = ms >= 0 ? setTimeout(() => child.kill(signal), ms) : undefined;
    child.on('exit', (code, sig) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal: sig, stderr });
    });
  });
}

/**
 * A --require hook that SIGKILLs the process at one step of writeDirAtomic, chosen by KILL_AT:
 * `mkdtemp` (staging folder created), `write:N` (after the N-th file written into staging),
 * `aside` (old folder renamed aside, new one not yet in place), `swapped` (new folder in place,
 * old one not yet removed).
 */
const KILL_HOOK = path.join(realFs.mkdtempSync(path.join(require('os').tmpdir(), 'kill-hook-')), 'kill-at.js');
realFs.writeFileSync(KILL_HOOK, `'use strict';
const fs = require('fs');
const at = process.env.KILL_AT || '';
const die = () => process.kill(process.pid, 'SIGKILL');
const wrap = (name, after) => { const orig = fs[name]; fs[name] = function () { const r = orig.apply(this, arguments); after(arguments, r); return r; }; };
let writes = 0;
wrap('mkdtempSync', (a, dir) => { if (at === 'mkdtemp' && String(dir).includes('.new-')) die(); });
wrap('writeFileSync', (a) => { if (at.startsWith('write:') && String(a[0]).includes('.new-') && ++writes === Number(at.slice(6))) die(); });
wrap('renameSync', (a) => {
  if (at === 'aside' && String(a[1]).endsWith('.old')) die();
  if (at === 'swapped' && String(a[0]).includes('.new-') && !String(a[0]).endsWith('.old') && !String(a[1]).includes('.new-')) die();
});
`);

describe('an interrupted synth or helm (real process, SIGKILL) leaves the old or the complete new output', () => {
  let dir: string;
  const states: Record<'old' | 'new', Outputs> = { old: {}, new: {} };

  const synthBoth = async (sha: string, extraEnv: Record<string, string> = {}) => {
    const s = await runAndKill(['synth'], dir, sha, -1, 'SIGKILL', extraEnv);
    const h = await runAndKill(['helm'], dir, sha, -1, 'SIGKILL', extraEnv);
    return [s, h];
  };
  /** dist/ and the chart folder helm/shop/ (what a reader of the output sees). */
  const stateOf = (o: Outputs): string => {
    const chartOf = (x: Outputs) => (x.helm ? Object.fromEntries(Object.entries(x.helm).filter(([k]) => k.startsWith('shop/'))) : undefined);
    const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
    const part = (now: unknown, old: unknown, neu: unknown) => (same(now, old) ? 'old' : same(now, neu) ? 'new' : now === undefined ? 'MISSING' : 'PARTIAL');
    return `dist ${part(o.dist, states.old.dist, states.new.dist)}, helm ${part(chartOf(o), chartOf(states.old), chartOf(states.new))}`;
  };

  beforeAll(async () => {
    dir = tmpProject({ 'compose.yaml': GOOD, 'api/Dockerfile': 'FROM scratch\n' }, 'robust-kill-');
    for (const r of await synthBoth(SHA_NEW)) expect(r.code).toBe(0);
    states.new = outputs(dir);
    for (const r of await synthBoth(SHA_OLD)) expect(r.code).toBe(0);
    states.old = outputs(dir);
    expect(states.old).not.toEqual(states.new);
  }, 60000);

  test.each(['mkdtemp', 'write:1', 'write:4', 'swapped'])('killed at %s: old or new output, never a mix', async (at) => {
    const [s, h] = await synthBoth(SHA_NEW, { KILL_AT: at });
    // synth writes three files (the manifests, Kustomization, .compose-cdk8s), so it outlives `write:4`; helm writes more.
    expect([s.signal, h.signal]).toEqual([at === 'write:4' ? null : 'SIGKILL', 'SIGKILL']);
    const state = stateOf(outputs(dir));
    // Killed before the swap: old output; after it: the complete new one.
    expect(state).toBe(at === 'swapped' ? 'dist new, helm new' : at === 'write:4' ? 'dist new, helm old' : 'dist old, helm old');
    // Back to the old outputs for the next case (only what changed, to save process starts).
    if (!state.startsWith('dist old')) expect((await runAndKill(['synth'], dir, SHA_OLD, -1, 'SIGKILL')).code).toBe(0);
    if (!state.endsWith('helm old')) expect((await runAndKill(['helm'], dir, SHA_OLD, -1, 'SIGKILL')).code).toBe(0);
    expect(stateOf(outputs(dir))).toBe('dist old, helm old');
  }, 60000);

  test('SIGKILL and SIGTERM at spread-out moments never leave output partial or missing', async () => {
    const t = Date.now();
    await runAndKill(['synth'], dir, SHA_OLD, -1, 'SIGKILL');
    const full = Date.now() - t;
    for (let i = 0; i < 2; i++) {
      const signal: NodeJS.Signals = i % 2 ? 'SIGTERM' : 'SIGKILL';
      await runAndKill(['synth'], dir, SHA_NEW, Math.round((full * (i + 1)) / 3), signal);
      const state = stateOf(outputs(dir));
      expect(state).toMatch(/^dist (old|new), helm old$/);
      if (state.startsWith('dist new')) expect((await runAndKill(['synth'], dir, SHA_OLD, -1, 'SIGKILL')).code).toBe(0);
    }
  }, 60000);

  // The chart's staging folder is a sibling of helm/<chart>/, i.e. inside helm/ (a committed
  // folder); a killed run's staging folders are removed by the next write (write.ts recoverDir).
  test('killed while writing the chart: no partial staging folder is left inside helm/', async () => {
    await runAndKill(['helm'], dir, SHA_NEW, -1, 'SIGKILL', { KILL_AT: 'write:2' });
    expect((await runAndKill(['helm'], dir, SHA_OLD, -1, 'SIGKILL')).code).toBe(0);
    expect(leftovers(path.join(dir, 'helm'))).toEqual([]);
  }, 60000);

  // writeDirAtomic renames dist/ aside and then the new folder in; Node has no atomic exchange of
  // two folders, so a process killed between the two renames leaves the old dist/ in
  // `.dist.new-XXXX.old`. The next run puts it back before anything else (write.ts recoverDir).
  test('killed between the two renames of the swap: the next run puts the old dist/ back first', async () => {
    const r = await runAndKill(['synth'], dir, SHA_NEW, -1, 'SIGKILL', { KILL_AT: 'aside' });
    expect(r.signal).toBe('SIGKILL');
    // The next run is killed too, right after it made its own staging folder: by then it has
    // restored dist/ and removed what the first run left.
    await runAndKill(['synth'], dir, SHA_NEW, -1, 'SIGKILL', { KILL_AT: 'mkdtemp' });
    expect(stateOf(outputs(dir))).toBe('dist old, helm old');
    expect(realFs.readdirSync(dir).filter((n) => n.startsWith('.dist.new-') && n.endsWith('.old'))).toEqual([]);
  }, 60000);
});
