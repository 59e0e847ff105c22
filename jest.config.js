// Jest runs the TypeScript sources as native ES modules (NestJS 12 and pdf.js ship only ESM),
// transformed by SWC; `npm test` starts node with --experimental-vm-modules for that reason.
const swc = {
  swcrc: false,
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    target: 'es2022',
    keepClassNames: true,
    transform: { legacyDecorator: true, decoratorMetadata: true },
  },
  module: { type: 'es6' },
};

export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', swc] },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts', '<rootDir>/test/**/*.e2e.ts'],
  testTimeout: 120000,
  // Two cores: database-backed suites each create their own database, so two workers are safe.
  maxWorkers: 2,
};
