/**
 * Writing an output folder all at once: files go to a sibling staging folder first, which then
 * replaces the target by rename. A failure before the swap leaves the previous folder untouched.
 */
import * as fs from 'fs';
import * as path from 'path';

/** Replace `dir` with a folder holding exactly `files` (relative path → content). */
export function writeDirAtomic(dir: string, files: Readonly<Record<string, string>>): void {
  const target = path.resolve(dir);
  const parent = path.dirname(target);
  fs.mkdirSync(parent, { recursive: true });
  const staging = fs.mkdtempSync(path.join(parent, `.${path.basename(target)}.new-`));
  try {
    for (const rel of Object.keys(files).sort()) {
      const file = path.join(staging, rel);
      if (!file.startsWith(staging + path.sep)) throw new Error(`refusing to write outside the output folder: ${rel}`);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, files[rel]);
    }
    swapInto(staging, target);
  } catch (e) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw e;
  }
}

/** Move `staging` to `target`, keeping the old `target` until the new one is in place. */
function swapInto(staging: string, target: string): void {
  if (!fs.existsSync(target)) {
    fs.renameSync(staging, target);
    return;
  }
  const old = `${staging}.old`;
  fs.renameSync(target, old);
  try {
    fs.renameSync(staging, target);
  } catch (e) {
    fs.renameSync(old, target);
    throw e;
  }
  fs.rmSync(old, { recursive: true, force: true });
}
