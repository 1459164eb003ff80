/** Helpers for the robustness tests: tmp projects and byte-exact folder snapshots. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { writeTextTree } from '../helpers/tree';

const created: string[] = [];

/** Remove every folder tmpProject made (call from afterAll). */
export function removeTmpProjects(): void {
  for (const d of created.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

export function tmpProject(files: Record<string, string>, prefix = 'robust-'): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
  created.push(dir);
  writeTextTree(dir, files);
  return dir;
}

/** Every file under `dir` (relative path → bytes as base64), or undefined when `dir` is missing. */
export function snapshotDir(dir: string): Record<string, string> | undefined {
  if (!fs.existsSync(dir)) return undefined;
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(dir, p).split(path.sep).join('/')] = fs.readFileSync(p).toString('base64');
    }
  };
  walk(dir);
  return out;
}

/** Names in `dir` that look like a leftover staging folder of writeDirAtomic (`.<name>.new-*`). */
export function leftovers(dir: string): string[] {
  return fs.readdirSync(dir).filter((n) => /^\..*\.new-/.test(n)).sort();
}
