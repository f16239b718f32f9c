// One jest run over every project. Tiers are selected with --selectProjects.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];
const common = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: { '^@engram/([^/]+)$': '<rootDir>/libs/$1/src' },
  rootDir: __dirname,
  // Only crawl source folders: .cache (models, servers) and dist are large and slow the haste map down.
  roots: ['<rootDir>/libs', '<rootDir>/apps', '<rootDir>/evaluation/src'],
  modulePathIgnorePatterns: ['<rootDir>/dist', '<rootDir>/.cache'],
};
module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/libs/*/src/**/*.spec.ts', '<rootDir>/evaluation/src/**/*.spec.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/apps/*/test/**/*.e2e-spec.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/libs/*/test/**/*.int-spec.ts', '<rootDir>/apps/*/test/**/*.int-spec.ts'],
      // The Milvus SDK pulls in uuid 14, which is ESM-only; jest's CommonJS runtime needs it compiled.
      transform: { '^.+\\.ts$': swc, '/uuid/.+\\.js$': swc },
      transformIgnorePatterns: ['/node_modules/(?!(\\.pnpm/uuid@[^/]+/node_modules/)?uuid/)'],
    },
  ],
};
