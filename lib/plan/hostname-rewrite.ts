/**
 * Host names of renamed services, rewritten before planning: a Compose service whose name is not
 * a valid Kubernetes name (`my_api`) gets a Service named `my-api`, so references to it in
 * `environment` and `env_file` values (`http://my_api:8000`) are rewritten to the new name, one
 * warning per variable (naming the variable, never its value: it may be a secret). Where the old
 * name stays as written (commands, and files mounted from ConfigMaps), each use is warned about
 * after storage is planned (`unrewrittenHostMentions`).
 */
import * as fs from 'fs';
import * as path from 'path';
import type { ComposeProject, ComposeService } from '../compose/model';
import { Diagnostic, SourceLocation, warning } from '../diagnostics';
import type { ConfigMapEntry } from './file-refs';
import { compareStrings } from '../order';
import type { KeyDecision } from './model';
import { hostnameIndex, rewriteHostnames, servicePath, toDns1035 } from './names';

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

/** `"my_api" → "my-api"` for each renamed host `value` mentions (rewriteHostnames' rule), or undefined. */
function mentions(value: string, renames: ReadonlyMap<string, string>): string[] | undefined {
  const { replaced } = rewriteHostnames(value, renames);
  return replaced.length > 0 ? replaced : undefined;
}

function hostList(replaced: readonly string[], renames: ReadonlyMap<string, string>): string {
  return replaced.map((r) => `"${r}" (the Service "${renames.get(r)}" in the cluster)`).join(', ');
}

function renameHint(replaced: readonly string[], renames: ReadonlyMap<string, string>, where: string): string {
  return `rename the service${replaced.length > 1 ? 's' : ''} in the Compose file to ${replaced.map((r) => `"${renames.get(r)}"`).join(', ')} (a name Compose and Kubernetes both accept), or write the new name in ${where}`;
}

/** Line and column (1-based) of the first renamed host in `text`. */
function firstMention(text: string, replaced: readonly string[]): { line: number; col: number } {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const cols = replaced.map((r) => hostnameIndex(lines[i], r)).filter((c) => c !== -1);
    if (cols.length > 0) return { line: i + 1, col: Math.min(...cols) + 1 };
  }
  return { line: 1, col: 1 };
}

/** The file a ConfigMap key was read from (a single file, or a file in a folder). */
function fileOfKey(entry: ConfigMapEntry, key: string): string {
  const item = entry.items.find((i) => i.key === key);
  if (item) return path.join(entry.source, item.path);
  try {
    return fs.statSync(entry.source).isDirectory() ? path.join(entry.source, key) : entry.source;
  } catch {
    return entry.source;
  }
}

/**
 * Where a renamed service's old host name is still used and is not rewritten: in `command`,
 * `entrypoint` and `healthcheck.test` (run as written), and in the files and inline configs that
 * become ConfigMaps (mounted as written). Kubernetes never resolves the old name (an underscore or
 * a capital is not valid in a Service name), so each is a warning, at the key or at the line of the
 * file, with the two ways to make it work.
 */
export function unrewrittenHostMentions(project: ComposeProject, configMaps: readonly ConfigMapEntry[]): Diagnostic[] {
  const renames = renamedServices(project);
  if (renames.size === 0) return [];
  const out: Diagnostic[] = [];
  for (const name of Object.keys(project.services).sort(compareStrings)) {
    const s = project.services[name];
    const keys: [string, string[], readonly string[] | undefined][] = [
      ['command', ['command'], s.command], ['entrypoint', ['entrypoint'], s.entrypoint], ['healthcheck', ['healthcheck', 'test'], s.healthcheck?.test],
    ];
    for (const [key, keyPath, words] of keys) {
      const replaced = words ? mentions(words.join(' '), renames) : undefined;
      if (!replaced) continue;
      const at = servicePath(name, ...keyPath);
      out.push(warning(`${key} of ${name} names host ${hostList(replaced, renames)}: it runs as written, so the old name will not resolve in the cluster`, {
        path: at, hint: renameHint(replaced, renames, `the ${key}`),
      }));
    }
  }
  for (const entry of configMaps) {
    for (const key of Object.keys(entry.plan.data).sort(compareStrings)) {
      const text = entry.plan.data[key];
      const replaced = mentions(text, renames);
      if (!replaced) continue;
      const inline = entry.source.startsWith('config:') ? entry.source.slice('config:'.length) : undefined;
      const at = inline !== undefined ? `configs.${inline}` : undefined;
      const file = inline === undefined ? fileOfKey(entry, key) : undefined;
      // A file's line is its own; a key path is located by planProject like every other.
      const location: SourceLocation | undefined = file !== undefined ? { file, ...firstMention(text, replaced) } : undefined;
      const what = inline !== undefined ? `config ${inline}` : path.relative(project.projectDirectory, file!) || file!;
      out.push(warning(`${what} names host ${hostList(replaced, renames)}: the ConfigMap ${entry.plan.name} holds it as written, so the old name will not resolve in the cluster`, {
        ...(at ? { path: at } : {}), ...(location ? { location } : {}), hint: renameHint(replaced, renames, inline !== undefined ? 'the config' : 'the file'),
      }));
    }
  }
  return out;
}
