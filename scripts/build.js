#!/usr/bin/env node
// Builds what the package ships, into build/:
// - compose-cdk8s.js: the CLI (bin/compose-cdk8s.js runs it), and index.js: the library
//   (`require('compose-cdk8s')`), each our own TypeScript bundled by esbuild with precompiled
//   JSON-schema validators (scripts/bundle.js), so they start in a fraction of the time tsx needs
//   to transpile every module, and need neither tsx nor the sources; the CLI's bundle also holds
//   the npm packages it uses, and compose-cdk8s.cache is its V8 code cache;
// - types/: the library's declarations (tsc --emitDeclarationOnly, tsconfig.decl.json).
// Run by `npm ci` and `npm pack` / installs from a git URL (the prepare script) and `npm run build`.
// In a checkout, bin/compose-cdk8s.js and main.js fall back to tsx whenever a bundle is missing
// or older than a source file, so an edit is never run stale. `--no-types` skips the declarations.
'use strict';
const { spawnSync } = require('child_process');
const path = require('path');

try {
  require.resolve('esbuild');
} catch {
  console.error('build: esbuild is not installed (npm ci installs it); the CLI will run through tsx');
  process.exit(0);
}
const { bundle, writeCodeCache, CLI_BUNDLE, CLI_ENTRY, LIB_BUNDLE, LIB_ENTRY, ROOT } = require('./bundle');

function declarations() {
  let tsc;
  try {
    tsc = require.resolve('typescript/bin/tsc');
  } catch {
    console.error('build: typescript is not installed; no type declarations written');
    return;
  }
  const r = spawnSync(process.execPath, [tsc, '-p', path.join(ROOT, 'tsconfig.decl.json')], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error('build: tsc could not write the type declarations');
    process.exitCode = 1;
  }
}

// The CLI's bundle holds the npm packages too (one file to read and compile at start-up) and gets
// a V8 code cache; the library's keeps them external (a user's app and the library share cdk8s).
Promise.all([bundle(CLI_ENTRY, CLI_BUNDLE, { packages: 'bundle' }), bundle(LIB_ENTRY, LIB_BUNDLE)]).then(
  async () => {
    // esbuild's service process (~160 MB) would otherwise stay up beside tsc until this one exits.
    await require('esbuild').stop();
    writeCodeCache(CLI_BUNDLE);
    if (!process.argv.includes('--no-types')) declarations();
  },
  (e) => {
    if (!(e && Array.isArray(e.errors))) console.error(`build: ${e && e.message}`); // esbuild prints its own
    process.exitCode = 1;
  },
);
