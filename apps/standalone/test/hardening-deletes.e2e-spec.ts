import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import request from 'supertest';
import { loadConfig } from '../src/config';
import { createStandaloneApp, type StandaloneApp } from '../src/standalone';

jest.setTimeout(120_000);

/**
 * Issue 10 item 6, through HTTP against a standalone server on one data directory that outlives a
 * restart: a deleted memory stays deleted (a retried add does not bring it back), its text leaves every
 * file of the data directory, and the chain of windows around it is relinked.
 */
describe('deletes are final (standalone server over HTTP)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'engram-deletes-'));
  let app: StandaloneApp | undefined;
  let http: ReturnType<typeof request>;

  const start = async () => {
    const env = { ENGRAM_EMBEDDER: 'hashing', ENGRAM_WINDOW_TOKENS: '40', ENGRAM_WINDOW_OVERLAP: '0' };
    const cfg = loadConfig({ ENGRAM_DATA_DIR: dataDir, ENGRAM_LOG_LEVEL: 'error', ...env });
    app = await createStandaloneApp(cfg, undefined, env);
    await app.app.init();
    http = request(app.app.getHttpServer() as Server);
  };
  const restart = async () => {
    await app?.close();
    await start();
  };
  beforeAll(start);
  afterAll(async () => {
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const add = (body: object, key?: string) => {
    const r = http.post('/product/add');
    return (key ? r.set('Idempotency-Key', key) : r).send(body).expect(200);
  };
  const ids = (r: request.Response): string[] => r.body.data.map((m: { memory_id: string }) => m.memory_id);
  const remove = (memoryIds: string[]) =>
    http.post('/product/delete_memory').send({ memory_ids: memoryIds }).expect(200);
  const listed = async (cube: string): Promise<string[]> =>
    (
      await http.post('/product/get_memory').send({ mem_cube_id: cube }).expect(200)
    ).body.data.text_mem[0].memories.map((m: { id: string }) => m.id);

  /** Every file under the data directory (db, -wal, -shm, hnsw/…), as bytes. */
  const filesHolding = (needle: string): string[] => {
    const hits: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (readFileSync(path).includes(Buffer.from(needle, 'utf8'))) hits.push(path);
      }
    };
    walk(dataDir);
    return hits;
  };

  it('a retry with the same Idempotency-Key after a delete stores nothing and says which ids it refused', async () => {
    const body = {
      user_id: 'retry',
      messages: [{ role: 'user', content: 'My locker code is 4417.', message_id: 'm1' }],
    };
    const first = await add(body, 'req-del-1');
    expect(first.body.message).toBe('Memory added successfully');
    const gone = ids(first);
    await remove(gone);
    const retry = await add(body, 'req-del-1');
    expect(retry.body).toMatchObject({ code: 200, data: [], refused_ids: gone });
    expect(retry.body.message).toMatch(/^Nothing stored: .*deleted/);
    expect(await listed('retry')).toEqual([]);
    expect((await http.get(`/product/get_memory/${gone[0]}`)).status).toBe(404);
    // the documented way to store it again: a new key, new ids
    const again = await add(body, 'req-del-2');
    expect(again.body.message).toBe('Memory added successfully');
    expect(again.body.refused_ids).toBeUndefined();
    expect(ids(again)).toHaveLength(1);
    expect(ids(again)[0]).not.toBe(gone[0]);
    expect(await listed('retry')).toEqual(ids(again));
  });

  it('a retry of the same content (no key) after a delete stores nothing, also after a restart', async () => {
    const body = {
      user_id: 'content',
      messages: [{ role: 'user', content: 'I park on level 3, bay 12.', message_id: 'p1' }],
    };
    const gone = ids(await add(body));
    await remove(gone);
    expect((await add(body)).body).toMatchObject({ data: [], refused_ids: gone });
    await restart();
    expect((await add(body)).body).toMatchObject({ data: [], refused_ids: gone });
    expect(await listed('content')).toEqual([]);
    // the cloud-style route answers the same way
    const cloud = await http
      .post('/add/message')
      .send({ user_id: 'content', messages: body.messages })
      .expect(200);
    expect(cloud.body.data).toMatchObject({ memory_ids: [], refused_ids: gone });
    expect(cloud.body.message).toMatch(/^Nothing stored/);
  });

  it("deleting a window relinks its neighbour's preceding_id to the window before it", async () => {
    const messages = Array.from({ length: 8 }, (_, i) => ({
      role: i % 2 ? 'assistant' : 'user',
      content: `Chapter ${i} of the garden diary: the tomatoes grew ${i} centimetres this week.`,
      message_id: `g${i}`,
    }));
    const w = ids(await add({ user_id: 'chain', messages }));
    expect(w.length).toBeGreaterThanOrEqual(3);
    const get = async (id: string) => (await http.get(`/product/get_memory/${id}`).expect(200)).body.data;
    expect((await get(w[2]!)).metadata.preceding_id).toBe(w[1]);
    await remove([w[1]!]);
    expect((await get(w[2]!)).metadata.preceding_id).toBe(w[0]);
    await restart();
    expect((await get(w[2]!)).metadata.preceding_id).toBe(w[0]);
  });

  it('deleted text leaves every file of the data directory (db, WAL, FTS index, HNSW), across a restart', async () => {
    const secret = 'Quokkaxylophone Vermillion-8842 is my bank passphrase';
    const tokens = ['quokkaxylophone', 'Quokkaxylophone', 'vermillion', 'Vermillion-8842'];
    const r = await add({
      user_id: 'secret',
      messages: [{ role: 'user', content: secret, message_id: 's1' }],
    });
    // the probe can see it: before the delete the text is on disk
    expect(filesHolding('Quokkaxylophone').length).toBeGreaterThan(0);
    expect(filesHolding('quokkaxylophone').length).toBeGreaterThan(0); // the full-text index's token
    const d = await remove(ids(r));
    expect(d.body.data.deleted).toBe(1);
    for (const t of tokens) expect({ token: t, files: filesHolding(t) }).toEqual({ token: t, files: [] });
    await restart();
    for (const t of tokens) expect({ token: t, files: filesHolding(t) }).toEqual({ token: t, files: [] });
    const s = await http
      .post('/product/search')
      .send({ user_id: 'secret', query: 'Quokkaxylophone passphrase', relativity: 0, dedup: 'no' })
      .expect(200);
    expect(s.body.data.text_mem[0].memories).toEqual([]);
  });
});
