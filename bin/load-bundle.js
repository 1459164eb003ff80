// Runs a CommonJS bundle (build/compose-cdk8s.js) with the V8 code cache that `node
// scripts/build.js` writes next to it (build/compose-cdk8s.cache), so that a command does not
// compile the bundle's functions again on every start (issue #19: start-up). Node 20 has no
// `module.enableCompileCache` (Node 22), so this is the documented `vm.Script` `cachedData` path.
//
// The cache is used only when it was made from these very bytes: it starts with the SHA-1 of the
// bundle it was made from (V8 itself checks only the source's length, its own version and flags;
// it rejects a cache of another Node version, and the bundle then compiles as without a cache).
// Without a cache file, or with a stale or rejected one, the bundle runs exactly as `require`
// would run it. Nothing is ever written here at run time.
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const Module = require('module');
const path = require('path');
const vm = require('vm');

/** The code cache file of `bundle` (build/compose-cdk8s.js → build/compose-cdk8s.cache). */
function cacheFileOf(bundle) {
  return bundle.replace(/\.js$/, '') + '.cache';
}

function digest(bytes) {
  return crypto.createHash('sha1').update(bytes).digest('hex');
}

/**
 * Compiles and runs `bundle` as a CommonJS module (with its code cache when valid); returns its
 * exports and the compiled script (scripts/bundle.js makes the cache from it after a run).
 */
function compileBundle(bundle) {
  const bytes = fs.readFileSync(bundle);
  const source = bytes.toString('utf8');
  const sha = digest(bytes);
  let cachedData;
  try {
    const cache = fs.readFileSync(cacheFileOf(bundle));
    if (cache.subarray(0, 41).toString('latin1') === `${sha}\n`) cachedData = cache.subarray(41);
  } catch {
    // no cache: compile as usual
  }
  const script = new vm.Script(Module.wrap(source), { filename: bundle, cachedData });
  const mod = new Module(bundle, module);
  mod.filename = bundle;
  mod.paths = Module._nodeModulePaths(path.dirname(bundle));
  const fn = script.runInThisContext();
  fn.call(mod.exports, mod.exports, Module.createRequire(bundle), mod, bundle, path.dirname(bundle));
  mod.loaded = true;
  return { exports: mod.exports, script, sha, cacheUsed: cachedData !== undefined && !script.cachedDataRejected };
}

/** The exports of `bundle`, run with its code cache when there is a valid one. */
function loadBundle(bundle) {
  return compileBundle(bundle).exports;
}

module.exports = { loadBundle, compileBundle, cacheFileOf };
