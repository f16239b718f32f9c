import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';

export const DEFAULT_SERVER_CMD = 'node scripts/engram.mjs serve --data-dir {dataDir} --port {port}';

export interface StartedServer {
  baseUrl: string;
  logFile: string;
  stop(): Promise<void>;
}

export interface StartOptions {
  cwd: string;
  /** Template with {port} and {dataDir}; ENGRAM_SERVER_CMD overrides the default. */
  command?: string;
  startTimeoutMs?: number;
  keepDataDir?: boolean;
}

export function renderCommand(template: string, port: number, dataDir: string): string {
  return template.replaceAll('{port}', String(port)).replaceAll('{dataDir}', dataDir);
}

async function waitForHealth(baseUrl: string, child: ChildProcess, deadline: number): Promise<void> {
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`server exited early (code ${child.exitCode ?? child.signalCode})`);
    try {
      const res = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`server not healthy at ${baseUrl}/health before the start timeout`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Spawns the standalone server on a free port with a throw-away data dir and waits for /health. */
export async function startServer(opts: StartOptions): Promise<StartedServer> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'engram-eval-'));
  const logFile = join(dataDir, 'server.log');
  const command = renderCommand(opts.command ?? process.env['ENGRAM_SERVER_CMD'] ?? DEFAULT_SERVER_CMD, port, dataDir);
  const log = createWriteStream(logFile);
  // Own process group, so stop() also ends whatever the shell started.
  const child = spawn(command, { cwd: opts.cwd, shell: true, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const baseUrl = `http://127.0.0.1:${port}`;
  let keepDataDir = opts.keepDataDir ?? false;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null && child.pid) {
      const exited = new Promise((r) => child.once('exit', r));
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // Already gone.
      }
      const timer = setTimeout(() => {
        try {
          if (child.pid) process.kill(-child.pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }, 5_000);
      await exited;
      clearTimeout(timer);
    }
    if (!keepDataDir) rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    // `engram serve` compiles before it listens, so the default allows a slow first build.
    const timeout = opts.startTimeoutMs ?? (Number(process.env['ENGRAM_SERVER_START_TIMEOUT_MS']) || 300_000);
    await waitForHealth(baseUrl, child, Date.now() + timeout);
  } catch (err) {
    const tail = safeTail(logFile);
    keepDataDir = true; // keep the log for the failure message
    await stop();
    throw new Error(`${(err as Error).message}\ncommand: ${command}\nlog (${logFile}):\n${tail}`);
  }
  return { baseUrl, logFile, stop };
}

function safeTail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-30).join('\n');
  } catch {
    return '(no log)';
  }
}
