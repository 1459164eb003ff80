/**
 * Host names of renamed services, rewritten before planning: a Compose service whose name is not
 * a valid Kubernetes name (`my_api`) gets a Service named `my-api`, so references to it in
 * `environment` and `env_file` values (`http://my_api:8000`) are rewritten to the new name, one
 * warning per variable (naming the variable, never its value: it may be a secret).
 */
import type { ComposeProject, ComposeService } from '../compose/model';
import { Diagnostic, warning } from '../diagnostics';
import { compareStrings } from '../order';
import type { KeyDecision } from './model';
import { rewriteHostnames, servicePath, toDns1035 } from './names';

/** Compose name → Kubernetes Service name, for every service whose name had to change. */
export function renamedServices(project: ComposeProject): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of Object.keys(project.services).sort(compareStrings)) {
    const k8s = toDns1035(name);
    if (k8s !== name) out.set(name, k8s);
  }
  return out;
}

function rewriteRecord<T extends string | null>(
  record: Readonly<Record<string, T>>,
  renames: ReadonlyMap<string, string>,
  onRewrite: (key: string, replaced: string[]) => void,
): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [key, value] of Object.entries(record)) {
    if (typeof value !== 'string') {
      out[key] = value;
      continue;
    }
    const r = rewriteHostnames(value, renames);
    if (r.replaced.length > 0) onRewrite(key, r.replaced);
    out[key] = r.value as T;
  }
  return out;
}

/**
 * Services with references to renamed services' hostnames rewritten in `environment` and
 * `env_file` values (`http://my_api:8000` → `http://my-api:8000`), one warning per variable. The
 * warning names the variable, never its value (it may be a secret).
 */
export function prepareServices(project: ComposeProject, warnings: Diagnostic[], decisions: KeyDecision[] = []): Record<string, ComposeService> {
  const renames = renamedServices(project);
  if (renames.size === 0) return { ...project.services };
  const out: Record<string, ComposeService> = {};
  for (const name of Object.keys(project.services).sort(compareStrings)) {
    const s = project.services[name];
    const seen = new Set<string>();
    const note = (key: string, replaced: string[]): void => {
      if (seen.has(key)) return;
      seen.add(key);
      const path = servicePath(name, 'environment', key);
      const message = `${key}: host name ${replaced.map((r) => `"${r}" → "${renames.get(r)}"`).join(', ')} rewritten to the Kubernetes Service name`;
      warnings.push(warning(message, { path, location: project.sourceMap.nearest(path) }));
      decisions.push({ path, status: 'mapped', reason: message });
    };
    out[name] = {
      ...s,
      environment: rewriteRecord(s.environment, renames, note),
      literalEnvironment: rewriteRecord(s.literalEnvironment, renames, () => undefined),
      envFiles: s.envFiles.map((f) => ({ ...f, entries: rewriteRecord(f.entries, renames, note) })),
    };
  }
  return out;
}
