/** Test helpers for the loader: tmp projects on disk and a bare normalize context. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadProject, LoadOptions } from '../../lib/compose';
import type { ComposeProject } from '../../lib/compose/model';
import type { Diagnostic } from '../../lib/diagnostics';
import type { NormalizeContext } from '../../lib/compose/normalize/context';
import { MutableSourceMap } from '../../lib/compose/source-map';
import { composeErrorsOf } from '../helpers/errors';

/** Writes `files` (relative path -> content) into a fresh tmp dir and returns its path. */
export function tmpProject(files: Record<string, string>): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'loader-')));
  for (const [rel, content] of Object.entries(files)) {
    const p = path.join(dir, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, content);
  }
  return dir;
}

export function load(dir: string, opts: Partial<LoadOptions> = {}): ComposeProject {
  return loadProject({ env: {}, cwd: dir, ...opts });
}

/** Loads and expects a ComposeError; returns its diagnostics. */
export function loadErrors(dir: string, opts: Partial<LoadOptions> = {}): readonly Diagnostic[] {
  return composeErrorsOf(() => load(dir, opts));
}

export function bareContext(over: Partial<NormalizeContext> = {}): NormalizeContext {
  return {
    projectDirectory: '/proj',
    projectName: 'proj',
    lookup: (n) => ({ HOME: '/home/me' } as Record<string, string>)[n],
    sourceMap: new MutableSourceMap(),
    diagnostics: [],
    readFile: () => {
      throw Object.assign(new Error('nope'), { code: 'ENOENT' });
    },
    exists: () => false,
    ...over,
  };
}
