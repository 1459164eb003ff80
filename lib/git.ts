/**
 * The git commit of a folder, for the default image tag. Returns undefined outside a checkout or
 * when git is missing; never throws.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';

export function gitHeadSha(cwd: string): string | undefined {
  try {
    const out = execFileSync('git', ['rev-parse', 'HEAD'], { cwd, stdio: ['ignore', 'pipe', 'ignore'], encoding: 'utf8' }).trim();
    return /^[0-9a-f]{40,64}$/.test(out) ? out : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Why {@link gitHeadSha} found no commit: git is missing, no checkout, a checkout whose current
 * branch has no commit yet (a fresh `git init`), or a checkout git refuses to read because another
 * user owns it (git's `safe.directory` check, common in containers).
 */
export type GitHeadProblem = 'no-git' | 'no-checkout' | 'no-commit' | 'not-safe';

/** Why {@link gitHeadSha} finds no commit for `cwd`. */
export function gitHeadProblem(cwd: string): GitHeadProblem {
  if (!fs.existsSync(cwd)) return 'no-checkout';
  try {
    execFileSync('git', ['rev-parse', '--git-dir'], { cwd, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'no-git';
    return refusedAsUnsafe(e) ? 'not-safe' : 'no-checkout';
  }
  return gitHeadSha(cwd) === undefined ? 'no-commit' : 'no-checkout';
}

/** Whether a failed git command failed on git's `safe.directory` ownership check. */
export function refusedAsUnsafe(e: unknown): boolean {
  return /dubious ownership|safe\.directory/.test(String((e as { stderr?: unknown }).stderr ?? ''));
}

/** The root of the git checkout holding `cwd` (`git rev-parse --show-toplevel`); undefined outside one. */
export function gitToplevel(cwd: string): string | undefined {
  return gitOutput(cwd, ['rev-parse', '--show-toplevel']);
}

/** The URL of a remote (`git remote get-url <name>`), as the user configured it; undefined when there is none. */
export function gitRemoteUrl(cwd: string, remote = 'origin'): string | undefined {
  return gitOutput(cwd, ['remote', 'get-url', remote]);
}

function gitOutput(cwd: string, args: string[]): string | undefined {
  try {
    const out = execFileSync('git', args, { cwd, stdio: ['ignore', 'pipe', 'ignore'], encoding: 'utf8' }).trim();
    return out || undefined;
  } catch {
    return undefined;
  }
}
