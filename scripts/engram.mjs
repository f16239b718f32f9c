#!/usr/bin/env node
// The project's one entry point: `npm start` and `npm test` come here. Plain Node, no dependencies:
// it installs what the project needs (packages through pnpm, the embedding model) before running.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
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
    step('checking generated gRPC code is current');
    run(process.execPath, ['scripts/gen-proto.mjs', '--check']);
    step('linting (module boundaries included)');
    // the boundary rule needs Nx's project graph; computing it once here makes the rule run, not skip
    run(process.execPath, ['node_modules/nx/bin/nx.js', 'show', 'projects'], { stdio: 'ignore' });
    run(process.execPath, ['node_modules/eslint/bin/eslint.js', '.', '--max-warnings=0']);
    build();
    step('unit and end-to-end tests');
    jest(['--selectProjects', 'unit', 'e2e', '--ci', ...args]);
    step('evaluation smoke (LoCoMo, one conversation, through the HTTP API)');
    run(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'evaluation/src/cli.ts', 'smoke', '--start']);
    break;
  }
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
