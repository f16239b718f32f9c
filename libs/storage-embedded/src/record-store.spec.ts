import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describeRecordStoreConformance, makeMemory } from '@engram/testing';
import { SqliteRecordStore } from './record-store';

describeRecordStoreConformance('SqliteRecordStore', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'engram-records-'));
  const path = join(dir, 'engram.db');
  return {
    store: new SqliteRecordStore(path),
    reopen: async () => new SqliteRecordStore(path),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

describe('SqliteRecordStore on a file from before tombstones', () => {
  it('adds the preceding_id column from the stored items, so an older chain relinks too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'engram-records-old-'));
    const path = join(dir, 'engram.db');
    try {
      const first = makeMemory({ memory: 'first window' });
      const second = makeMemory({ memory: 'second window', preceding_id: first.id });
      const old = new Database(path);
      old.exec(`CREATE TABLE memories (row_id INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, tenant_id TEXT NOT NULL,
        cube_id TEXT NOT NULL, user_id TEXT NOT NULL, session_id TEXT NOT NULL, status TEXT NOT NULL,
        created_at TEXT NOT NULL, updated_at TEXT NOT NULL, pending_index INTEGER NOT NULL DEFAULT 1, item TEXT NOT NULL)`);
      const insert =
        old.prepare(`INSERT INTO memories (id, tenant_id, cube_id, user_id, session_id, status, created_at,
        updated_at, pending_index, item) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?)`);
      for (const m of [first, second])
        insert.run(
          m.id,
          m.tenant_id,
          m.cube_id,
          m.user_id,
          m.session_id,
          m.status,
          m.created_at,
          m.updated_at,
          JSON.stringify(m),
        );
      old.close();
      const store = new SqliteRecordStore(path);
      const out = await store.delete([first.id]);
      expect(out.relinked.map((m) => [m.id, m.preceding_id])).toEqual([[second.id, null]]);
      await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
