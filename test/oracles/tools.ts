/** Where scripts/install-checkers.sh puts the checker binaries, and a clear error when missing. */
import * as fs from 'fs';
import * as path from 'path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const TOOLS_DIR = path.join(REPO_ROOT, '.tools');

export interface ToolResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Absolute path of a tool under .tools/, or an Error telling how to install it. */
export function toolPath(relative: string): string {
  const p = path.join(TOOLS_DIR, relative);
  if (!fs.existsSync(p)) {
    throw new Error(`${p} is missing: run scripts/install-checkers.sh (npm run checkers)`);
  }
  return p;
}
