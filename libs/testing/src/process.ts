/**
 * Real OS processes for end-to-end tests and benchmarks: a free port, the compiled apps, and a node
 * process that is started with its environment, waited on until an HTTP probe answers, and stopped
 * with SIGTERM (SIGKILL after a grace period) or killed outright.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** The repository root (libs/testing/src → ../../..). */
export const REPO_ROOT = join(__dirname, '..', '..', '..');

/** A TCP port that was free on 127.0.0.1 a moment ago. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/** The compiled entry point of an app (`dist/apps/<app>/src/main.js`). */
export function appEntry(app: string, root: string = REPO_ROOT): string {
  return join(root, 'dist', 'apps', app, 'src', 'main.js');
}

/** Compiles the tree (`tsc -p tsconfig.build.json`) unless every given entry point exists already. */
export function ensureCompiled(entries: readonly string[], root: string = REPO_ROOT): void {
  if (entries.every((e) => existsSync(e))) return;
  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('build failed');
}

/** Resolves once the child has exited (at once if it already has). */
export function waitExit(child: ChildProcess): Promise<void> {
  return new Promise<void>((resolve) =>
    child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve()),
  );
}

export interface NodeProcessOptions {
  /** What the process is called in errors (`gateway`, `server`). */
  name: string;
  /** The compiled script, run as `node -r scripts/register-paths.cjs <entry>`. */
  entry: string;
  /** The HTTP port the process listens on (passed as ENGRAM_PORT). */
  port: number;
  /** Environment on top of this process's; ENGRAM_LOG_LEVEL defaults to warn, ENGRAM_PORT is `port`. */
  env?: Record<string, string>;
  /** The path that answers 2xx once the process is up (`/health`, `/ready`). Default `/health`. */
  probe?: string;
  /** How long to wait for the probe. Default 60 s. */
  startTimeoutMs?: number;
  /** Between probes. Default 100 ms. */
  pollMs?: number;
  /** stop()'s default grace before SIGKILL. Default 40 s. */
  stopTimeoutMs?: number;
  /** Grace given on a failed start before SIGKILL. Default 1 s. */
  failedStartStopMs?: number;
  /** The working directory and where scripts/register-paths.cjs is. Default the repository root. */
  root?: string;
}

export interface NodeProcess {
  url: string;
  pid: number;
  child: ChildProcess;
  /** Milliseconds from spawn to the first successful probe. */
  startMs: number;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** SIGTERM, then the exit code (SIGKILL after timeoutMs). */
  stop(timeoutMs?: number): Promise<number | null>;
  /** SIGKILL (a crash: no drain, no commit), resolves once the process is gone. */
  kill(): Promise<void>;
}

/**
 * Spawns a compiled app as its own OS process, captures its output and waits until its probe
 * answers. Throws (with the output) when it exits or does not come up in time; a process that did not
 * come up is stopped first.
 */
export async function startNodeProcess(opts: NodeProcessOptions): Promise<NodeProcess> {
  const root = opts.root ?? REPO_ROOT;
  const t0 = performance.now();
  const child = spawn(process.execPath, ['-r', join(root, 'scripts/register-paths.cjs'), opts.entry], {
    cwd: root,
    env: { ...process.env, ENGRAM_LOG_LEVEL: 'warn', ...opts.env, ENGRAM_PORT: String(opts.port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  const stop = async (timeoutMs = opts.stopTimeoutMs ?? 40_000) => {
    if (gone()) return child.exitCode;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    const code = await exited;
    clearTimeout(timer);
    return code;
  };
  const kill = async () => {
    if (gone()) return;
    child.kill('SIGKILL');
    await exited;
  };
  const url = `http://127.0.0.1:${opts.port}`;
  const probe = `${url}${opts.probe ?? '/health'}`;
  const deadline = Date.now() + (opts.startTimeoutMs ?? 60_000);
  while (Date.now() < deadline) {
    if (gone()) throw new Error(`${opts.name} exited with ${child.exitCode ?? child.signalCode}:\n${out}`);
    const r = await fetch(probe).catch(() => null);
    if (r?.ok)
      return { url, pid: child.pid!, child, startMs: performance.now() - t0, output: () => out, stop, kill };
    await new Promise((res) => setTimeout(res, opts.pollMs ?? 100));
  }
  await stop(opts.failedStartStopMs ?? 1000);
  throw new Error(`${opts.name} did not answer ${opts.probe ?? '/health'} in time:\n${out}`);
}
