// The one definition of how compose-cdk8s is bundled, and of when a bundle is stale. Used by
// scripts/build.js (the CLI's and the library's bundles), bin/compose-cdk8s.js and main.js
// (whether to run them, in a checkout with the sources) and the benchmark
// (scripts/bench.ts bundles its worker the same way).
//
// A bundle holds our own TypeScript (lib/), not node_modules (packages stay external), built by
// esbuild for Node 20 as CommonJS. It also carries precompiled JSON-schema validators: the schema
// sets of scripts/schema-sets.ts (schema, ajv options, refs: the very ones the run-time code uses) go
// through ajv's standalone code generation (`ajv/dist/standalone`), and a plugin substitutes that
// code for lib/schemas/precompiled.ts, whose source version returns undefined (so the sources, tsx
// and jest keep compiling at run time). The generated code requires ajv/dist/runtime/* helpers and
// falls back to a run-time compile if the installed ajv is not the version it was generated with.
'use strict';
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');

/** Newest modification time of the files under `dir` whose name ends with `suffix`. */
function newest(dir, suffix = '') {
  let latest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) latest = Math.max(latest, newest(p, suffix));
    else if (e.name.endsWith(suffix)) latest = Math.max(latest, fs.statSync(p).mtimeMs);
  }
  return latest;
}

/**
 * Whether `file` was bundled after the last change to what it embeds: lib/ (code and the
 * compose-spec schema) and schema/*.json (x-k8s), the schemas also as precompiled validators.
 */
function isFresh(file) {
  try {
    const built = fs.statSync(file).mtimeMs;
    return built >= newest(path.join(ROOT, 'lib')) && built >= newest(path.join(ROOT, 'schema'), '.json');
  } catch {
    return false;
  }
}

/** Source of the module that replaces lib/schemas/precompiled.ts in a bundle. */
function precompiledSchemas(esbuild) {
  const entry = path.join(ROOT, 'scripts', 'schema-sets.ts');
  const out = esbuild.buildSync({ ...options(), entryPoints: [entry], write: false });
  const Module = require('module');
  const filename = path.join(ROOT, 'scripts', 'schema-sets.generator.js'); // never written; resolves packages from the repo
  const m = new Module(filename, module);
  m.filename = filename;
  m.paths = Module._nodeModulePaths(path.dirname(filename));
  m._compile(out.outputFiles[0].text, filename);
  return m.exports.generatePrecompiledModule();
}

function options() {
  return { bundle: true, platform: 'node', target: 'node20', format: 'cjs', packages: 'external', logLevel: 'warning' };
}

/**
 * Bundles `entry` into `outfile` (with the precompiled validators). Packages are resolved from the
 * repository's node_modules at run time, so a bundle outside the repository needs NODE_PATH.
 */
async function bundle(entry, outfile) {
  const esbuild = require('esbuild');
  const contents = precompiledSchemas(esbuild);
  const precompiled = {
    name: 'precompiled-schemas',
    setup(build) {
      build.onLoad({ filter: /[\\/]lib[\\/]schemas[\\/]precompiled\.ts$/ }, () => ({ contents, loader: 'js', resolveDir: path.join(ROOT, 'lib', 'schemas') }));
    },
  };
  await esbuild.build({ ...options(), entryPoints: [entry], outfile, plugins: [precompiled] });
}

/** The CLI's bundle, as bin/compose-cdk8s.js runs it. */
const CLI_BUNDLE = path.join(ROOT, 'build', 'compose-cdk8s.js');
const CLI_ENTRY = path.join(ROOT, 'lib', 'cli', 'main.ts');
/** The library's bundle: the package's main entry (`require('compose-cdk8s')`). */
const LIB_BUNDLE = path.join(ROOT, 'build', 'index.js');
const LIB_ENTRY = path.join(ROOT, 'lib', 'index.ts');

module.exports = { ROOT, CLI_BUNDLE, CLI_ENTRY, LIB_BUNDLE, LIB_ENTRY, isFresh, bundle };
