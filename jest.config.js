/**
 * The slow, exhaustive suites: every seeded fuzz family, the corpus fixtures end to end against
 * Compose v2, the differential runs against Compose v2, the rehearsal, and real processes killed
 * at many moments. A developer's `npm test` leaves them out; CI (CI=true, as .ci/run sets it) and
 * `npm run test:slow` run them, so no assertion is dropped from CI. COMPOSE_CDK8S_TEST_ALL=1 runs
 * everything locally. See docs/benchmark.md (the test suite).
 */
const SLOW = [
  '<rootDir>/test/fuzz/fuzz.test.ts',
  '<rootDir>/test/corpus/corpus.test.ts',
  '<rootDir>/test/compose/differential.test.ts',
  '<rootDir>/test/rehearsal/rehearsal.test.ts',
  '<rootDir>/test/robustness/no-lost-output.test.ts',
];
const ALL = Boolean(process.env.CI) || process.env.COMPOSE_CDK8S_TEST_ALL === '1';

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // test/e2e packs and installs the package (slow): `npm run test:e2e`, which `npm test` runs last.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/e2e/', ...(ALL ? [] : SLOW)],
  // Transpile only (tsconfig has isolatedModules): `tsc --noEmit -p .` in `npm test` type-checks.
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  snapshotResolver: '<rootDir>/test/snapshot-resolver.js',
  // The real command runs its bundle, not tsx (see test/global-setup.js).
  globalSetup: '<rootDir>/test/global-setup.js',
  // Both cores: jest's default (cores - 1) leaves one idle on a 2-core machine, while many suites
  // wait on child processes (the CLI, helm, docker compose) anyway.
  maxWorkers: 2,
  // A worker that has grown past this is restarted between test files (the suite's peak memory).
  workerIdleMemoryLimit: '400MB',
  testTimeout: 60000,
};
