import type { ChildProcess } from 'node:child_process';
import { appEntry, ensureCompiled, REPO_ROOT, startNodeProcess } from '@engram/testing';

export { freePort, waitExit } from '@engram/testing';

export const ROOT = REPO_ROOT;
const MAIN = appEntry('standalone');

/** The compiled server (what `npm start` runs); built on demand when a test runs alone. */
export function ensureBuilt(): void {
  ensureCompiled([MAIN]);
}

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  output: () => string;
}

/** Starts the real server as its own OS process and waits for /health. */
export async function startServerProcess(
  dataDir: string,
  port: number,
  env: Record<string, string> = {},
): Promise<ServerProcess> {
  const p = await startNodeProcess({
    name: 'server',
    entry: MAIN,
    port,
    env: { ENGRAM_DATA_DIR: dataDir, ...env },
  });
  return { url: p.url, child: p.child, output: p.output };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests assert on the JSON shape directly
export async function postJson(url: string, body: unknown): Promise<{ status: number; body: any }> {
  const r = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: r.status, body: await r.json() };
}
