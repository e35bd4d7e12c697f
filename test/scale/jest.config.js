/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS jest config, as the root one */
/**
 * `npm run test:scale` alone: the scale suite starts its own Temporal server, database and
 * processes, so it needs none of the full lane's global setup (`npm test` runs it in that lane too).
 */
const base = require('../../jest.config.js');
const full = base.projects.find((p) => p.displayName === 'full');

/** @type {import('jest').Config} */
module.exports = {
  ...full,
  rootDir: require('node:path').join(__dirname, '../..'),
  displayName: 'scale',
  testMatch: ['<rootDir>/test/scale/**/*.test.ts'],
  globalSetup: undefined,
  globalTeardown: undefined,
  testTimeout: 180_000,
};
