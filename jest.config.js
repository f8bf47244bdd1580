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
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
  ],
};
