/**
 * The git commit of a folder, for the default image tag. Returns undefined outside a checkout or
 * when git is missing; never throws.
 */
import { execFileSync } from 'child_process';

export function gitHeadSha(cwd: string): string | undefined {
  try {
    const out = execFileSync('git', ['rev-parse', 'HEAD'], { cwd, stdio: ['ignore', 'pipe', 'ignore'], encoding: 'utf8' }).trim();
    return /^[0-9a-f]{40,64}$/.test(out) ? out : undefined;
  } catch {
    return undefined;
  }
}

/** Why {@link gitHeadSha} found no commit: git is missing, no checkout, or a checkout without a commit yet (a fresh `git init`). */
export type GitHeadProblem = 'no-git' | 'no-checkout' | 'no-commit';

/** Why {@link gitHeadSha} finds no commit for `cwd`. */
export function gitHeadProblem(cwd: string): GitHeadProblem {
  try {
    execFileSync('git', ['rev-parse', '--git-dir'], { cwd, stdio: ['ignore', 'ignore', 'ignore'] });
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no-git' : 'no-checkout';
  }
  return gitHeadSha(cwd) === undefined ? 'no-commit' : 'no-checkout';
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
