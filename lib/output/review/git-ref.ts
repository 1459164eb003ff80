/**
 * The files of a git ref, in a temporary folder, for `diff --base <ref>`.
 *
 * Uses `git archive` (the tree of the commit, as committed) unpacked by `tar`: read-only for the
 * user's repository — no checkout, no worktree, no change to the working tree, the index or refs.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ComposeError, error } from '../../diagnostics';
import { refusedAsUnsafe } from '../../git';
import { fileSystemReason } from '../common/ownership';

export interface RefTree {
  /** The commit the ref names (full sha). */
  readonly commit: string;
  /** Root of the unpacked tree (the repository root at that commit). */
  readonly root: string;
  /** The repository root of the working copy the ref was read from. */
  readonly repoRoot: string;
  /** Where a path of the working copy lives in the unpacked tree (paths outside the repo are kept). */
  map(p: string): string;
  /** Remove the temporary folder. */
  dispose(): void;
}

function git(args: string[], cwd: string): string {
  return execFileSync('git', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }).trim();
}

/** The real path of `p`, resolving symlinks of its nearest existing ancestor (p may not exist). */
function realpathNearest(p: string): string {
  let dir = p;
  const rest: string[] = [];
  while (!fs.existsSync(dir)) {
    const parent = path.dirname(dir);
    if (parent === dir) return p;
    rest.unshift(path.basename(dir));
    dir = parent;
  }
  return path.join(fs.realpathSync(dir), ...rest);
}

/**
 * The scratch folders of `diff --base`: `compose-cdk8s-base-<pid>-XXXXXX` in the system's temporary
 * folder, holding a MARKER file and the ref's files under `tree/`. A run removes its own when it
 * ends; one that was killed cannot, so each run first removes such folders that are
 * - named so, with the marker (or empty: killed before writing it), and the current user's;
 * - at least LEFT_OVER_AFTER_MS old (a run takes seconds; this also spares a live run of another
 *   PID namespace sharing the folder, whose process this one cannot see);
 * - of a process that no longer exists (a run that was PID 1 of its container leaves its folder
 *   for good: that pid always exists).
 * Ownership is checked where the system has user ids (not on Windows, whose temporary folder is the user's own).
 * Anything else, including the folders of older versions (named without a pid), is left alone.
 */
const SCRATCH = /^compose-cdk8s-base-(\d+)-[A-Za-z0-9]{6}$/;
const MARKER = '.compose-cdk8s-diff-base';
export const LEFT_OVER_AFTER_MS = 60 * 60 * 1000;

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // someone else's process
  }
}

/** Removes the scratch folders of killed `diff --base` runs in `tmp` (see SCRATCH); never throws. */
export function removeLeftOverExports(tmp: string, now = Date.now()): void {
  let names: string[];
  try {
    names = fs.readdirSync(tmp);
  } catch {
    return;
  }
  for (const name of names) {
    const m = SCRATCH.exec(name);
    if (!m || Number(m[1]) === process.pid) continue;
    const dir = path.join(tmp, name);
    try {
      const st = fs.lstatSync(dir);
      if (!st.isDirectory() || (typeof process.getuid === 'function' && st.uid !== process.getuid())) continue;
      const entries = fs.readdirSync(dir);
      const since = entries.includes(MARKER) ? fs.lstatSync(path.join(dir, MARKER)).mtimeMs : entries.length === 0 ? st.mtimeMs : undefined;
      if (since === undefined || now - since < LEFT_OVER_AFTER_MS || processExists(Number(m[1]))) continue;
      fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      // unreadable or gone meanwhile: not ours to insist on
    }
  }
}

/**
 * A new scratch folder in the system's temporary folder for the files of `ref` (see SCRATCH), after
 * removing those killed runs left; a plain error when there is none to be had.
 */
function temporaryFolder(ref: string): string {
  const tmp = os.tmpdir();
  removeLeftOverExports(tmp);
  let dir: string | undefined;
  try {
    dir = fs.mkdtempSync(path.join(tmp, `compose-cdk8s-base-${process.pid}-`));
    fs.writeFileSync(path.join(dir, MARKER), `compose-cdk8s diff --base ${ref}: removed when the run ends\n`);
    return dir;
  } catch (e) {
    if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
    const why = fileSystemReason(e, tmp)?.why ?? (e as Error).message;
    throw new ComposeError(error(`cannot make a temporary folder for the files of ${ref}: ${why}`, {
      hint: 'set TMPDIR to a folder you can write to, or use --from <dir> to compare with a folder instead',
    }));
  }
}

/** Unpack `ref` of the repository containing `cwd` into a temporary folder. Throws ComposeError. */
export function exportRef(ref: string, cwd: string): RefTree {
  if (ref === '' || ref.startsWith('-') || /[\0\s]/.test(ref)) {
    throw new ComposeError(error(`"${ref}" is not a git ref`, { hint: 'pass a branch, tag or commit, e.g. --base origin/main' }));
  }
  let repoRoot: string;
  try {
    repoRoot = fs.realpathSync(git(['rev-parse', '--show-toplevel'], cwd));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new ComposeError(error('--base needs git, and git is not installed', { hint: 'install git, or use --from <dir> to compare with a folder instead' }));
    }
    if (refusedAsUnsafe(e)) {
      throw new ComposeError(error(`--base needs git, and git refuses to read the repository of ${cwd}, which another user owns`, {
        hint: 'trust it with git config --global --add safe.directory <the repository root>, or use --from <dir> to compare with a folder instead',
      }));
    }
    throw new ComposeError(error(`--base needs a git repository, and ${cwd} is not in one`, { hint: 'use --from <dir> to compare with a folder instead' }));
  }
  let commit: string;
  try {
    commit = git(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`], repoRoot);
  } catch {
    throw new ComposeError(error(`git ref "${ref}" does not name a commit in ${repoRoot}`, {
      hint: 'fetch it first (in GitHub Actions: actions/checkout with fetch-depth: 0)',
    }));
  }
  const scratch = temporaryFolder(ref);
  const root = path.join(scratch, 'tree');
  const tarFile = path.join(scratch, 'base.tar');
  try {
    fs.mkdirSync(root);
    git(['archive', '--format=tar', `--output=${tarFile}`, commit], repoRoot);
    execFileSync('tar', ['-xf', tarFile, '-C', root], { stdio: ['ignore', 'ignore', 'pipe'] });
    fs.rmSync(tarFile, { force: true });
  } catch (e) {
    fs.rmSync(scratch, { recursive: true, force: true });
    const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new ComposeError(error(`could not read the files of ${ref}: ${msg}`));
  }
  return {
    commit,
    root,
    repoRoot,
    map: (p: string): string => {
      const abs = path.resolve(p);
      const rel = path.relative(repoRoot, realpathNearest(abs));
      return rel.startsWith('..') || path.isAbsolute(rel) ? abs : path.join(root, rel);
    },
    // The tree first: a run killed meanwhile leaves the marker, so the next run still knows the folder.
    dispose: () => {
      fs.rmSync(root, { recursive: true, force: true });
      fs.rmSync(scratch, { recursive: true, force: true });
    },
  };
}
