import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

// Dependency direction: app -> runtime -> (platform, memory-client) -> api -> feature -> ports -> domain;
// adapters implement ports (with the adapter-support libs they share); contracts (events, gRPC types)
// are for whatever publishes, consumes or speaks them.
const D = 'type:domain';
const C = 'type:contracts';
const P = 'type:ports';
const F = 'type:feature';
const AS = 'type:adapter-support';
const A = 'type:adapter';
const API = 'type:api';
const MC = 'type:memory-client';
const PL = 'type:platform';
const RT = 'type:runtime';
const T = 'type:testing';

/** What each tag's production code may import. */
const ALLOWED = {
  [D]: [D],
  [C]: [D],
  [P]: [D],
  [F]: [F, C, P, D],
  // shared by the adapters of one port (the bus delivery engine)
  [AS]: [C, P, D],
  [A]: [AS, C, P, D],
  // config, lifecycle, probes, logging, metrics, the Nest app and the services' bootstrap
  [PL]: [A, P, D],
  [API]: [PL, F, C, P, D],
  // the gRPC client of the internal services
  [MC]: [F, C, P, D],
  // the services' composition: stores, bus, memory core, consumers
  [RT]: [PL, MC, F, A, C, P, D],
  [T]: [PL, API, F, A, AS, C, P, D],
  'type:app': [RT, PL, MC, API, F, A, C, P, D],
  'type:eval': [F, A, P, D],
};

const boundaries = (extra = {}, allow = []) => [
  'error',
  {
    enforceBuildableLibDependency: false,
    allow,
    depConstraints: Object.entries(ALLOWED).map(([sourceTag, tags]) => ({
      sourceTag,
      onlyDependOnLibsWithTags: [...new Set([...tags, ...(extra[sourceTag] ?? []), ...(extra['*'] ?? [])])],
    })),
  },
];

export default [
  { ignores: ['**/dist', '**/node_modules', '**/.cache', '**/.data', 'evaluation/results', 'libs/contracts/src/generated', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@nx/enforce-module-boundaries': boundaries(),
    },
  },
  {
    // A lib's specs (unit and integration) may also use libs/testing (conformance suites, fixtures,
    // fake servers) and run on real in-process adapters (embedded stores, hashing embedder, in-process bus).
    // A client's specs talk to the server it calls (memory-client: the internal gRPC API), the runtime's
    // flow specs also drive the API and the client they compose with.
    files: ['libs/*/src/**/*.spec.ts', 'libs/*/test/**/*.int-spec.ts'],
    rules: {
      '@nx/enforce-module-boundaries': boundaries({ '*': [T, A, AS], [MC]: [API], [RT]: [API] }),
    },
  },
  {
    // An app's e2e/integration specs are the app's tier, plus libs/testing.
    files: ['apps/*/test/**/*.ts'],
    rules: { '@nx/enforce-module-boundaries': boundaries({ 'type:app': [T] }) },
  },
  {
    // Benchmarks drive the services' composition roots like an app's tests do: the app's tier plus
    // libs/testing, and these named app modules (the standalone composition root, the topology launcher).
    files: ['evaluation/bench/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': boundaries({ 'type:eval': [...ALLOWED['type:app'], T] }, [
        '../../apps/standalone/src/*',
        '../../../apps/standalone/src/*',
        '../../apps/gateway/test/services',
      ]),
    },
  },
];
