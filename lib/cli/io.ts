/**
 * What a CLI command may touch: its output streams, environment and working directory. Commands
 * receive this instead of reading globals, so tests run them in-process.
 */
export interface CliIO {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

/** The real process's IO. */
export function processIO(): CliIO {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    cwd: process.cwd(),
  };
}

/** Exit codes: 0 success, 1 user error (bad input or flags), 2 "different" (diff/check). */
export const EXIT_OK = 0;
export const EXIT_ERROR = 1;
export const EXIT_DIFFERENT = 2;

/** Thrown by commands that end with a specific exit code (e.g. 2 for "different"). */
export class ExitCode extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}
