import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt, freePort, postJson, startServerProcess, waitExit } from './process';

jest.setTimeout(180_000);

describe('durability of the standalone server process', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'engram-crash-'));
  beforeAll(() => ensureBuilt());
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('kill -9 right after acknowledged adds loses nothing; data persists across restarts', async () => {
    const port = await freePort();
    let srv = await startServerProcess(dataDir, port);
    const acked: string[] = [];
    for (let i = 0; i < 25; i++) {
      const r = await postJson(`${srv.url}/product/add`, {
        user_id: 'crash',
        messages: [
          { role: 'user', content: `Crash fact ${i}: my locker code is ${1000 + i}.`, message_id: `c${i}` },
          { role: 'assistant', content: `Noted locker ${i}.`, message_id: `c${i}b` },
        ],
      });
      expect(r.status).toBe(200);
      acked.push(...r.body.data.map((m: { memory_id: string }) => m.memory_id));
    }
    srv.child.kill('SIGKILL'); // no shutdown hooks: nothing gets flushed
    await waitExit(srv.child);

    srv = await startServerProcess(dataDir, port);
    try {
      const all = await postJson(`${srv.url}/product/get_memory`, { mem_cube_id: 'crash' });
      const ids = all.body.data.text_mem[0].memories.map((m: { id: string }) => m.id);
      expect(new Set(ids)).toEqual(new Set(acked));
      // the indexes came back too: the last write is searchable by meaning and by keyword
      const s = await postJson(`${srv.url}/product/search`, { user_id: 'crash', query: 'locker code 1024', relativity: 0, dedup: 'no', top_k: 3 });
      const top = s.body.data.text_mem[0].memories[0];
      expect(top.memory).toContain('1024');
      expect(top.metadata.recalled_by).toEqual(expect.arrayContaining(['vector', 'bm25']));
      // a retried add after the crash does not duplicate
      await postJson(`${srv.url}/product/add`, {
        user_id: 'crash',
        messages: [
          { role: 'user', content: 'Crash fact 24: my locker code is 1024.', message_id: 'c24' },
          { role: 'assistant', content: 'Noted locker 24.', message_id: 'c24b' },
        ],
      });
      const again = await postJson(`${srv.url}/product/get_memory`, { mem_cube_id: 'crash' });
      expect(again.body.data.text_mem[0].total_nodes).toBe(acked.length);
    } finally {
      srv.child.kill('SIGTERM');
      await waitExit(srv.child);
    }
    // graceful stop then restart: still all there
    srv = await startServerProcess(dataDir, port);
    try {
      const all = await postJson(`${srv.url}/product/get_memory`, { mem_cube_id: 'crash' });
      expect(all.body.data.text_mem[0].total_nodes).toBe(acked.length);
    } finally {
      srv.child.kill('SIGTERM');
      await waitExit(srv.child);
    }
  });
});
