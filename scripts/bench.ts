/**
 * `npm run bench`: wall time and peak memory of the Compose loader alone and of a full synth, on
 * generated stacks of 10, 100 and 1000 services (scripts/bench/generate.ts), against
 *   - the floor: cdk8s-plus building the same number of bare Deployments + Services directly, and
 *   - `docker compose config` (Compose v2, .tools/docker-compose) for the loader,
 * all in one run, printing ratios. Every measurement is a fresh process; the median of --reps runs
 * (default 3) is reported. "op" is the work alone (after Node and module start-up); "process" is
 * the whole command as a user runs it, start-up included. Peak memory is the process's max RSS.
 *
 * Usage: node --require tsx/cjs scripts/bench.ts [--reps N] [--sizes 10,100,1000] [--markdown]
 * Targets (issue #8, 2-core machine): 1000 services synthesized in ≤ 2 s with ≤ 300 MB peak;
 * full synth ≤ 1.3 × the floor; loader ≤ 1.0 × Compose v2. Exit code 0 (a report, not a gate).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { generateStack, writeStack } from './bench/generate';

const REPO = path.resolve(__dirname, '..');
const WORKER = path.join(__dirname, 'bench', 'worker.ts');
const COMPOSE_V2 = path.join(REPO, '.tools', 'docker-compose');
const TIME = '/usr/bin/time';

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

function worker(mode: string, dir: string, n: number): Sample {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--require', require.resolve('tsx/cjs'), WORKER, mode, dir, String(n)], { cwd: REPO, encoding: 'utf8', env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: os.tmpdir() }, maxBuffer: 1 << 26 });
  const processMs = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${mode} ${n}: ${r.stderr}`);
  const j = JSON.parse(r.stdout.trim().split('\n').pop()!) as { opMs: number; warmMs: number; maxRssMB: number };
  // The process did the work twice: count only the first run in the process time.
  return { opMs: j.opMs, warmMs: j.warmMs, processMs: processMs - j.warmMs, maxRssMB: j.maxRssMB };
}

/** `docker compose config` on the stack: whole-process time and max RSS (GNU time when present). */
function composeV2(dir: string): Sample | undefined {
  if (!fs.existsSync(COMPOSE_V2)) return undefined;
  const withTime = fs.existsSync(TIME);
  const args = ['-f', path.join(dir, 'compose.yaml'), 'config', '--format', 'json'];
  const start = process.hrtime.bigint();
  const r = withTime
    ? spawnSync(TIME, ['-f', 'maxrss=%M', COMPOSE_V2, ...args], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 28, env: { PATH: '/usr/bin:/bin', HOME: os.tmpdir() } })
    : spawnSync(COMPOSE_V2, args, { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 28, env: { PATH: '/usr/bin:/bin', HOME: os.tmpdir() } });
  const processMs = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`docker compose config: ${r.stderr}`);
  const rss = /maxrss=(\d+)/.exec(r.stderr ?? '');
  return { processMs, maxRssMB: rss ? Math.round(Number(rss[1]) / 1024) : NaN };
}

const f0 = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? '—' : x >= 100 ? String(Math.round(x)) : x.toFixed(1));
const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined || !b ? '—' : `${(a / b).toFixed(2)}×`);

function main(argv: readonly string[]): number {
  const reps = Number(argv[argv.indexOf('--reps') + 1] ?? 3) || 3;
  const sizesArg = argv.includes('--sizes') ? argv[argv.indexOf('--sizes') + 1] : '10,100,1000';
  const sizes = sizesArg.split(',').map(Number);
  const out = (s: string) => process.stdout.write(`${s}\n`);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-'));
  const cpu = os.cpus();
  out(`bench: node ${process.version}, ${cpu.length} CPUs (${cpu[0]?.model.trim() ?? '?'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${reps} runs each, median`);
  const rows: string[] = [];
  const header = '| services | loader process ms | loader op ms (warm) | compose v2 ms | loader / compose v2 (process) | synth process ms | synth op ms (warm) | synth peak MB | floor process ms | floor op ms (warm) | floor peak MB | synth / floor (process) | synth / floor (op) | synth / floor (warm) |';
  rows.push(header, `|${'---|'.repeat(14)}`);
  try {
    for (const n of sizes) {
      const dir = path.join(root, String(n));
      writeStack(dir, generateStack(n));
      const load: Sample[] = [];
      const synth: Sample[] = [];
      const floor: Sample[] = [];
      const compose: Sample[] = [];
      for (let i = 0; i < reps; i++) {
        load.push(worker('load', dir, n));
        synth.push(worker('synth', dir, n));
        floor.push(worker('floor', dir, n));
        const c = composeV2(dir);
        if (c) compose.push(c);
      }
      const L = medianSample(load);
      const S = medianSample(synth);
      const F = medianSample(floor);
      const C = compose.length ? medianSample(compose) : undefined;
      rows.push(`| ${n} | ${f0(L.processMs)} | ${f0(L.opMs)} (${f0(L.warmMs)}) | ${f0(C?.processMs)} | ${ratio(L.processMs, C?.processMs)} | ${f0(S.processMs)} | ${f0(S.opMs)} (${f0(S.warmMs)}) | ${S.maxRssMB} | ${f0(F.processMs)} | ${f0(F.opMs)} (${f0(F.warmMs)}) | ${F.maxRssMB} | ${ratio(S.processMs, F.processMs)} | ${ratio(S.opMs, F.opMs)} | ${ratio(S.warmMs, F.warmMs)} |`);
      out(`  ${n} services: loader ${f0(L.processMs)} ms process, ${f0(L.opMs)} ms op, ${f0(L.warmMs)} ms warm (${L.maxRssMB} MB) vs compose v2 ${f0(C?.processMs)} ms (${C?.maxRssMB ?? '—'} MB); synth ${f0(S.processMs)} ms process, ${f0(S.opMs)} ms op, ${f0(S.warmMs)} ms warm (${S.maxRssMB} MB); floor ${f0(F.processMs)} ms process, ${f0(F.opMs)} ms op, ${f0(F.warmMs)} ms warm (${F.maxRssMB} MB)`);
      if (n === 1000) {
        const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
        out(`  targets @1000: synth ≤ 2 s: ${verdict(S.processMs <= 2000)} (process ${f0(S.processMs)} ms, op ${f0(S.opMs)} ms); peak ≤ 300 MB: ${verdict(S.maxRssMB <= 300)} (${S.maxRssMB} MB); synth ≤ 1.3 × floor: ${verdict(S.processMs <= 1.3 * F.processMs)} (${ratio(S.processMs, F.processMs)} process, ${ratio(S.opMs, F.opMs)} op); loader ≤ 1.0 × compose v2: ${C ? verdict(L.processMs <= C.processMs) : 'not measured'} (${ratio(L.processMs, C?.processMs)} process)`);
      }
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
  out('');
  for (const r of rows) out(r);
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (e) {
  process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
}
