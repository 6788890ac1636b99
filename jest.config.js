/*
 * Jest in native ESM mode (Nest 12 ships ESM only). Two projects: unit specs
 * beside the code, e2e specs under test/ against a real PostgreSQL.
 */
const transform = { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }] };
const common = {
  extensionsToTreatAsEsm: ['.ts'],
  // @parley/client from its sources, as tsconfig.json maps it: the e2e suite needs no SDK build first.
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
    '^@parley/client$': '<rootDir>/clients/typescript/src/index.ts',
  },
  transform,
  testEnvironment: 'node',
};

export default {
  // Jest reads testTimeout from the root config only: inside a project it was ignored, and e2e hooks got 5 s.
  testTimeout: 30000,
  projects: [
    // The reference web client's state functions are plain TypeScript, tested beside them like the server's.
    {
      ...common,
      displayName: 'unit',
      roots: ['<rootDir>/src', '<rootDir>/examples/web/src'],
      testMatch: ['**/*.spec.ts'],
    },
    {
      ...common,
      displayName: 'e2e',
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.e2e-spec.ts'],
      setupFiles: ['<rootDir>/test/support/e2e-env.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.js',
      globalTeardown: '<rootDir>/test/support/global-teardown.js',
    },
  ],
};
