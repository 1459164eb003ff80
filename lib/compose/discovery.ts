/**
 * Which files to load: `-f` flags, else `COMPOSE_FILE` (split on `COMPOSE_PATH_SEPARATOR`, default
 * `:`), else the first of compose.yaml, compose.yml, docker-compose.yaml, docker-compose.yml in the
 * working directory or its parents, plus its `.override.` sibling when present.
 */
import * as path from 'path';

export const DEFAULT_FILE_NAMES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'] as const;

export function splitComposeFileVar(value: string, separator: string | undefined): string[] {
  const sep = separator && separator.length > 0 ? separator : path.delimiter;
  return value.split(sep).filter((s) => s.length > 0);
}

/** Default discovery from `cwd` upwards. Returns absolute paths, or [] when nothing is found. */
export function discoverFiles(cwd: string, exists: (p: string) => boolean): string[] {
  let dir = path.resolve(cwd);
  for (;;) {
    for (const name of DEFAULT_FILE_NAMES) {
      const candidate = path.join(dir, name);
      if (!exists(candidate)) continue;
      const ext = path.extname(name);
      const base = name.slice(0, -ext.length);
      const overrides = [`${base}.override.yaml`, `${base}.override.yml`].map((n) => path.join(dir, n)).filter(exists);
      return [candidate, ...overrides.slice(0, 1)];
    }
    const parent = path.dirname(dir);
    if (parent === dir) return [];
    dir = parent;
  }
}
