/**
 * `env_file` (string, list, long syntax {path, required, format}) read with the dotenv rules, and
 * `environment` (list or mapping; a bare `KEY` takes its value from the project environment, or
 * stays null when unset). The model keeps both the literal entries and the overlay of env_file
 * entries by the literal ones, like `docker compose config` shows.
 */
import { error } from '../../diagnostics';
import { parseDotenv } from '../dotenv';
import type { EnvFile } from '../model';
import { childPath } from '../source-map';
import { bool, dict, fail, isObj, NormalizeContext, resolveHostPath, sortKeys, str } from './context';

export function normalizeEnvFiles(value: unknown, at: string, ctx: NormalizeContext, what = 'env file'): EnvFile[] {
  const list = value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];
  const out: EnvFile[] = [];
  list.forEach((item, i) => {
    const p = Array.isArray(value) ? childPath(at, i) : at;
    let rel: string | undefined;
    let required = true;
    let format: string | undefined;
    if (isObj(item)) {
      rel = str(item.path);
      required = bool(item.required) ?? true;
      format = str(item.format);
    } else rel = str(item);
    if (!rel) return;
    const file = resolveHostPath(rel, ctx.projectDirectory, ctx.lookup);
    let text: string | undefined;
    try {
      text = ctx.readFile(file);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (required) {
        fail(
          ctx,
          p,
          code === 'ENOENT' ? `${what} ${file} not found` : `cannot read ${what} ${file} (${code ?? String(e)})`,
          'create the file, fix the path, or use the long syntax with "required: false"',
        );
      }
      out.push({ path: file, required, entries: {}, present: false });
      return;
    }
    let entries: Record<string, string> = {};
    if (format === 'raw') {
      for (const line of text.split(/\r?\n/)) {
        const eq = line.indexOf('=');
        if (line.trim() && !line.trimStart().startsWith('#') && eq > 0) entries[line.slice(0, eq).trim()] = line.slice(eq + 1);
      }
    } else {
      const r = parseDotenv(text, file, ctx.lookup);
      entries = r.entries;
      for (const d of r.diagnostics) ctx.diagnostics.push(d.severity === 'error' ? error(d.message, { ...d, path: p }) : d);
    }
    out.push({ path: file, required, entries: sortKeys(entries), present: true });
  });
  return out;
}

/** Resolves the literal `environment` (bare keys from the project environment). */
export function normalizeEnvironment(value: unknown, ctx: NormalizeContext): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const [k, v] of Object.entries(dict(value))) out[k] = v === null ? ctx.lookup(k) ?? null : v;
  return sortKeys(out);
}

/** env_file entries (in order, later files win) overlaid by the literal environment. */
export function mergeEnvironment(envFiles: readonly EnvFile[], literal: Record<string, string | null>): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const f of envFiles) Object.assign(out, f.entries);
  Object.assign(out, literal); // a bare KEY the environment lacks stays null, even over env_file
  return sortKeys(out);
}

/** `label_file` (string or list): dotenv-style files whose entries the literal `labels` override. */
export function labelFiles(value: unknown, at: string, ctx: NormalizeContext): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of normalizeEnvFiles(value, at, ctx, 'label file')) Object.assign(out, f.entries);
  return out;
}
