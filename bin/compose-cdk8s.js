#!/usr/bin/env node
// Runs the TypeScript sources through tsx's require hook: no build step, no type-checking at run time.
'use strict';
require('tsx/cjs');
const { run } = require('../lib/cli/main.ts');
const { processIO } = require('../lib/cli/io.ts');

run(process.argv.slice(2), processIO()).then(
  (code) => { process.exitCode = code; },
  (e) => { process.stderr.write(`compose-cdk8s: internal error: ${e && e.message}\n`); process.exitCode = 1; },
);
