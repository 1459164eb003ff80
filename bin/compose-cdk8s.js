#!/usr/bin/env node
// The compose-cdk8s command. Runs the bundle scripts/build.js made (fast start) when it is newer
// than every source file, else the TypeScript sources through tsx's require hook. The bundle embeds
// lib/ (code, lib/compose/schema/compose-spec.json) and schema/*.json (x-k8s.schema.json), the
// schemas as validators precompiled from them, so both are checked.
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const bundle = path.join(root, 'build', 'compose-cdk8s.js');

/** Newest modification time of the files under `dir` (whose name ends with `suffix`). */
function newest(dir, suffix = '') {
  let latest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) latest = Math.max(latest, newest(p, suffix));
    else if (e.name.endsWith(suffix)) latest = Math.max(latest, fs.statSync(p).mtimeMs);
  }
  return latest;
}

function loadCli() {
  try {
    const built = fs.statSync(bundle).mtimeMs;
    if (built >= newest(path.join(root, 'lib')) && built >= newest(path.join(root, 'schema'), '.json')) {
      return require(bundle);
    }
  } catch {
    // no bundle: use the sources
  }
  require('tsx/cjs');
  return require('../lib/cli/main.ts');
}

const { run, processIO } = loadCli();
run(process.argv.slice(2), processIO()).then(
  (code) => { process.exitCode = code; },
  (e) => { process.stderr.write(`compose-cdk8s: internal error: ${e && e.message}\n`); process.exitCode = 1; },
);
