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
    // api/: the API report's check of the public surface (docs/architecture/api.md).
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/api/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/package/'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
    // The notification and relay suites again, with the app's connections (so the module's) through a real
    // PgBouncer 1.18 in transaction mode configured the usual way; the relay LISTENs on the direct URL
    // (database.listenUrl). Its own jest run in `npm test`: its global setup must not reroute the e2e project.
    {
      ...common,
      displayName: 'pgbouncer',
      testMatch: [
        '<rootDir>/test/notifications/settlement.e2e-spec.ts',
        '<rootDir>/test/notifications/concurrency.e2e-spec.ts',
        '<rootDir>/test/notifications/group-commit.e2e-spec.ts',
        '<rootDir>/test/events/outbox-delivery.e2e-spec.ts',
        '<rootDir>/test/events/listener-retry.e2e-spec.ts',
        '<rootDir>/test/events/two-relays.e2e-spec.ts',
      ],
      globals: { __BAOFOO_POOLED__: true },
      globalSetup: '<rootDir>/test/support/pgbouncer-global-setup.ts',
      globalTeardown: '<rootDir>/test/support/pgbouncer-global-teardown.ts',
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
