/**
 * Run the CLI in-process (fast) or as a real process (exit code, no stack trace).
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { run } from '../../lib/cli/main';

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * A clean environment: nothing from the developer's shell leaks into a test. TMPDIR is the test
 * run's own temporary folder (test/global-setup.js), removed at the end of the run.
 */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...(process.env.TMPDIR ? { TMPDIR: process.env.TMPDIR } : {}), ...extra };
}

export async function runCli(argv: string[], opts: { cwd: string; env?: Record<string, string> }): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, {
    stdout: (t) => { stdout += t; },
    stderr: (t) => { stderr += t; },
    env: opts.env ?? cleanEnv(),
    cwd: opts.cwd,
  });
  return { code, stdout, stderr };
}

export const BIN = path.resolve(__dirname, '..', '..', 'bin', 'compose-cdk8s.js');

/** Run bin/compose-cdk8s.js as a child process. */
export function spawnCli(argv: string[], opts: { cwd: string; env?: Record<string, string> }): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...argv], { cwd: opts.cwd, env: opts.env ?? cleanEnv(), encoding: 'utf8', timeout: 60000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
