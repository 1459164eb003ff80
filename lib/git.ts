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
