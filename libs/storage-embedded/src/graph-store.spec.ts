import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeGraphStoreConformance } from '@engram/testing';
import { SqliteGraphStore } from './graph-store';

describeGraphStoreConformance('SqliteGraphStore', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'engram-graph-'));
  const path = join(dir, 'engram.db');
  return {
    store: new SqliteGraphStore(path),
    reopen: async () => new SqliteGraphStore(path),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});
