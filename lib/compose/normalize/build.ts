/** `build`: a string is the context; the long form's context resolves to an absolute path. */
import type { BuildSpec } from '../model';
import { dict, isObj, NormalizeContext, resolveHostPath, sortKeys, str } from './context';

/** Git URLs and other remote contexts are kept as written. */
export function isRemoteContext(s: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(s) || s.startsWith('git@') || s.startsWith('github.com/');
}

export function normalizeBuild(value: unknown, ctx: NormalizeContext): BuildSpec | undefined {
  if (value === undefined || value === null) return undefined;
  const long = isObj(value) ? value : { context: value };
  const written = str(long.context) ?? '.';
  const context = isRemoteContext(written) ? written : resolveHostPath(written, ctx.projectDirectory, ctx.lookup);
  const args: Record<string, string | null> = {};
  // A bare `KEY` takes the environment's value; Compose drops it when the environment lacks it.
  for (const [k, v] of Object.entries(dict(long.args))) {
    const value = v === null ? ctx.lookup(k) : v;
    if (value !== undefined) args[k] = value;
  }
  return {
    context,
    dockerfile: str(long.dockerfile) ?? 'Dockerfile',
    ...(str(long.target) ? { target: str(long.target) } : {}),
    args: sortKeys(args),
  };
}
