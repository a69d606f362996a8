/**
 * The jest config of `npm run mutation` (scripts/mutation.ts): the unit project's settings, run
 * over only the test files of the module being mutated, which the script passes in
 * MUTATION_TESTS (comma-separated paths from the repository root).
 */
const tests = (process.env.MUTATION_TESTS ?? '').split(',').filter(Boolean);
if (tests.length === 0) throw new Error('MUTATION_TESTS names no test file');

/** @type {import('jest').Config} */
module.exports = {
  rootDir: '..',
  preset: 'ts-jest',
  testEnvironment: 'node',
  clearMocks: true,
  testMatch: tests.map((file) => `<rootDir>/${file}`),
  setupFilesAfterEnv: ['<rootDir>/test/setup.ts'],
};
