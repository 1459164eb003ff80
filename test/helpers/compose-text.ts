/**
 * Load a Compose project from text held in memory (no files on disk): the real loader, so
 * implicit depends_on, container_name and source positions are what `synth` would see.
 */
import * as path from 'path';
import type { ComposeProject } from '../../lib/compose/model';
import { loadProject } from '../../lib/compose/load';

export const VIRTUAL_DIR = '/virtual/stack';

/** `files`: paths relative to the project folder → contents; `compose.yaml` is the Compose file. */
export function loadText(files: Record<string, string>, env: Record<string, string> = {}): ComposeProject {
  const byPath = new Map(Object.entries(files).map(([rel, text]) => [path.join(VIRTUAL_DIR, rel), text]));
  return loadProject({ files: ['compose.yaml'], env, cwd: VIRTUAL_DIR, projectName: 'stack' }, {
    readFile: (f) => {
      const text = byPath.get(f);
      if (text === undefined) throw Object.assign(new Error(`ENOENT: ${f}`), { code: 'ENOENT' });
      return text;
    },
    exists: (f) => byPath.has(f),
  });
}
