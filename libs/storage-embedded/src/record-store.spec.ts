import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeRecordStoreConformance } from '@engram/testing';
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
