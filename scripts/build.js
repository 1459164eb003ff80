#!/usr/bin/env node
// Bundles the CLI's own TypeScript (not node_modules) into build/compose-cdk8s.js with esbuild, so
// the command starts in a fraction of the time tsx needs to transpile every module at start-up.
// Run by `npm ci` (the prepare script) and `npm run build`; bin/compose-cdk8s.js falls back to tsx
// whenever the bundle is missing or older than a source file, so an edit is never run stale.
'use strict';
const path = require('path');
const root = path.resolve(__dirname, '..');
let esbuild;
try {
  esbuild = require('esbuild');
} catch {
  console.error('build: esbuild is not installed (npm ci installs it); the CLI will run through tsx');
  process.exit(0);
}
esbuild.buildSync({
  entryPoints: [path.join(root, 'lib', 'cli', 'main.ts')],
  outfile: path.join(root, 'build', 'compose-cdk8s.js'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  packages: 'external',
  logLevel: 'warning',
});
