import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What built the data directory's vectors; a different embedder means the vectors must be rebuilt. */
export interface DataDirMeta {
  embedder: string;
  dimension: number;
  created_at: string;
}

const FILE = 'engram.meta.json';

export function readMeta(dataDir: string): DataDirMeta | null {
  const p = join(dataDir, FILE);
  if (!existsSync(p)) return null;
  return JSON.parse(readFileSync(p, 'utf8')) as DataDirMeta;
}

export function writeMeta(dataDir: string, meta: DataDirMeta): void {
  const p = join(dataDir, FILE);
  writeFileSync(`${p}.tmp`, JSON.stringify(meta, null, 2));
  renameSync(`${p}.tmp`, p);
}
