// Jest globalTeardown: removes the temporary folder test/global-setup.js made for this run, with
// everything the tests and the commands they started left in it.
'use strict';
const fs = require('fs');

module.exports = async function globalTeardown() {
  const dir = process.env.COMPOSE_CDK8S_TEST_TMPDIR;
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  // Back to the TMPDIR the run started with, so that a next run (jest --watch) makes its folder there.
  const before = process.env.COMPOSE_CDK8S_TEST_TMPDIR_BEFORE;
  if (before) process.env.TMPDIR = before;
  else delete process.env.TMPDIR;
  delete process.env.COMPOSE_CDK8S_TEST_TMPDIR;
  delete process.env.COMPOSE_CDK8S_TEST_TMPDIR_BEFORE;
};
