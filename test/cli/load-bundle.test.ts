/**
 * bin/load-bundle.js: the CLI bundle runs with the V8 code cache `node scripts/build.js` writes,
 * only when the cache was made from these very bytes; a missing, stale or foreign cache is
 * ignored and the bundle runs as `require` would run it.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const { compileBundle, cacheFileOf } = require('../../bin/load-bundle.js') as {
  compileBundle(file: string): { exports: Record<string, unknown>; script: import('vm').Script; sha: string; cacheUsed: boolean };
  cacheFileOf(file: string): string;
};

const ROOT = path.join(__dirname, '..', '..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'load-bundle-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const LOADER = path.join(ROOT, 'bin', 'load-bundle.js');

/**
 * Loads `file` in a fresh Node process (a process's own compilation cache would hide the code
 * cache) and returns whether the code cache was used and what `exports.value()` returns. With
 * `write`, that process then writes the cache of what it compiled, as scripts/bundle.js does.
 */
function inChild(file: string, write = false): { cacheUsed: boolean; value: unknown } {
  const code = `
    const fs = require('fs');
    const { compileBundle, cacheFileOf } = require(${JSON.stringify(LOADER)});
    const c = compileBundle(${JSON.stringify(file)});
    const value = c.exports.value();
    if (${write}) fs.writeFileSync(cacheFileOf(${JSON.stringify(file)}), Buffer.concat([Buffer.from(c.sha + '\\n', 'latin1'), c.script.createCachedData()]));
    process.stdout.write(JSON.stringify({ cacheUsed: c.cacheUsed, value }));`;
  const r = spawnSync(process.execPath, ['-e', code], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as { cacheUsed: boolean; value: unknown };
}

test('the cache file sits next to the bundle', () => {
  expect(cacheFileOf('/x/build/compose-cdk8s.js')).toBe('/x/build/compose-cdk8s.cache');
});

test('a module runs as with require: exports, module, __filename, __dirname, require', () => {
  const file = path.join(tmp, 'plain.js');
  fs.writeFileSync(file, "module.exports = { here: __filename, dir: __dirname, path: require('path').sep, same: module.exports === exports };\n");
  const c = compileBundle(file);
  expect(c.exports).toEqual({ here: file, dir: tmp, path: path.sep, same: true });
  expect(c.cacheUsed).toBe(false);
});

test('a cache made from the same bytes is used; one made from other bytes of the same length is not', () => {
  const file = path.join(tmp, 'answer.js');
  fs.writeFileSync(file, 'exports.value = function () { return 41; };\n');
  expect(inChild(file, true)).toEqual({ cacheUsed: false, value: 41 });
  expect(inChild(file)).toEqual({ cacheUsed: true, value: 41 });
  // Same length, other code: V8 alone would accept the old cache (it checks the length only).
  fs.writeFileSync(file, 'exports.value = function () { return 42; };\n');
  expect(inChild(file)).toEqual({ cacheUsed: false, value: 42 });
});

test('a cache that is not one (garbage after the right header, or too short) is ignored', () => {
  const file = path.join(tmp, 'garbage.js');
  fs.writeFileSync(file, 'exports.value = () => "ok";\n');
  const sha = compileBundle(file).sha;
  fs.writeFileSync(cacheFileOf(file), Buffer.concat([Buffer.from(`${sha}\n`, 'latin1'), Buffer.from('not a V8 code cache')]));
  expect(inChild(file)).toEqual({ cacheUsed: false, value: 'ok' });
  fs.writeFileSync(cacheFileOf(file), 'short');
  expect(inChild(file)).toEqual({ cacheUsed: false, value: 'ok' });
});

test('the built CLI bundle has a valid code cache and holds its packages', () => {
  // test/global-setup.js builds it (node scripts/build.js --no-types) when stale.
  const bundle = path.join(ROOT, 'build', 'compose-cdk8s.js');
  const r = spawnSync(process.execPath, ['-e', `const c = require(${JSON.stringify(path.join(ROOT, 'bin', 'load-bundle.js'))}).compileBundle(${JSON.stringify(bundle)}); process.stdout.write(String(c.cacheUsed))`], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.stdout).toBe('true');
  const text = fs.readFileSync(bundle, 'utf8');
  for (const pkg of ['cdk8s', 'cdk8s-plus-27', 'constructs', 'yaml', 'commander', 'ajv']) {
    expect(text).not.toMatch(new RegExp(`require\\(["']${pkg}["']\\)`));
  }
});
