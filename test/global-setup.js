// Jest globalSetup: make sure the tests that start the real command (bin/compose-cdk8s.js as a
// child process: robustness, leak, supply, corpus...; main.js, the cdk8s app) run the esbuild bundles, as a user after
// `npm ci` does, instead of falling back to tsx, which transpiles every lib/ module again in every
// process it starts (seconds each on a loaded machine). Builds only when the bundle is missing or
// older than lib/ or schema/ (scripts/bundle.js decides), or the CLI's code cache is missing; without esbuild, bin keeps its tsx
// fallback and the tests still run.
//
// It also gives the run a temporary folder of its own: TMPDIR points into it, for the test files
// (os.tmpdir()) and every command, helm or docker compose they start, and test/global-teardown.js
// removes it at the end. Tests make thousands of temporary folders; a developer's /tmp no longer
// keeps them run after run.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

module.exports = async function globalSetup() {
  // Set before jest starts its workers, which inherit this environment.
  // The TMPDIR to restore afterwards ('' when there was none): `jest --watch` runs setup and teardown again for every run.
  if (process.env.COMPOSE_CDK8S_TEST_TMPDIR === undefined) process.env.COMPOSE_CDK8S_TEST_TMPDIR_BEFORE = process.env.TMPDIR ?? '';
  const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'compose-cdk8s-tests-')));
  process.env.COMPOSE_CDK8S_TEST_TMPDIR = tmp;
  process.env.TMPDIR = tmp;
  const { CLI_BUNDLE, LIB_BUNDLE, isFresh } = require('../scripts/bundle');
  const { cacheFileOf } = require('../bin/load-bundle');
  if (isFresh(CLI_BUNDLE) && isFresh(LIB_BUNDLE) && fs.existsSync(cacheFileOf(CLI_BUNDLE))) return;
  // The bundles only: the type declarations (tsc) are for the package, not for the tests.
  const r = spawnSync(process.execPath, [path.join(__dirname, '..', 'scripts', 'build.js'), '--no-types'], { stdio: 'inherit' });
  if (r.status !== 0) process.stderr.write('jest global setup: node scripts/build.js failed; bin/compose-cdk8s.js falls back to tsx\n');
};
