/** Reading a folder the way tests compare outputs: every file, as text, by relative path. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** Every file under `dir` (relative path with `/` → its text), in name order. */
export function readTextTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(dir, p).split(path.sep).join('/')] = fs.readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

/** Writes `files` (relative path with `/` → text) under `dir`, making folders as needed; returns `dir`. */
export function writeTextTree(dir: string, files: Readonly<Record<string, string>>): string {
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

/** `files` in a fresh temporary folder named `<prefix>…` (outside any git checkout). */
export function tempTextTree(prefix: string, files: Readonly<Record<string, string>>): string {
  return writeTextTree(fs.mkdtempSync(path.join(os.tmpdir(), prefix)), files);
}
