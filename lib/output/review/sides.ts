/**
 * The two sides of a diff as manifest sets: a folder read as it is, or a Compose project
 * synthesized in memory (the working copy, or a git ref unpacked by git-ref.ts).
 */
import * as fs from 'fs';
import * as path from 'path';
import { ComposeError, Diagnostic, error } from '../../diagnostics';
import { loadProject } from '../../compose';
import { Conversion, ConvertOptions, planConversion, planEnvironments } from '../../pipeline';
import { environmentFolders, manifestsGenerator } from '../render/generators';
import { conversionStamp } from '../common/inputs-stamp';
import { ManifestSet, parseManifestFiles, readManifestDir } from './manifest-set';

/** Parse files into a set; bad YAML or duplicate objects are errors. */
export function manifestSet(files: Readonly<Record<string, string>>): ManifestSet {
  const { set, diagnostics } = parseManifestFiles(files);
  if (diagnostics.length > 0) throw new ComposeError(diagnostics);
  return set;
}

/** The manifests in a folder (`*.yaml`, `*.yml`, recursively). */
export function folderSide(dir: string, shownAs = dir): ManifestSet {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new ComposeError(error(`folder ${shownAs} does not exist`, { hint: 'synthesize it first, or name another folder with --from / --to' }));
  }
  const files = readManifestDir(dir);
  try {
    return manifestSet(files);
  } catch (e) {
    if (e instanceof ComposeError) {
      throw new ComposeError(e.diagnostics.map((d): Diagnostic => (d.location ? { ...d, location: { ...d.location, file: path.join(dir, d.location.file) } } : d)));
    }
    throw e;
  }
}

/**
 * What synth would write for a project, in memory, with the inputs header: with declared
 * environments, one folder per environment (`<env>/...`), as synth writes them.
 */
export function synthesizedFiles(conversion: Conversion, environments: readonly Conversion[] = []): Record<string, string> {
  if (environments.length > 0) return environmentFolders(environments, {}, conversionStamp);
  const stamp = conversionStamp(conversion);
  return { ...manifestsGenerator.render(conversion, stamp, {}) };
}

/** Convert and synthesize a project in memory (every declared environment, as synth does). */
export function synthesizedSide(options: ConvertOptions): { conversion: Conversion; environments: Conversion[]; files: Record<string, string>; set: ManifestSet } {
  const project = loadProject(options);
  const conversion = planConversion(project, options);
  const environments = planEnvironments(project, options);
  const files = synthesizedFiles(conversion, environments);
  return { conversion, environments, files, set: manifestSet(files) };
}
