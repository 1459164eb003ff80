/**
 * `npm run fuzz`: fuzz the whole converter with fast-check (issue #8, item 2).
 *
 *   1. in-process, --runs cases (default 10,000) of generated, mutated-fixture and pathological
 *      Compose projects: each must end as ok (schema-valid manifests), refused or rejected (with
 *      file:line), never crash, within the per-case time limit;
 *      every 10th case also runs through the CLI (`run`): exit 0 or 1, no stack trace;
 *   2. --process cases (default 40) of pathological projects (alias bombs, deep nesting, cycles,
 *      huge values, missing files) through the real bin with a heap cap and a time limit.
 *
 * Usage: node --require tsx/cjs scripts/fuzz.ts [--runs N] [--process N] [--seed S]
 * Failing cases are saved under a tmp folder (printed) for reproduction with compose-cdk8s synth.
 * Exit code: 0 when nothing new went wrong, 1 otherwise.
 */
import fc from 'fast-check';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { normalizeReason } from '../test/corpus/convert-one';
import { anyCase, FuzzCase, pathological } from '../test/fuzz/arbitraries';
import { cliCase, convertCase, FuzzRoot, PROCESS_HEAP_LIMIT_MB, PROCESS_TIME_LIMIT_MS, processCase } from '../test/fuzz/harness';
import { knownProblem } from '../test/fuzz/known';

function arg(argv: readonly string[], name: string, fallback: number): number {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] !== undefined ? Number(argv[i + 1]) : fallback;
}

interface Finding {
  readonly problem: string;
  readonly family: string;
  readonly saved: string;
  count: number;
}

async function main(argv: readonly string[]): Promise<number> {
  const runs = arg(argv, '--runs', 10000);
  const processRuns = arg(argv, '--process', 40);
  const seed = arg(argv, '--seed', Date.now() % 2 ** 31);
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const root = new FuzzRoot();
  const failuresDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fuzz-failures-'));
  const findings = new Map<string, Finding>();
  const known = new Map<string, number>();
  const counts: Record<string, number> = { ok: 0, refused: 0, rejected: 0, crashed: 0 };
  let slowest = { ms: 0, family: '' };
  let cliRuns = 0;
  let peakHeap = 0;

  const record = (c: FuzzCase, problem: string) => {
    const why = knownProblem(problem);
    if (why) {
      known.set(why, (known.get(why) ?? 0) + 1);
      return;
    }
    // Group by what is wrong, not where: `Deployment/x: spec...ports[0].containerPort: ...` → `spec...ports[].containerPort: ...`.
    const key = normalizeReason(problem.replace(/schema-invalid output: [^:]+: /, 'schema-invalid output: ').replace(/\[\d+\]/g, '[]').replace(/ \(\+\d+ more\)/, ''));
    const f = findings.get(key);
    if (f) {
      f.count++;
      return;
    }
    const saved = path.join(failuresDir, String(findings.size + 1));
    for (const [rel, text] of Object.entries(c.files)) {
      fs.mkdirSync(path.dirname(path.join(saved, rel)), { recursive: true });
      fs.writeFileSync(path.join(saved, rel), text);
    }
    findings.set(key, { problem, family: c.family, saved, count: 1 });
    out(`  problem #${findings.size} (${c.family}): ${problem.slice(0, 300)}\n    saved in ${saved}`);
  };

  out(`fuzz: ${runs} in-process cases, seed ${seed}`);
  const started = Date.now();
  let i = 0;
  const cases = fc.sample(anyCase, { numRuns: runs, seed });
  for (const c of cases) {
    i++;
    const r = convertCase(root, c);
    counts[r.outcome.kind]++;
    if (r.ms > slowest.ms) slowest = { ms: r.ms, family: c.family };
    if (r.problem) record(c, r.problem);
    if (i % 10 === 0) {
      cliRuns++;
      const cli = await cliCase(root, c);
      if (cli.problem) record(c, `CLI: ${cli.problem}`);
    }
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
    if (i % 1000 === 0) out(`  ${i} cases, ${Math.round((Date.now() - started) / 1000)} s`);
  }

  out(`fuzz: ${processRuns} pathological cases in a real process (heap cap ${PROCESS_HEAP_LIMIT_MB} MB, time limit ${PROCESS_TIME_LIMIT_MS} ms)`);
  let slowestProcess = { ms: 0, family: '' };
  const exits: Record<string, number> = {};
  for (const c of fc.sample(pathological, { numRuns: processRuns, seed: seed + 1 })) {
    const r = processCase(root, c);
    exits[String(r.code)] = (exits[String(r.code)] ?? 0) + 1;
    if (r.ms > slowestProcess.ms) slowestProcess = { ms: r.ms, family: c.family };
    if (r.problem) record(c, `process: ${r.problem}`);
  }
  root.cleanup();
  if (findings.size === 0) fs.rmSync(failuresDir, { recursive: true, force: true });

  out('');
  out(`in-process: ok ${counts.ok}, refused ${counts.refused}, rejected ${counts.rejected}, crashed ${counts.crashed}; slowest case ${Math.round(slowest.ms)} ms (${slowest.family}); peak heap ${Math.round(peakHeap / 2 ** 20)} MB; CLI runs ${cliRuns}`);
  out(`real process: exit codes ${JSON.stringify(exits)}; slowest ${slowestProcess.ms} ms (${slowestProcess.family})`);
  for (const [why, n] of known) out(`known (reported, not counted): ${n}× ${why}`);
  for (const f of findings.values()) out(`PROBLEM ${f.count}× (${f.family}): ${f.problem.slice(0, 300)} — see ${f.saved}`);
  out(`fuzz: ${runs + processRuns} cases (seed ${seed}), problems ${findings.size}, known ${[...known.values()].reduce((a, b) => a + b, 0)}, ${Math.round((Date.now() - started) / 1000)} s`);
  return findings.size > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`fuzz: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
