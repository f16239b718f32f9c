import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..', '..');
export type ServiceName = 'gateway' | 'ingestion' | 'mem-reader' | 'scheduler' | 'retrieval';

const entry = (svc: ServiceName) => join(ROOT, 'dist', 'apps', svc, 'src', 'main.js');

/** The compiled services (what services.sh runs); built on demand. */
export function ensureBuilt(services: ServiceName[]): void {
  if (services.every((s) => existsSync(entry(s)))) return;
  const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('build failed');
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

export interface ServiceProcess {
  name: ServiceName;
  url: string;
  child: ChildProcess;
  output(): string;
  /** SIGTERM, then the exit code (SIGKILL after timeoutMs). */
  stop(timeoutMs?: number): Promise<number | null>;
  /** SIGKILL (a crash: no drain, no commit), resolves once the process is gone. */
  kill(): Promise<void>;
}

/** Starts one service as its own OS process and waits for /ready. */
export async function startService(name: ServiceName, env: Record<string, string>): Promise<ServiceProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['-r', join(ROOT, 'scripts/register-paths.cjs'), entry(name)], {
    cwd: ROOT,
    env: { ...process.env, ENGRAM_LOG_LEVEL: 'warn', ...env, ENGRAM_PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const stop = async (timeoutMs = 40_000) => {
    if (child.exitCode !== null) return child.exitCode;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    const code = await exited;
    clearTimeout(timer);
    return code;
  };
  const kill = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGKILL');
    await exited;
  };
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}:\n${out}`);
    const r = await fetch(`${url}/ready`).catch(() => null);
    if (r?.ok) return { name, url, child, output: () => out, stop, kill };
    await new Promise((res) => setTimeout(res, 200));
  }
  await stop(1000);
  throw new Error(`${name} did not become ready:\n${out}`);
}

export async function http(
  method: 'GET' | 'POST',
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests assert on the JSON shape directly
): Promise<{ status: number; body: any }> {
  const r = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: r.status, body: await r.json() };
}

/** The five services of the cluster shape, each its own process, sharing one environment. */
export interface Topology {
  gateway: ServiceProcess;
  scheduler: ServiceProcess;
  /** Every process started (restarts included), in start order. */
  procs: ServiceProcess[];
  /** The live process of a service. */
  get(name: ServiceName): ServiceProcess;
  /** Starts a service again with its environment (and gRPC port) after it died or stopped. */
  restart(name: ServiceName): Promise<ServiceProcess>;
  /** Gateway first (stop intake), then the others; the exit codes of the processes still running. */
  stop(): Promise<(number | null)[]>;
}

/**
 * Starts scheduler, mem-reader, ingestion and retrieval (consumers first, so their groups have joined
 * before anything is published), then the gateway wired to ingestion and retrieval over gRPC. On a
 * failed start whatever started is stopped before the error is rethrown.
 */
export async function startTopology(env: Record<string, string>): Promise<Topology> {
  ensureBuilt(['gateway', 'ingestion', 'retrieval', 'mem-reader', 'scheduler']);
  const [ingestionGrpc, retrievalGrpc] = [await freePort(), await freePort()];
  const envs: Record<ServiceName, Record<string, string>> = {
    scheduler: env,
    'mem-reader': env,
    ingestion: { ...env, ENGRAM_GRPC_PORT: String(ingestionGrpc) },
    retrieval: { ...env, ENGRAM_GRPC_PORT: String(retrievalGrpc) },
    gateway: {
      ...env,
      ENGRAM_INGESTION_ADDRESS: `127.0.0.1:${ingestionGrpc}`,
      ENGRAM_RETRIEVAL_ADDRESS: `127.0.0.1:${retrievalGrpc}`,
    },
  };
  const procs: ServiceProcess[] = [];
  const live = new Map<ServiceName, ServiceProcess>();
  const stopAll = async () => {
    const codes: (number | null)[] = [];
    for (const p of [...live.values()].reverse()) codes.push(await p.stop());
    return codes;
  };
  const start = async (name: ServiceName) => {
    const p = await startService(name, envs[name]);
    procs.push(p);
    live.set(name, p);
    return p;
  };
  const settled = await Promise.allSettled(
    (['scheduler', 'mem-reader', 'ingestion', 'retrieval'] as const).map((n) => start(n)),
  );
  const failed = settled.find((r) => r.status === 'rejected');
  if (failed) {
    await stopAll();
    throw failed.reason;
  }
  await start('gateway').catch(async (err: unknown) => {
    await stopAll();
    throw err;
  });
  const get = (name: ServiceName) => live.get(name)!;
  return {
    get gateway() {
      return get('gateway');
    },
    get scheduler() {
      return get('scheduler');
    },
    procs,
    get,
    restart: start,
    stop: stopAll,
  };
}

/** `deploy/local/infra.sh <action> <server>` (e.g. stop and start Kafka under a running topology). */
export function infra(
  action: 'up' | 'down',
  server: 'kafka' | 'opensearch' | 'neo4j' | 'milvus',
): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'bash',
      [join(ROOT, 'deploy/local/infra.sh'), action, server],
      { cwd: ROOT, timeout: 180_000 },
      (err, stdout, stderr) =>
        err
          ? reject(new Error(`infra.sh ${action} ${server}: ${err.message}\n${stdout}${stderr}`))
          : resolve(stdout + stderr),
    );
  });
}
