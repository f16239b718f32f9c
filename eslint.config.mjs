import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

// Dependency direction: app -> api -> feature -> ports -> domain; adapters implement ports.
export default [
  { ignores: ['**/dist', '**/node_modules', '**/.cache', '**/.data', 'evaluation/results', 'libs/contracts/src/generated', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:domain'] },
            { sourceTag: 'type:ports', onlyDependOnLibsWithTags: ['type:domain'] },
            { sourceTag: 'type:feature', onlyDependOnLibsWithTags: ['type:feature', 'type:ports', 'type:domain'] },
            // shared by adapters of one port (the bus delivery engine): implements, never calls, the port
            { sourceTag: 'type:adapter-support', onlyDependOnLibsWithTags: ['type:ports', 'type:domain'] },
            { sourceTag: 'type:adapter', onlyDependOnLibsWithTags: ['type:adapter-support', 'type:ports', 'type:domain'] },
            { sourceTag: 'type:api', onlyDependOnLibsWithTags: ['type:feature', 'type:ports', 'type:domain'] },
            { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:ports', 'type:domain', 'type:adapter', 'type:feature'] },
            // app-support wiring shared by the apps (config, stores, bus, probes, shutdown)
            { sourceTag: 'type:runtime', onlyDependOnLibsWithTags: ['type:api', 'type:feature', 'type:adapter', 'type:ports', 'type:domain'] },
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:runtime', 'type:api', 'type:feature', 'type:adapter', 'type:ports', 'type:domain', 'type:testing'] },
            { sourceTag: 'type:eval', onlyDependOnLibsWithTags: ['type:domain', 'type:ports', 'type:adapter', 'type:feature'] },
          ],
        },
      ],
    },
  },
  {
    // Benchmarks drive the apps' composition roots directly, on purpose.
    files: ['**/*.spec.ts', '**/*.e2e-spec.ts', '**/*.int-spec.ts', 'libs/testing/**/*.ts', 'evaluation/bench/**/*.ts'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
];
