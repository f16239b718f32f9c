import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { renderCommand, startServer } from './spawn';

describe('renderCommand', () => {
  it('fills {port} and {dataDir}', () => {
    expect(renderCommand('serve --data-dir {dataDir} --port {port} # {port}', 8123, '/tmp/d')).toBe('serve --data-dir /tmp/d --port 8123 # 8123');
  });
});

describe('startServer', () => {
  // A stand-in process that only answers /health: this tests spawning, readiness and shutdown.
  const healthOnly = `node -e "require('http').createServer((q,s)=>{s.statusCode=q.url==='/health'?200:404;s.end('{}')}).listen({port},'127.0.0.1')" # {dataDir}`;

  it('waits for /health, then stops the process group and removes the data dir', async () => {
    const server = await startServer({ cwd: process.cwd(), command: healthOnly, startTimeoutMs: 15_000 });
    const res = await fetch(`${server.baseUrl}/health`);
    expect(res.status).toBe(200);
    const dir = dirname(server.logFile);
    await server.stop();
    expect(existsSync(dir)).toBe(false);
    await expect(fetch(`${server.baseUrl}/health`)).rejects.toThrow();
  }, 30_000);

  it('reports an early exit with the log tail', async () => {
    await expect(startServer({ cwd: process.cwd(), command: 'echo boom-{port} && exit 3', startTimeoutMs: 10_000 })).rejects.toThrow(/exited early[\s\S]*boom-/);
  }, 20_000);
});
