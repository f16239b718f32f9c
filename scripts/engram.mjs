#!/usr/bin/env node
// The project's one entry point: `npm start` and `npm test` come here. Plain Node, no dependencies:
// it installs what the project needs (packages through pnpm, the embedding model) before running.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const PNPM = ['-y', 'pnpm@10.34.8'];
const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' };
// Native addons (better-sqlite3, hnswlib-node) build against the local Node headers when present,
// so an offline machine never tries to download them.
if (!env.npm_config_nodedir && existsSync('/usr/include/node/node.h')) env.npm_config_nodedir = '/usr';

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit', env, ...opts });
  if (r.error) throw r.error;
  if (r.status !== 0) {
    console.error(`\n✖ ${cmd} ${args.join(' ')} exited with ${r.status ?? r.signal}`);
    process.exit(r.status ?? 1);
  }
}

const step = (title) => console.log(`\n▶ ${title}`);
const mtime = (p) => (existsSync(p) ? statSync(p).mtimeMs : 0);

function installPackages() {
  const marker = join(ROOT, 'node_modules', '.pnpm', 'lock.yaml');
  if (existsSync(marker) && mtime(marker) >= mtime(join(ROOT, 'pnpm-lock.yaml'))) return;
  step('installing packages (pnpm)');
  run('npx', [...PNPM, 'install', '--frozen-lockfile']);
}

function installModel() {
  step('installing the local embedding model');
  run(process.execPath, ['scripts/install-model.mjs']);
}

function build() {
  step('building');
  run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json']);
}

function serve(args) {
  run(process.execPath, ['-r', './scripts/register-paths.cjs', 'dist/apps/standalone/src/main.js', ...args]);
}

const jest = (args) => run(process.execPath, ['--expose-gc', 'node_modules/jest/bin/jest.js', ...args]);

/** `export KEY=VALUE` lines of the env file written by deploy/local/infra.sh. */
function readInfraEnv() {
  const file = join(env.ENGRAM_INFRA_DIR || join(ROOT, '.cache', 'infra'), 'env.sh');
  const out = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^export ([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m) out[m[1]] = m[2].replace(/^(['"])(.*)\1$/, '$2');
  }
  return out;
}

/**
 * Starts the real servers, runs the integration tier against them, and always stops them again
 * (also when a step fails or the run is interrupted). Exits with the first failure.
 */
function integrationTests(args) {
  step('integration tests on the real servers (deploy/local/infra.sh: Kafka, OpenSearch, Neo4j, Milvus)');
  const attempt = (cmd, a, opts = {}) => {
    const r = spawnSync(cmd, a, { cwd: ROOT, stdio: 'inherit', env, ...opts });
    return r.error ? 1 : (r.status ?? 1);
  };
  // Ctrl-C reaches the children; this process stays alive long enough to bring the servers down.
  const ignore = () => {};
  process.on('SIGINT', ignore);
  process.on('SIGTERM', ignore);
  let status = 1;
  try {
    status = attempt('bash', ['deploy/local/infra.sh', 'up']); // prints the log tail of a server that fails
    if (status === 0) {
      // CI=true: a test that finds no server address fails instead of skipping.
      const withServers = { ...env, ...readInfraEnv(), CI: 'true' };
      const jestArgs = ['--expose-gc', 'node_modules/jest/bin/jest.js', '--selectProjects', 'integration', '--ci', '--runInBand', ...args];
      status = attempt(process.execPath, jestArgs, { env: withServers });
    }
  } finally {
    const down = attempt('bash', ['deploy/local/infra.sh', 'down']);
    process.off('SIGINT', ignore);
    process.off('SIGTERM', ignore);
    if (status === 0 && down !== 0) status = down;
  }
  if (status !== 0) {
    console.error(`\n✖ integration tests failed (exit ${status}); servers were stopped`);
    process.exit(status);
  }
}

const [command = 'start', ...args] = process.argv.slice(2);
switch (command) {
  case 'setup':
    installPackages();
    installModel();
    break;
  case 'start':
    installPackages();
    installModel();
    build();
    serve(args);
    break;
  case 'serve':
    build();
    serve(args);
    break;
  case 'test': {
    installPackages();
    installModel();
    step('type checking');
    run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json', '--noEmit']);
    // benchmarks are scripts, not tests: type-checking them keeps them runnable
    run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'evaluation/bench/tsconfig.json']);
    step('checking generated gRPC code is current');
    run(process.execPath, ['scripts/gen-proto.mjs', '--check']);
    step('linting (module boundaries included)');
    // the boundary rule needs Nx's project graph; computing it once here makes the rule run, not skip
    run(process.execPath, ['node_modules/nx/bin/nx.js', 'show', 'projects'], { stdio: ['ignore', 'ignore', 'inherit'] });
    run(process.execPath, ['node_modules/eslint/bin/eslint.js', '.', '--max-warnings=0']);
    build();
    step('unit and end-to-end tests');
    jest(['--selectProjects', 'unit', 'e2e', '--ci', ...args]);
    step('schema fuzzing (Schemathesis against a real server; /health must answer in < 1 s throughout)');
    run(process.execPath, ['scripts/fuzz.mjs']);
    integrationTests(args);
    step('evaluation smoke (LoCoMo, one conversation, through the HTTP API)');
    run(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'evaluation/src/cli.ts', 'smoke', '--start']);
    break;
  }
  case 'reindex':
    build();
    run(process.execPath, ['-r', './scripts/register-paths.cjs', 'dist/apps/standalone/src/reindex.js', ...args]);
    break;
  case 'eval':
    installPackages();
    installModel();
    build();
    run(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'evaluation/src/cli.ts', ...args]);
    break;
  default:
    console.error(`unknown command ${command}; use start | serve | test | eval | setup`);
    process.exit(2);
}
