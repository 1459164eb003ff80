/**
 * One suite for developers and CI alike (about 1 min 30 s on the 2-core machine): every seeded
 * fuzz family, the corpus fixtures and the differential against Compose v2, the rehearsal and the
 * kill tests all run in `npm test`. The exhaustive runs (whole corpus, 10k fuzz cases, the full
 * rehearsal, the bench) have their own scripts. See docs/benchmark.md (the test suite).
 */
// jest-worker forks its workers with this process's execArgv: a capped old space makes V8 collect a
// test file's garbage instead of growing the heap (the fuzz file, the largest, alone: 403 → 267 MB
// RSS). 256 MB since test/architecture.test.ts's TypeScript program needs 135 MB of heap (it needed
// 196 and ran out at 256 while it loaded lib.dom.d.ts and every @types package). The suite's peak
// still depends on which files happen to run side by side: 690–840 MB PSS for the whole tree in
// runs of the same code (docs/benchmark.md). Without workers (`-i`) the cap does not apply.
if (!process.execArgv.some((a) => a.startsWith('--max-old-space-size'))) process.execArgv.push('--max-old-space-size=256');

/** @type {import('jest').Config} */
module.exports = {
  // The Node environment, with the oracle packages shared by the test files of a worker.
  testEnvironment: '<rootDir>/test/environment.js',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // test/e2e packs and installs the package (slow): `npm run test:e2e`, which `npm test` runs last.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/e2e/'],
  // Transpile only (tsconfig has isolatedModules): `tsc --noEmit -p .` in `npm test` type-checks.
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  snapshotResolver: '<rootDir>/test/snapshot-resolver.js',
  // The real command runs its bundle, not tsx (see test/global-setup.js).
  globalSetup: '<rootDir>/test/global-setup.js',
  // Removes the run's temporary folder (TMPDIR, made by the global setup).
  globalTeardown: '<rootDir>/test/global-teardown.js',
  // Both cores: jest's default (cores - 1) leaves one idle on a 2-core machine, while many suites
  // wait on child processes (the CLI, helm, docker compose) anyway.
  maxWorkers: 2,
  // A worker whose heap (V8's heapUsed, not its RSS) has grown past this is restarted between test
  // files (the suite's peak memory: 400MB let two workers reach 500-640 MB RSS each). 100MB rather
  // than 120MB: the tree's p50 / p90 / peak 440 / 522 / 650 MB against 463 / 584 / 747, with jest's
  // wall time 134.7 against 133.1 s (80MB: 399 / 474 / 659 MB, but 141.6 s).
  workerIdleMemoryLimit: '100MB',
  testTimeout: 60000,
};
