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

/**
 * Bundles an ESM-only npm package (e.g. `@actions/workflow-parser`) to CommonJS in .tools/, once per
 * installed version (atomic write), and requires it.
 */
export function requireBundled<T>(pkg: string, name: string): T {
  const pkgJson = path.join(REPO_ROOT, 'node_modules', ...pkg.split('/'), 'package.json');
  const version = (JSON.parse(fs.readFileSync(pkgJson, 'utf8')) as { version: string }).version;
  const out = path.join(TOOLS_DIR, `${name}-${version}.cjs`);
  if (!fs.existsSync(out)) {
    fs.mkdirSync(TOOLS_DIR, { recursive: true });
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const esbuild = require('esbuild') as typeof import('esbuild');
    const tmp = `${out}.${process.pid}.tmp`;
    esbuild.buildSync({
      stdin: { contents: `export * from ${JSON.stringify(pkg)};`, resolveDir: REPO_ROOT, loader: 'js' },
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      outfile: tmp,
      logLevel: 'silent',
    });
    fs.renameSync(tmp, out);
  }
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  return require(out) as T;
}
