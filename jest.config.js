import { SWC_OPTIONS } from './test/support/swc-options.js';

// Nest 12 is ESM-only and Jest can load it only in its native ESM mode
// (node --experimental-vm-modules, see package.json), so TypeScript is compiled
// to ES modules by swc, which also keeps the decorator metadata Nest's DI needs.
const swc = ['@swc/jest', SWC_OPTIONS];

const common = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': swc },
  rootDir: '.',
};

export default {
  // A project-level testTimeout is ignored by Jest; real PostgreSQL suites need more than 5 s.
  testTimeout: 60000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/package/'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
    // The packed package in a scratch app: npm pack, npm install and two tsc runs. `npm test` runs it
    // after the other projects, not beside them, so it does not starve their timed suites of CPU.
    {
      ...common,
      displayName: 'package',
      testMatch: ['<rootDir>/test/package/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
  ],
};
