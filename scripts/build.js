#!/usr/bin/env node
// Bundles the CLI's own TypeScript (not node_modules) into build/compose-cdk8s.js with esbuild, so
// the command starts in a fraction of the time tsx needs to transpile every module at start-up, and
// without compiling a JSON schema (precompiled validators). How, in scripts/bundle.js.
// Run by `npm ci` (the prepare script) and `npm run build`; bin/compose-cdk8s.js falls back to tsx
// whenever the bundle is missing or older than a source file, so an edit is never run stale.
'use strict';
try {
  require.resolve('esbuild');
} catch {
  console.error('build: esbuild is not installed (npm ci installs it); the CLI will run through tsx');
  process.exit(0);
}
const { bundle, CLI_BUNDLE, CLI_ENTRY } = require('./bundle');
bundle(CLI_ENTRY, CLI_BUNDLE).catch((e) => {
  if (!(e && Array.isArray(e.errors))) console.error(`build: ${e && e.message}`); // esbuild prints its own
  process.exitCode = 1;
});
