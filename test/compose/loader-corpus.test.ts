/**
 * Every YAML file of the corpus either loads or fails with a ComposeError: the loader never lets a
 * raw exception escape for bad input. The corpus is test/fixtures/corpus (always there), plus the
 * full shared corpus in ../shared/corpus when it sits next to the repository (read in place).
 */
import * as path from 'path';
import { loadProject } from '../../lib/compose';
import { ComposeError } from '../../lib/diagnostics';

import { sharedCorpusDir } from '../corpus/corpus-files';
import { fixturePath, yamlFiles } from '../helpers/paths';

const roots = [fixturePath('corpus'), ...(sharedCorpusDir() ? [sharedCorpusDir()!] : [])];

describe('corpus', () => {
  test('no crashes; most files load', () => {
    const files = roots.flatMap(yamlFiles);
    expect(files.length).toBeGreaterThan(50);
    let ok = 0;
    const crashes: string[] = [];
    const acceptedInvalid: string[] = [];
    for (const f of files) {
      try {
        loadProject({ files: [f], env: { HOME: '/home/test' }, cwd: path.dirname(f) });
        ok++;
        if (f.includes('/compose-go-invalid/')) acceptedInvalid.push(f);
      } catch (e) {
        if (!(e instanceof ComposeError)) crashes.push(`${f}: ${String(e)}`);
        else expect(e.diagnostics.length).toBeGreaterThan(0);
      }
    }
    expect(crashes).toEqual([]);
    expect(acceptedInvalid).toEqual([]); // compose-go's rejected files: cycles, empty file
    expect(ok / files.length).toBeGreaterThan(0.6); // the rest are fragments, non-Compose YAML, missing env files
  });

  test('loading is deterministic', () => {
    const f = fixturePath('corpus', 'awesome-compose', 'react-express-mongodb', 'compose.yaml');
    const a = loadProject({ files: [f], env: {}, cwd: path.dirname(f) });
    const b = loadProject({ files: [f], env: {}, cwd: path.dirname(f) });
    expect(JSON.stringify({ ...a, sourceMap: undefined })).toBe(JSON.stringify({ ...b, sourceMap: undefined }));
  });
});
