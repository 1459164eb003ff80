#!/usr/bin/env node
// The compose-cdk8s command. Runs the bundle scripts/build.js made (build/compose-cdk8s.js, with
// its V8 code cache: bin/load-bundle.js): all an installed package has. In a checkout with the
// sources (lib/ and scripts/bundle.js present), a bundle older than anything it embeds is not run:
// the TypeScript sources are, through tsx's require hook, so an edit is never run stale.
'use strict';
const fs = require('fs');
const path = require('path');

const ROOT = path.join(__dirname, '..');
const CLI_BUNDLE = path.join(ROOT, 'build', 'compose-cdk8s.js');

function loadCli() {
  const checkout = fs.existsSync(path.join(ROOT, 'scripts', 'bundle.js')) && fs.existsSync(path.join(ROOT, 'lib', 'cli', 'main.ts'));
  if (!checkout || require(path.join(ROOT, 'scripts', 'bundle.js')).isFresh(CLI_BUNDLE)) return require('./load-bundle').loadBundle(CLI_BUNDLE);
  require('tsx/cjs');
  return require(path.join(ROOT, 'lib', 'cli', 'main.ts'));
}

// Output piped into a reader that stops early (`| head`): stop quietly, as other tools do.
process.stdout.on('error', (e) => {
  if (e && e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

const { run, processIO } = loadCli();
run(process.argv.slice(2), processIO()).then(
  (code) => { process.exitCode = code; },
  (e) => { process.stderr.write(`compose-cdk8s: internal error: ${e && e.message}\n`); process.exitCode = 1; },
);
