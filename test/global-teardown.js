// Jest globalTeardown: removes the temporary folder test/global-setup.js made for this run, with
// everything the tests and the commands they started left in it.
'use strict';
const fs = require('fs');

module.exports = async function globalTeardown() {
  const dir = process.env.COMPOSE_CDK8S_TEST_TMPDIR;
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
};
