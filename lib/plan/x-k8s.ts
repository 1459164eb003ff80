/**
 * The top-level `x-k8s` extension block: Kubernetes-only settings kept in the Compose file,
 * which `docker compose` ignores. Read here with type checks and located errors.
 */
import type { ComposeProject } from '../compose/model';
import { ComposeError, Diagnostic, error } from '../diagnostics';
import type { XK8sTopLevel } from '../settings';

const STRING_KEYS = ['registry', 'tag', 'namespace', 'pullSecret'] as const;
const BOOLEAN_KEYS = ['shortSha'] as const;
const KNOWN = new Set<string>([...STRING_KEYS, ...BOOLEAN_KEYS]);

export function readTopLevelXK8s(project: ComposeProject): XK8sTopLevel {
  const block = project.extensions['x-k8s'];
  if (block === undefined || block === null) return {};
  const problems: Diagnostic[] = [];
  if (typeof block !== 'object' || Array.isArray(block)) {
    throw new ComposeError(error('x-k8s must be a mapping', { path: 'x-k8s', location: project.sourceMap.nearest('x-k8s') }));
  }
  const input = block as Record<string, unknown>;
  const out: Record<string, string | boolean> = {};
  for (const key of Object.keys(input)) {
    const path = `x-k8s.${key}`;
    const location = project.sourceMap.nearest(path);
    const value = input[key];
    if (!KNOWN.has(key)) {
      problems.push(error(`unknown key "${key}"`, { path, location, hint: `known keys: ${[...KNOWN].join(', ')}` }));
    } else if ((STRING_KEYS as readonly string[]).includes(key)) {
      if (typeof value !== 'string' && typeof value !== 'number') problems.push(error('must be a string', { path, location }));
      else out[key] = String(value);
    } else if (typeof value !== 'boolean') {
      problems.push(error('must be true or false', { path, location }));
    } else {
      out[key] = value;
    }
  }
  if (problems.length > 0) throw new ComposeError(problems);
  return out as XK8sTopLevel;
}
