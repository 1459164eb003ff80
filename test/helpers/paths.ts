/**
 * Where tests find what they read: the repository itself, or `../shared` next to the repository
 * root. Nothing here names a folder of a particular machine.
 *
 * - `sharedDir()` is the optional shared reference corpus: `$COMPOSE_CDK8S_SHARED` when set, else
 *   `<repo>/../shared`, else (in a git worktree) `<main checkout>/../shared`. Tests use it only to
 *   widen a check that already runs on the fixtures under test/fixtures/, so a fresh clone (CI)
 *   loses coverage but never a check.
 * - `requireFile()` is for things a test cannot do without (fixtures, oracles): a missing one throws
 *   an error that names it and says how to get it, so the test fails instead of skipping.
 */
import * as fs from 'fs';
import * as path from 'path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** The main checkout's root when REPO_ROOT is a git worktree (its `.git` is a `gitdir:` file). */
function mainCheckoutRoot(): string | undefined {
  const dotGit = path.join(REPO_ROOT, '.git');
  try {
    if (!fs.statSync(dotGit).isFile()) return undefined;
    const m = /^gitdir:\s*(.+)$/m.exec(fs.readFileSync(dotGit, 'utf8'));
    if (!m) return undefined;
    const gitdir = path.resolve(REPO_ROOT, m[1].trim());
    const commonFile = path.join(gitdir, 'commondir');
    const common = fs.existsSync(commonFile) ? path.resolve(gitdir, fs.readFileSync(commonFile, 'utf8').trim()) : gitdir;
    return path.dirname(common);
  } catch {
    return undefined;
  }
}

/** `../shared` (relative to the repository root) when it exists, else undefined. */
export function sharedDir(): string | undefined {
  const fromEnv = process.env.COMPOSE_CDK8S_SHARED;
  if (fromEnv) return requireFile(path.resolve(fromEnv), 'COMPOSE_CDK8S_SHARED');
  const main = mainCheckoutRoot();
  const candidates = [path.resolve(REPO_ROOT, '..', 'shared'), ...(main ? [path.resolve(main, '..', 'shared')] : [])];
  return candidates.find((c) => fs.existsSync(c));
}

/** `p`, or an error naming what is missing and how to get it (never a skip). */
export function requireFile(p: string, what: string, hint = 'it is part of the repository; restore it with git checkout'): string {
  if (!fs.existsSync(p)) {
    const where = process.env.CI === 'true' ? ' (CI=true: a missing fixture or oracle fails the run)' : '';
    throw new Error(`${what} is missing: ${path.relative(REPO_ROOT, p) || p} not found${where}; ${hint}`);
  }
  return p;
}

/** A file under test/fixtures/, which must exist. */
export function fixturePath(...rel: string[]): string {
  return requireFile(path.join(REPO_ROOT, 'test', 'fixtures', ...rel), `fixture ${rel.join('/')}`);
}

/** Every `.yml` / `.yaml` file under `dir`, at any depth, sorted. */
export function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...yamlFiles(p));
    else if (/\.ya?ml$/.test(e.name)) out.push(p);
  }
  return out.sort();
}
