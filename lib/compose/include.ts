/**
 * `include`: other Compose projects (short: a path; long: {path, project_directory, env_file})
 * loaded with their own project directory and `.env`, their resources added to this file.
 * A resource defined both here and in an included project is an error, as in Compose.
 */
import * as path from 'path';
import type { Diagnostic } from '../diagnostics';
import { error } from '../diagnostics';
import type { LoadedFile } from './loaded-file';
import { setOwn } from './parse';
import { childPath } from './source-map';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

export interface IncludeRequest {
  readonly files: string[];
  readonly projectDirectory: string;
  /** Explicit env files (absolute); undefined means `<projectDirectory>/.env` when present. */
  readonly envFiles?: string[];
  /** Model path of the include entry, for messages. */
  readonly at: string;
}

export type LoadIncluded = (req: IncludeRequest, from: LoadedFile) => LoadedFile | undefined;

const RESOURCE_KINDS = ['services', 'volumes', 'networks', 'secrets', 'configs'] as const;

const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : []);

export function processInclude(lf: LoadedFile, loadIncluded: LoadIncluded, diagnostics: Diagnostic[]): void {
  const entries = lf.data.include;
  if (!Array.isArray(entries)) return;
  const dir = path.dirname(lf.file);
  const data: Obj = { ...lf.data };
  delete data.include;
  entries.forEach((entry, i) => {
    const at = childPath('include', i);
    const spec = typeof entry === 'string' ? { path: entry } : isObj(entry) ? entry : {};
    const files = list(spec.path).map((p) => path.resolve(dir, p));
    if (files.length === 0) return;
    const projectDirectory = typeof spec.project_directory === 'string' ? path.resolve(dir, spec.project_directory) : path.dirname(files[0]);
    const envFiles = spec.env_file !== undefined ? list(spec.env_file).map((p) => path.resolve(dir, p)) : undefined;
    const included = loadIncluded({ files, projectDirectory, envFiles, at }, lf);
    if (!included) return;
    for (const kind of RESOURCE_KINDS) {
      const theirs = included.data[kind];
      if (!isObj(theirs)) continue;
      const ours: Obj = isObj(data[kind]) ? { ...(data[kind] as Obj) } : {};
      for (const [name, value] of Object.entries(theirs)) {
        if (Object.prototype.hasOwnProperty.call(ours, name)) {
          if (JSON.stringify(ours[name]) === JSON.stringify(value)) continue;
          const p = childPath(kind, name);
          diagnostics.push(
            error(`${kind}.${name} is defined both here and in the included ${included.file}`, {
              path: p,
              location: lf.sourceMap.locate(p) ?? lf.sourceMap.locate(at),
              hint: 'rename one of them, or use extends / an override file instead of include',
            }),
          );
          continue;
        }
        setOwn(ours, name, value);
        lf.sourceMap.graft(included.sourceMap, childPath(kind, name), childPath(kind, name));
      }
      data[kind] = ours;
    }
  });
  lf.data = data;
}
