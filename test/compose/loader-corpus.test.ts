/**
 * Every YAML file of the shared corpus (read in place, not copied) either loads or fails with a
 * ComposeError: the loader never lets a raw exception escape for bad input.
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadProject } from '../../lib/compose';
import { ComposeError } from '../../lib/diagnostics';

const candidates = [path.resolve(__dirname, '../../../shared/corpus'), '/work/shared/corpus'];
const corpus = candidates.find((c) => fs.existsSync(c));

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...yamlFiles(p));
    else if (/\.ya?ml$/.test(e.name)) out.push(p);
  }
  return out.sort();
}

(corpus ? describe : describe.skip)('corpus', () => {
  test('no crashes; most files load', () => {
    const files = yamlFiles(corpus!);
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
    const f = yamlFiles(corpus!).find((x) => x.endsWith('awesome-compose/react-express-mongodb/compose.yaml'));
    if (!f) return;
    const a = loadProject({ files: [f], env: {}, cwd: path.dirname(f) });
    const b = loadProject({ files: [f], env: {}, cwd: path.dirname(f) });
    expect(JSON.stringify({ ...a, sourceMap: undefined })).toBe(JSON.stringify({ ...b, sourceMap: undefined }));
  });
});
