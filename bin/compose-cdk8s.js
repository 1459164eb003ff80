#!/usr/bin/env node
// The compose-cdk8s command. Runs the bundle scripts/build.js made (fast start) when it is newer
// than everything it embeds (scripts/bundle.js decides), else the TypeScript sources through tsx's
// require hook.
'use strict';
const { CLI_BUNDLE, isFresh } = require('../scripts/bundle');

function loadCli() {
  if (isFresh(CLI_BUNDLE)) return require(CLI_BUNDLE);
  require('tsx/cjs');
  return require('../lib/cli/main.ts');
}

const { run, processIO } = loadCli();
run(process.argv.slice(2), processIO()).then(
  (code) => { process.exitCode = code; },
  (e) => { process.stderr.write(`compose-cdk8s: internal error: ${e && e.message}\n`); process.exitCode = 1; },
);
