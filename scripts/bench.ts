/**
 * `npm run bench`: wall time and peak memory of the Compose loader alone, of a full synth and of the
 * installed command itself, on generated stacks of 10, 100 and 1000 services
 * (scripts/bench/generate.ts), against
 *   - the floor: cdk8s-plus building the same number of bare Deployments + Services directly, and
 *   - `docker compose config` (Compose v2, .tools/docker-compose) for the loader,
 * all in one run, printing ratios. Every measurement is a fresh process; the median of --reps runs
 * (default 3) is reported.
 *
 * What runs is what a user runs: at start the worker (scripts/bench/worker.ts) is bundled with
 * esbuild into the bench's temp folder with the settings of scripts/bundle.js (the CLI's bundle:
 * node20, CommonJS, packages external, precompiled schema validators) and run with plain `node`,
 * no tsx. "op" is the work alone (after Node and module start-up), "warm" the same work again in the
 * same process, "process" the whole worker process. "cli" is the real command:
 * `node scripts/build.js` once, then `node bin/compose-cdk8s.js synth` per run (whole process,
 * peak memory via GNU time when present). Peak memory is the process's max RSS.
 *
 * Also `cdk8s synth` of this repository's app (main.js) against an empty cdk8s app.
 * Usage: node --require tsx/cjs scripts/bench.ts [--reps N] [--sizes 10,100,1000] [--cdk8s-only]
 * Targets (issue #8, 2-core machine): 1000 services synthesized in ≤ 2 s with ≤ 300 MB peak (cli);
 * full synth ≤ 1.3 × the floor (cli / floor process); loader ≤ 1.0 × Compose v2 (loader process).
 * cdk8s synth of the example ≤ 0.5 s above an empty cdk8s app.
 * Exit code 0 (a report, not a gate).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { generateStack, writeStack } from './bench/generate';
// eslint-disable-next-line @typescript-eslint/no-var-requires
const bundler = require('./bundle') as { CLI_BUNDLE: string; LIB_BUNDLE: string; isFresh(file: string): boolean; bundle(entry: string, outfile: string): Promise<void> };

const REPO = path.resolve(__dirname, '..');
const WORKER_SOURCE = path.join(__dirname, 'bench', 'worker.ts');
const BUILD = path.join(REPO, 'scripts', 'build.js');
const BIN = path.join(REPO, 'bin', 'compose-cdk8s.js');
const COMPOSE_V2 = path.join(REPO, '.tools', 'docker-compose');
const TIME = '/usr/bin/time';
const SHA = '0123456789abcdef0123456789abcdef01234567';
/** The child processes' environment: no user settings; NODE_PATH lets the bundled worker (in a temp folder) find the packages. */
const CHILD_ENV = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: os.tmpdir() };

interface Sample {
  /** The work alone (ms); undefined for external commands. */
  readonly opMs?: number;
  /** The same work again in the same process (ms). */
  readonly warmMs?: number;
  /** The whole process (ms). */
  readonly processMs: number;
  readonly maxRssMB: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function medianSample(samples: Sample[]): Sample {
  return {
    ...(samples[0].opMs !== undefined ? { opMs: median(samples.map((s) => s.opMs!)), warmMs: median(samples.map((s) => s.warmMs!)) } : {}),
    processMs: median(samples.map((s) => s.processMs)),
    maxRssMB: median(samples.map((s) => s.maxRssMB)),
  };
}

/** Bundles the worker into `outDir` exactly like the CLI's bundle (scripts/bundle.js). */
async function bundleWorker(outDir: string): Promise<string> {
  const file = path.join(outDir, 'worker.js');
  await bundler.bundle(WORKER_SOURCE, file);
  return file;
}

function runWorker(bundle: string, args: readonly string[]): { ms: number; out: { opMs: number; warmMs?: number; maxRssMB: number } } {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [bundle, ...args], { cwd: REPO, encoding: 'utf8', env: { ...CHILD_ENV, NODE_PATH: path.join(REPO, 'node_modules') }, maxBuffer: 1 << 26 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')}: ${r.stderr}`);
  return { ms, out: JSON.parse(r.stdout.trim().split('\n').pop()!) };
}

/**
 * One measurement, two fresh processes: one that does the work once (its wall time is "process",
 * exactly what a user waits for), one that does it twice (op: the first, cold; warm: the second).
 */
function worker(bundle: string, mode: string, dir: string, n: number): Sample {
  const once = runWorker(bundle, [mode, dir, String(n), 'once']);
  const twice = runWorker(bundle, [mode, dir, String(n)]).out;
  return { opMs: twice.opMs, warmMs: twice.warmMs, processMs: once.ms, maxRssMB: once.out.maxRssMB };
}

/** A command's whole-process wall time and max RSS (GNU time when present). */
function timed(label: string, command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Sample {
  const withTime = fs.existsSync(TIME);
  const start = process.hrtime.bigint();
  const r = withTime
    ? spawnSync(TIME, ['-f', 'bench-maxrss=%M', command, ...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 28, env })
    : spawnSync(command, args, { cwd, encoding: 'utf8', maxBuffer: 1 << 28, env });
  const processMs = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${label}: ${r.stderr}`);
  const rss = /bench-maxrss=(\d+)/.exec(r.stderr ?? '');
  return { processMs, maxRssMB: rss ? Math.round(Number(rss[1]) / 1024) : NaN };
}

/** `docker compose config` on the stack. */
function composeV2(dir: string): Sample | undefined {
  if (!fs.existsSync(COMPOSE_V2)) return undefined;
  return timed('docker compose config', COMPOSE_V2, ['-f', path.join(dir, 'compose.yaml'), 'config', '--format', 'json'], dir, { PATH: '/usr/bin:/bin', HOME: os.tmpdir() });
}

/** `compose-cdk8s synth` exactly as a user runs it, in the stack's folder. */
function cli(dir: string): Sample {
  return timed('compose-cdk8s synth', process.execPath, [BIN, 'synth', '-o', path.join(dir, 'dist-cli'), '--sha', SHA], dir, CHILD_ENV);
}

/** `node scripts/build.js`: a fresh CLI bundle, so the "cli" runs never fall back to tsx. */
function buildCli(): void {
  const r = spawnSync(process.execPath, [BUILD], { cwd: REPO, encoding: 'utf8', env: { ...process.env } });
  if (r.status !== 0 || !bundler.isFresh(bundler.CLI_BUNDLE)) throw new Error(`node scripts/build.js did not make a fresh build/compose-cdk8s.js: ${r.stderr}`);
}

const CDK8S_CLI = path.join(REPO, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s');

/**
 * `cdk8s synth` of this repository's app (main.js: the example through the library bundle)
 * against an empty cdk8s app (one empty Chart), interleaved so both see the same machine load.
 * Target (issue #16): at most 0.5 s above the empty app.
 */
function cdk8sSynth(root: string, reps: number, out: (s: string) => void): void {
  const empty = path.join(root, 'empty-app');
  fs.mkdirSync(empty, { recursive: true });
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(empty, 'node_modules'));
  fs.writeFileSync(path.join(empty, 'cdk8s.yaml'), 'language: typescript\napp: node main.js\n');
  fs.writeFileSync(path.join(empty, 'main.js'), "const { App, Chart } = require('cdk8s');\nconst app = new App();\nnew Chart(app, 'empty');\napp.synth();\n");
  const env = { ...CHILD_ENV, IMAGE_TAG: SHA, COMPOSE_CDK8S_OUTPUT: path.join(root, 'app-out', 'dist') };
  // Wall time, and CPU time (user + system, the app's process included), which a loaded machine
  // disturbs less: on an idle machine the two are close, as the run is mostly single-threaded.
  const synth = (cwd: string, label: string): { wall: number; cpu: number } => {
    const args = [CDK8S_CLI, 'synth', '--check-upgrade=false', '-o', path.join(root, `${label}-scratch`)];
    const withTime = fs.existsSync(TIME);
    const start = process.hrtime.bigint();
    const r = withTime
      ? spawnSync(TIME, ['-f', 'bench-cpu=%U %S', process.execPath, ...args], { cwd, encoding: 'utf8', env })
      : spawnSync(process.execPath, args, { cwd, encoding: 'utf8', env });
    const wall = Number(process.hrtime.bigint() - start) / 1e6;
    if (r.status !== 0) throw new Error(`cdk8s synth (${label}): ${r.stderr}`);
    const cpu = /bench-cpu=([\d.]+) ([\d.]+)/.exec(r.stderr ?? '');
    return { wall, cpu: cpu ? (Number(cpu[1]) + Number(cpu[2])) * 1000 : NaN };
  };
  const app: Array<{ wall: number; cpu: number }> = [];
  const base: Array<{ wall: number; cpu: number }> = [];
  for (let i = 0; i < reps; i++) {
    base.push(synth(empty, 'empty'));
    app.push(synth(REPO, 'app'));
  }
  const wall = { app: median(app.map((x) => x.wall)), base: median(base.map((x) => x.wall)) };
  const cpu = { app: median(app.map((x) => x.cpu)), base: median(base.map((x) => x.cpu)) };
  const how = bundler.isFresh(bundler.LIB_BUNDLE) ? 'library bundle' : 'sources through tsx: the bundle is stale';
  out(`  cdk8s synth, this repository's app (the example, ${how}) vs an empty cdk8s app: wall ${f0(wall.app)} vs ${f0(wall.base)} ms (+${f0(wall.app - wall.base)}); `
    + `cpu ${f0(cpu.app)} vs ${f0(cpu.base)} ms (+${f0(cpu.app - cpu.base)}); ≤ +500 ms: ${wall.app - wall.base <= 500 ? 'met' : 'NOT met'} (wall), ${cpu.app - cpu.base <= 500 ? 'met' : 'NOT met'} (cpu)`);
}

const f0 = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? '—' : x >= 100 ? String(Math.round(x)) : x.toFixed(1));
const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined || !b ? '—' : `${(a / b).toFixed(2)}×`);
const opWarm = (s: Sample) => `${f0(s.opMs)} (${f0(s.warmMs)})`;
const mb = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? '—' : String(x));

function option(argv: readonly string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

const HEADER = [
  'services',
  'loader process ms',
  'loader op ms (warm)',
  'compose v2 ms',
  'loader / compose v2 (process)',
  'synth op ms (warm)',
  'floor process ms',
  'floor op ms (warm)',
  'synth / floor (op)',
  'cli ms',
  'cli peak MB',
  'cli / floor (process)',
];

async function main(argv: readonly string[]): Promise<number> {
  const reps = Number(option(argv, '--reps') ?? 3) || 3;
  const sizes = (option(argv, '--sizes') ?? '10,100,1000').split(',').map(Number);
  const out = (s: string) => process.stdout.write(`${s}\n`);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-'));
  const cpu = os.cpus();
  out(`bench: node ${process.version}, ${cpu.length} CPUs (${cpu[0]?.model.trim() ?? '?'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${reps} runs each, median`);
  const rows: string[] = [`| ${HEADER.join(' | ')} |`, `|${'---|'.repeat(HEADER.length)}`];
  try {
    const bundle = await bundleWorker(root);
    buildCli();
    out('  worker bundled like the CLI (scripts/bundle.js); CLI bundle built (node scripts/build.js)');
    cdk8sSynth(root, reps, out);
    for (const n of argv.includes('--cdk8s-only') ? [] : sizes) {
      const dir = path.join(root, String(n));
      writeStack(dir, generateStack(n));
      const load: Sample[] = [];
      const synth: Sample[] = [];
      const floor: Sample[] = [];
      const compose: Sample[] = [];
      const command: Sample[] = [];
      for (let i = 0; i < reps; i++) {
        load.push(worker(bundle, 'load', dir, n));
        synth.push(worker(bundle, 'synth', dir, n));
        floor.push(worker(bundle, 'floor', dir, n));
        const c = composeV2(dir);
        if (c) compose.push(c);
        if (!bundler.isFresh(bundler.CLI_BUNDLE)) {
          out('  (lib/ changed during the run: rebuilding the CLI bundle)');
          buildCli();
        }
        command.push(cli(dir));
      }
      const L = medianSample(load);
      const S = medianSample(synth);
      const F = medianSample(floor);
      const C = compose.length ? medianSample(compose) : undefined;
      const X = medianSample(command);
      rows.push(`| ${[n, f0(L.processMs), opWarm(L), f0(C?.processMs), ratio(L.processMs, C?.processMs), opWarm(S), f0(F.processMs), opWarm(F), ratio(S.opMs, F.opMs), f0(X.processMs), mb(X.maxRssMB), ratio(X.processMs, F.processMs)].join(' | ')} |`);
      out(`  ${n} services: loader ${f0(L.processMs)} ms process, ${opWarm(L)} ms op (warm) (${L.maxRssMB} MB) vs compose v2 ${f0(C?.processMs)} ms (${mb(C?.maxRssMB)} MB); synth ${f0(S.processMs)} ms process, ${opWarm(S)} ms op (warm) (${S.maxRssMB} MB); floor ${f0(F.processMs)} ms process, ${opWarm(F)} ms op (warm) (${F.maxRssMB} MB); cli ${f0(X.processMs)} ms (${mb(X.maxRssMB)} MB)`);
      if (n === 1000) {
        const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
        const peak = Number.isNaN(X.maxRssMB) ? `not measured (no ${TIME})` : `${verdict(X.maxRssMB <= 300)} (${X.maxRssMB} MB)`;
        out(`  targets @1000: synth ≤ 2 s: ${verdict(X.processMs <= 2000)} (cli ${f0(X.processMs)} ms; synth op ${f0(S.opMs)} ms); peak ≤ 300 MB: ${peak}; synth ≤ 1.3 × floor: ${verdict(X.processMs <= 1.3 * F.processMs)} (${ratio(X.processMs, F.processMs)} cli / floor process, ${ratio(S.opMs, F.opMs)} op); loader ≤ 1.0 × compose v2: ${C ? verdict(L.processMs <= C.processMs) : 'not measured'} (${ratio(L.processMs, C?.processMs)} process)`);
      }
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
  out('');
  for (const r of rows) out(r);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
