/**
 * Two lanes, one run: `npm test` runs both projects; `npm run test:unit` only the first.
 * - unit: domain, config, templates and the workflow logic with mocked activities on the
 *   time-skipping test server (test/unit). No PostgreSQL, no dev server, no global setup: a test
 *   in these folders must need neither.
 * - full: everything else, against the Temporal dev server and the PostgreSQL database that
 *   test/helpers/global-setup.ts starts once per run (only when a test of this project is selected).
 */
const UNIT_DIRS = ['domain', 'config', 'templates', 'unit'];

const base = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  rootDir: __dirname,
  roots: ['<rootDir>/test'],
  testTimeout: 60_000,
  // Transpiled only (tsconfig.json with isolatedModules): ts-jest's type-check of each file cost more
  // than half the run's time, repeated in each worker; `npm run typecheck` checks the same files once.
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: { isolatedModules: true } }] },
};

/** @type {import('jest').Config} */
module.exports = {
  maxWorkers: 2,
  testTimeout: 60_000,
  projects: [
    {
      ...base,
      displayName: 'unit',
      testMatch: UNIT_DIRS.map((dir) => `<rootDir>/test/${dir}/**/*.test.ts`),
    },
    {
      ...base,
      displayName: 'full',
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', ...UNIT_DIRS.map((dir) => `<rootDir>/test/${dir}/`)],
      globalSetup: '<rootDir>/test/helpers/global-setup.ts',
      globalTeardown: '<rootDir>/test/helpers/global-teardown.ts',
    },
  ],
};
