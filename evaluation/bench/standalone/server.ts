/** The compiled standalone server as a separate OS process, and a keep-alive JSON client for it. */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { appEntry, freePort, startNodeProcess } from '@engram/testing';

/** Newest mtime of the TypeScript sources that `npm run build` compiles. */
function newestSource(root: string): number {
  let newest = 0;
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (name.endsWith('.ts') && !/\.(spec|test|fixture)\.ts$|\.spec-/.test(name))
        newest = Math.max(newest, st.mtimeMs);
    }
  };
  for (const top of ['libs', 'apps']) {
    for (const pkg of readdirSync(join(root, top)))
      if (existsSync(join(root, top, pkg, 'src'))) walk(join(root, top, pkg, 'src'));
  }
  return newest;
}

/** Runs `npm run build` when dist is missing or older than a source file. Returns whether it built. */
export function ensureBuilt(root: string, log: (s: string) => void): boolean {
  const info = join(root, 'dist', '.tsbuildinfo');
  const main = appEntry('standalone', root);
  if (existsSync(main) && existsSync(info) && statSync(info).mtimeMs >= newestSource(root)) return false;
  log('dist is missing or stale: npm run build');
  const r = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('npm run build failed');
  return true;
}

export interface ServerProcess {
  url: string;
  pid: number;
  child: ChildProcess;
  /** Milliseconds from spawn to the first healthy /health. */
  startMs: number;
  output(): string;
  stop(): Promise<void>;
}

/** Spawns `node -r scripts/register-paths.cjs dist/apps/standalone/src/main.js` and waits for /health. */
export async function startServer(
  root: string,
  dataDir: string,
  env: Record<string, string> = {},
): Promise<ServerProcess> {
  const p = await startNodeProcess({
    name: 'server',
    root,
    entry: appEntry('standalone', root),
    port: await freePort(),
    env: { ENGRAM_DATA_DIR: dataDir, ...env },
    startTimeoutMs: 600_000, // a first boot on a big dir may replay or rebuild indexes
    // the server checkpoints HNSW and closes SQLite on SIGTERM
    stopTimeoutMs: 120_000,
    failedStartStopMs: 120_000,
  });
  return { ...p, stop: async () => void (await p.stop()) };
}

export interface Timed<T> {
  ms: number;
  status: number;
  body: T;
}

/** POSTs JSON over a keep-alive agent and times the full round trip (request to last body byte). */
export class JsonClient {
  private readonly agent: Agent;

  constructor(
    private readonly base: string,
    concurrency: number,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  }

  post<T>(path: string, body: unknown): Promise<Timed<T>> {
    const payload = Buffer.from(JSON.stringify(body));
    const url = new URL(path, this.base);
    return new Promise((resolve, reject) => {
      const t0 = performance.now();
      const req = request(
        url,
        {
          method: 'POST',
          agent: this.agent,
          headers: { 'content-type': 'application/json', 'content-length': payload.length },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const ms = performance.now() - t0;
            try {
              resolve({
                ms,
                status: res.statusCode ?? 0,
                body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as T,
              });
            } catch (e) {
              reject(e instanceof Error ? e : new Error(String(e)));
            }
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
