/**
 * Writing output folders all at once.
 *
 * Files go to a staging folder next to the target (`.<name>.new-XXXXXX`); only when every file is
 * written is the old folder moved aside and the staging folder renamed into place. A failure
 * before that leaves the previous folder untouched. Several folders (dist/ and the chart) are all
 * staged before any is swapped, so a failure while writing the second leaves the first as it was.
 *
 * Between the two renames of a swap there is an instant with no target folder. A process killed
 * exactly then leaves the old folder in `.<name>.new-XXXXXX.old`; the next write (or `recoverDir`)
 * puts it back before doing anything else, and removes staging folders that killed runs left.
 * Two runs writing the same folder at the same moment are not supported.
 *
 * Only a folder the tool owns is replaced (see ownership.ts): each written folder gets a
 * `.compose-cdk8s` manifest listing its files, and every target is checked before anything is
 * staged. File system errors become plain errors naming the destination (exit 1).
 */
import * as fs from 'fs';
import * as path from 'path';
import { assertOwnedDir, makeDirs, OWNER_MARKER, ownerMarker, WriteGuard, writeFailure } from '../common/ownership';

/** A folder written to its staging place, waiting to be swapped in. */
export interface StagedDir {
  /** The folder it will replace. */
  readonly target: string;
  /** Swap it into place (the old folder is removed afterwards). */
  commit(): void;
  /** Throw it away, leaving the target as it was. */
  discard(): void;
}

const stagingPrefix = (target: string): string => `.${path.basename(target)}.new-`;

/**
 * Undo what a killed run left next to `dir`: restore the old folder if the run died between the
 * two renames of a swap, and remove its staging folders.
 */
export function recoverDir(dir: string): void {
  const target = path.resolve(dir);
  const parent = path.dirname(target);
  let entries: string[];
  try {
    entries = fs.readdirSync(parent).filter((n) => n.startsWith(stagingPrefix(target))).sort();
  } catch {
    return;
  }
  if (!fs.existsSync(target)) {
    const aside = entries.filter((n) => n.endsWith('.old')).pop();
    if (aside) {
      fs.renameSync(path.join(parent, aside), target);
      entries = entries.filter((n) => n !== aside);
    }
  }
  for (const n of entries) fs.rmSync(path.join(parent, n), { recursive: true, force: true });
}

/** A folder to write: its files (relative path → content) and the command that writes it. */
export interface DirToWrite {
  readonly dir: string;
  readonly files: Readonly<Record<string, string>>;
  /** For the `.compose-cdk8s` manifest (default `compose-cdk8s synth`). */
  readonly command?: string;
}

/**
 * Write `files` (relative path → content) to a staging folder for `dir`, with the ownership
 * manifest. The caller has checked that the tool may replace `dir` (assertOwnedDir).
 */
export function stageDir(dir: string, files: Readonly<Record<string, string>>, command = 'compose-cdk8s synth'): StagedDir {
  const target = path.resolve(dir);
  const parent = path.dirname(target);
  makeDirs(parent);
  recoverDir(target);
  files = { ...files, [OWNER_MARKER]: ownerMarker(Object.keys(files), command) };
  const staging = fs.mkdtempSync(path.join(parent, stagingPrefix(target)));
  const discard = (): void => fs.rmSync(staging, { recursive: true, force: true });
  try {
    // mkdtemp makes the folder 0700; give it the mode any new folder gets.
    fs.chmodSync(staging, 0o777 & ~process.umask());
    for (const rel of Object.keys(files).sort()) {
      const file = path.join(staging, rel);
      if (!file.startsWith(staging + path.sep)) throw new Error(`refusing to write outside the output folder: ${rel}`);
      makeDirs(path.dirname(file));
      fs.writeFileSync(file, files[rel]);
    }
  } catch (e) {
    discard();
    throw e;
  }
  return { target, commit: () => swapInto(staging, target), discard };
}

/**
 * Check that the tool owns every folder, stage every folder, then swap them all in; if any check
 * or staging fails, none is swapped. File system errors are thrown as plain ComposeErrors.
 */
export function writeDirsAtomic(dirs: readonly DirToWrite[], guard: WriteGuard = { cwd: process.cwd() }): void {
  for (const d of dirs) {
    const target = path.resolve(d.dir);
    try {
      recoverDir(target);
    } catch (e) {
      throw writeFailure(e, target, guard.cwd);
    }
    assertOwnedDir(target, Object.keys(d.files), guard);
  }
  const staged: StagedDir[] = [];
  let current = '';
  try {
    for (const d of dirs) {
      current = d.dir;
      staged.push(stageDir(d.dir, d.files, d.command));
    }
  } catch (e) {
    for (const s of staged) s.discard();
    throw writeFailure(e, current, guard.cwd);
  }
  for (const s of staged) {
    try {
      s.commit();
    } catch (e) {
      throw writeFailure(e, s.target, guard.cwd);
    }
  }
}

/** Replace `dir` (which the tool must own) with a folder holding exactly `files` (relative path → content). */
export function writeDirAtomic(dir: string, files: Readonly<Record<string, string>>, guard?: WriteGuard): void {
  writeDirsAtomic([{ dir, files }], guard);
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
    fs.rmSync(staging, { recursive: true, force: true });
    throw e;
  }
  fs.rmSync(old, { recursive: true, force: true });
}
