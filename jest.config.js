/**
 * Every tier runs under `npm test`: unit (constructs, Lambda, CLI), validate (terraform),
 * security (checkov, parliament), e2e (moto), package (what npm pack ships, and the packed tarball
 * installed in a fresh project and used as the README says; its global set-up is the e2e's,
 * which leaves the moto venv and Node 22 in .keyplane/ for the fresh project to reuse),
 * faults (the rotation bundle in process behind a fault-injecting proxy, each file its own
 * moto).
 *
 * Two workers, whatever the core count (jest's default on 2 cores is 1): most of the slow
 * files wait on moto, Terraform or injected timeouts rather than compute, and every file is
 * independent of the others: its own temporary folder, its own names on the shared e2e moto
 * (one service per file), or its own moto (faults, isolated local-aws files, the package
 * walkthrough).
 */
const base = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  clearMocks: true,
  // .keyplane/ holds the emulator's state and Stryker's sandbox (a copy of this package).
  modulePathIgnorePatterns: ['<rootDir>/.keyplane/'],
};

/** @type {import('jest').Config} */
module.exports = {
  maxWorkers: 2,
  testSequencer: '<rootDir>/test/slowest-first.sequencer.js',
  globalSetup: '<rootDir>/test/build.global-setup.ts',
  projects: [
    {
      ...base,
      displayName: 'unit',
      testMatch: [
        '<rootDir>/test/constructs/**/*.test.ts',
        '<rootDir>/test/lambdas/**/*.test.ts',
        '<rootDir>/test/app/**/*.test.ts',
        '<rootDir>/test/cli/**/*.test.ts',
        '<rootDir>/test/local/**/*.test.ts',
        '<rootDir>/test/bench/**/*.test.ts',
      ],
      setupFilesAfterEnv: ['<rootDir>/test/setup.ts'],
    },
    {
      ...base,
      displayName: 'validate',
      testMatch: ['<rootDir>/test/validate/**/*.test.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/setup.ts'],
    },
    {
      ...base,
      displayName: 'security',
      testMatch: ['<rootDir>/test/security/**/*.test.ts'],
    },
    {
      ...base,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/local-aws/**/*.test.ts', '<rootDir>/test/e2e/**/*.test.ts'],
      globalSetup: '<rootDir>/test/local-aws/global-setup.ts',
      globalTeardown: '<rootDir>/test/local-aws/global-teardown.ts',
    },
    {
      ...base,
      displayName: 'package',
      testMatch: ['<rootDir>/test/package/**/*.test.ts'],
      globalSetup: '<rootDir>/test/local-aws/global-setup.ts',
      globalTeardown: '<rootDir>/test/local-aws/global-teardown.ts',
    },
    {
      ...base,
      displayName: 'faults',
      testMatch: ['<rootDir>/test/faults/**/*.test.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/faults/support/setup.ts'],
    },
  ],
};
