/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  // jose ships ESM only; jest's CommonJS runtime needs it transformed like our own sources.
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  testTimeout: 20000,
  // Suites run the built bundle: refuse a dist/ older than the sources it was built from.
  globalSetup: '<rootDir>/test/global-setup.js',
};
