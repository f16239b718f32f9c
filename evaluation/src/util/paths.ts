import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** Repository root: the nearest ancestor holding pnpm-workspace.yaml. */
export function repoRoot(from: string = __dirname): string {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`no pnpm-workspace.yaml above ${from}`);
    dir = up;
  }
}

/**
 * CI clones the repo beside `shared/`, so the data lives at ../shared/data unless ENGRAM_EVAL_DATA says
 * otherwise (not ENGRAM_DATA_DIR: that is the server's own data directory).
 */
export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  return env['ENGRAM_EVAL_DATA'] ? resolve(env['ENGRAM_EVAL_DATA']) : resolve(repoRoot(), '..', 'shared', 'data');
}

export function locomoFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(dataDir(env), 'locomo', 'locomo10.dev.json');
}

export function prefevalDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(dataDir(env), 'prefeval');
}

export function resultsRoot(): string {
  return join(repoRoot(), 'evaluation', 'results');
}
