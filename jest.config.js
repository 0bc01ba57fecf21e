/**
 * One project per npm script, so `npm test` stays fast and every suite still has a way in:
 * - unit, e2e: `npm test` (e2e includes the fuzz suites at a quick run count; `npm run test:fuzz`
 *   runs them at full strength);
 * - browser: `npm run test:browser` (Chromium);
 * - types: `npm run test:types` (the generated types and the packed client, which spawn npm and tsc).
 * Plain `npx jest` runs all four; `.ci/run` runs each script. docs/development.md has the figures.
 * The scripts end with `--config=jest.config.js` (the default anyway) so that a path given after
 * `npm test --` is read as a test path, not as one more `--selectProjects` value.
 */
const { availableParallelism } = require('node:os');

const shared = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  // jose ships ESM only; jest's CommonJS runtime needs it transformed like our own sources.
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
  moduleFileExtensions: ['ts', 'js', 'json'],
};

// Suites with an npm script of their own, kept out of `npm test`.
const BROWSER = ['<rootDir>/test/e2e/browser.e2e.test.ts'];
const TYPES = ['<rootDir>/test/e2e/types.test.ts', '<rootDir>/test/e2e/client-package.test.ts'];

/** @type {import('jest').Config} */
module.exports = {
  // Two workers per core (4 on 2 cores), at most 8: most e2e suites spend their time waiting on
  // timers and sockets (npm test used ~0.8 of 2 cores with 2 workers), so more files at once fill
  // the cores. jest's own default, cores - 1, runs everything in one process on 2 cores.
  maxWorkers: Math.min(8, 2 * availableParallelism()),
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', ...[...BROWSER, ...TYPES].map((p) => p.replace('<rootDir>', __dirname))],
    },
    { ...shared, displayName: 'browser', testMatch: BROWSER },
    { ...shared, displayName: 'types', testMatch: TYPES },
  ],
  testTimeout: 20000,
  // The suites that wait longest start first (test/sequencer.js).
  testSequencer: '<rootDir>/test/sequencer.js',
  // Suites run the built bundle: refuse a dist/ older than the sources it was built from.
  globalSetup: '<rootDir>/test/global-setup.js',
};
