import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import request from 'supertest';
import { loadConfig } from '../src/config';
import { createStandaloneApp, type StandaloneApp } from '../src/standalone';

export interface TestServer {
  app: StandaloneApp;
  http: ReturnType<typeof request>;
  dataDir: string;
  stop(): Promise<void>;
}

/** A real standalone app on a temp data dir, driven over HTTP with supertest. */
export async function startTestServer(env: Record<string, string> = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'engram-e2e-'));
  const cfg = loadConfig({ ENGRAM_DATA_DIR: dataDir, ENGRAM_LOG_LEVEL: 'error', ENGRAM_SWAGGER: 'true', ...env });
  // Only the given env: a developer's ENGRAM_LLM_* must not leak into tests.
  const app = await createStandaloneApp(cfg, undefined, env);
  await app.app.init();
  const server = app.app.getHttpServer() as Server;
  return {
    app,
    http: request(server),
    dataDir,
    stop: async () => {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
