import { execFile } from 'node:child_process';
import { join } from 'node:path';
import {
  appEntry,
  ensureCompiled,
  freePort,
  type NodeProcess,
  REPO_ROOT,
  startNodeProcess,
} from '@engram/testing';

export { freePort } from '@engram/testing';

export const ROOT = REPO_ROOT;
export type ServiceName = 'gateway' | 'ingestion' | 'mem-reader' | 'scheduler' | 'retrieval';

/** The compiled services (what services.sh runs); built on demand. */
export function ensureBuilt(services: ServiceName[]): void {
  ensureCompiled(services.map((s) => appEntry(s)));
}

/** One running service: `stop()` is SIGTERM then SIGKILL after a grace, `kill()` a crash (SIGKILL). */
export interface ServiceProcess extends Pick<NodeProcess, 'url' | 'child' | 'output' | 'stop' | 'kill'> {
  name: ServiceName;
}

/** Starts one service as its own OS process and waits for /ready. */
export async function startService(name: ServiceName, env: Record<string, string>): Promise<ServiceProcess> {
  const p = await startNodeProcess({
    name,
    entry: appEntry(name),
    port: await freePort(),
    env,
    probe: '/ready',
    startTimeoutMs: 90_000,
    pollMs: 200,
  });
  return { name, url: p.url, child: p.child, output: p.output, stop: p.stop, kill: p.kill };
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
