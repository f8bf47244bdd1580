// How TypeScript becomes ES modules in tests: jest's transform and the loader
// of the events suite's child processes must compile alike, decorator
// metadata (Nest's DI) included.
export const SWC_OPTIONS = {
  jsc: {
    target: 'es2022',
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    keepClassNames: true,
  },
  module: { type: 'es6' },
  sourceMaps: 'inline',
};
