/**
 * Running one fuzz case: write its files into a fresh folder, convert it in-process (classified
 * like the corpus: ok / refused / rejected / crashed, with the Kubernetes schema check), or run it
 * through the CLI (in-process `run`, or the real process with a memory cap and a time limit), and
 * say what is wrong with the result, if anything.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { run } from '../../lib/cli/main';
import { convertOne, FIXED_SHA, Outcome } from '../corpus/convert-one';
import { BIN } from '../helpers/cli';
import type { FuzzCase } from './arbitraries';

/** Per-case limits: generous for a loaded CI machine, far below what an expanded bomb needs. */
export const CASE_TIME_LIMIT_MS = 5000;
export const PROCESS_TIME_LIMIT_MS = 20000;
export const PROCESS_HEAP_LIMIT_MB = 256;

export class FuzzRoot {
  readonly dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fuzz-')));
  private n = 0;

  /** Write the case into a new folder; returns the folder. */
  materialize(c: FuzzCase): string {
    const dir = path.join(this.dir, String(++this.n));
    for (const [rel, text] of Object.entries(c.files)) {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), text);
    }
    return dir;
  }

  drop(dir: string): void {
    fs.rmSync(dir, { recursive: true, force: true });
  }

  cleanup(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface CaseResult {
  readonly outcome: Outcome;
  /** CPU milliseconds the conversion took. */
  readonly ms: number;
  /** What is wrong (crash, schema-invalid output, too slow); undefined when fine. */
  readonly problem?: string;
}

let warmed = false;
/**
 * Converts one small stack once, untimed, so the time limit measures a case and not the first
 * load of the converter and the schema oracle (seconds on a loaded 2-core machine).
 */
function warmUp(root: FuzzRoot): void {
  if (warmed) return;
  warmed = true;
  const dir = root.materialize({ family: 'warm-up', files: { 'compose.yaml': 'services:\n  web:\n    image: nginx:1.27\n    ports: ["80:80"]\n' } });
  try {
    convertOne({ files: [path.join(dir, 'compose.yaml')], cwd: dir, env: { HOME: '/home/user' } });
  } finally {
    root.drop(dir);
  }
}

/** Convert in-process; a problem is a crash, schema-invalid output, or a case over the time limit. */
export function convertCase(root: FuzzRoot, c: FuzzCase, opts: { skipSchema?: boolean } = {}): CaseResult {
  warmUp(root);
  const dir = root.materialize(c);
  try {
    // CPU time of this process, not wall time: the bound is on the converter's work (an alias or
    // merge bomb must be refused, not expanded), and other processes on a loaded machine must not
    // move it.
    const start = process.cpuUsage();
    const outcome = convertOne({ files: [path.join(dir, 'compose.yaml')], cwd: dir, env: { HOME: '/home/user', A: 'from-env' }, skipSchema: opts.skipSchema });
    const used = process.cpuUsage(start);
    const ms = (used.user + used.system) / 1000;
    let problem: string | undefined;
    if (outcome.kind === 'crashed') problem = `crashed: ${outcome.detail}`;
    else if (ms > CASE_TIME_LIMIT_MS) problem = `took ${Math.round(ms)} ms (limit ${CASE_TIME_LIMIT_MS} ms)`;
    else if ((outcome.kind === 'rejected' || outcome.kind === 'refused') && !outcome.diagnostics?.some((d) => d.severity === 'error' && d.location && d.location.line >= 1)) {
      problem = `${outcome.kind} without file:line: ${outcome.detail}`;
    }
    return { outcome, ms, ...(problem ? { problem } : {}) };
  } finally {
    root.drop(dir);
  }
}

/** Text a user must never see: a JavaScript stack frame. */
const STACK_FRAME = /^\s+at .+(\(.*:\d+:\d+\)|:\d+:\d+)$/m;

/** What the user sees from the CLI: exit 0 or 1, no stack trace, no "internal error". */
export function cliProblem(code: number | null, stderr: string, signal?: string | null): string | undefined {
  if (signal) return `killed by ${signal}`;
  if (code !== 0 && code !== 1) return `exit code ${code}`;
  if (STACK_FRAME.test(stderr)) return `stack trace shown: ${stderr.slice(0, 400)}`;
  if (/internal error/.test(stderr)) return `internal error: ${stderr.slice(0, 400)}`;
  if (code === 1 && !/\S/.test(stderr)) return 'exit 1 without a message';
  return undefined;
}

/** `compose-cdk8s synth` in-process on the case. */
export async function cliCase(root: FuzzRoot, c: FuzzCase): Promise<{ code: number; stderr: string; problem?: string }> {
  const dir = root.materialize(c);
  try {
    let stderr = '';
    const code = await run(['synth', '-o', 'dist', '--sha', FIXED_SHA], {
      stdout: () => undefined,
      stderr: (t) => {
        stderr += t;
      },
      env: { HOME: '/home/user', A: 'from-env' },
      cwd: dir,
    });
    const problem = cliProblem(code, stderr);
    return { code, stderr, ...(problem ? { problem } : {}) };
  } finally {
    root.drop(dir);
  }
}

/** The real `compose-cdk8s synth` with a heap cap and a time limit: bounded in time and memory. */
export function processCase(root: FuzzRoot, c: FuzzCase): { code: number | null; ms: number; stderr: string; problem?: string } {
  const dir = root.materialize(c);
  try {
    const start = Date.now();
    const r = spawnSync(process.execPath, [`--max-old-space-size=${PROCESS_HEAP_LIMIT_MB}`, BIN, 'synth', '--sha', FIXED_SHA], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/home/user' },
      encoding: 'utf8',
      timeout: PROCESS_TIME_LIMIT_MS,
      killSignal: 'SIGKILL',
    });
    const ms = Date.now() - start;
    const problem = r.error && (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT' ? `no answer within ${PROCESS_TIME_LIMIT_MS} ms` : cliProblem(r.status, r.stderr ?? '', r.signal);
    return { code: r.status, ms, stderr: r.stderr ?? '', ...(problem ? { problem } : {}) };
  } finally {
    root.drop(dir);
  }
}
