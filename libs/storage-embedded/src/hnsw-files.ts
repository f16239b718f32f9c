import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HierarchicalNSW } from 'hnswlib-node';

/** What a checkpoint file holds, written next to the index so both are replaced together. */
interface Manifest {
  format: 1;
  tenant_id: string;
  cube_id: string;
  dimension: number;
  /** Last change-log sequence reflected in the index file. */
  seq: number;
  sha256: string;
}

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');
const OWN_FILE = /^[0-9a-f]{32}\.(hnsw|json)(\.tmp)?$/;

/**
 * HNSW checkpoint files: `<key>.hnsw` (hnswlib's format) and `<key>.json` (manifest with the change
 * sequence and a checksum). The files are only a cache of the SQLite table, so a torn or foreign file
 * is simply rejected; the checksum matters because hnswlib can crash the process on a corrupt file.
 */
export class HnswFiles {
  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  /** File-name-safe key for any tenant/cube strings. */
  key(tenant: string, cube: string): string {
    return createHash('sha256').update(`${tenant}\u0000${cube}`).digest('hex').slice(0, 32);
  }

  save(tenant: string, cube: string, hnsw: HierarchicalNSW, seq: number): void {
    const key = this.key(tenant, cube);
    const index = join(this.dir, `${key}.hnsw`);
    const manifest = join(this.dir, `${key}.json`);
    hnsw.writeIndexSync(`${index}.tmp`);
    const m: Manifest = {
      format: 1,
      tenant_id: tenant,
      cube_id: cube,
      dimension: hnsw.getNumDimensions(),
      seq,
      sha256: sha256(readFileSync(`${index}.tmp`)),
    };
    // A crash between the two renames leaves a checksum mismatch, which load() treats as "no file".
    renameSync(`${index}.tmp`, index);
    writeFileSync(`${manifest}.tmp`, JSON.stringify(m));
    renameSync(`${manifest}.tmp`, manifest);
  }

  /** The checkpointed index and its sequence, or null when missing, torn, corrupt or for other data. */
  load(tenant: string, cube: string, dimension: number): { hnsw: HierarchicalNSW; seq: number } | null {
    const key = this.key(tenant, cube);
    try {
      const m = JSON.parse(readFileSync(join(this.dir, `${key}.json`), 'utf8')) as Partial<Manifest>;
      if (m.format !== 1 || m.tenant_id !== tenant || m.cube_id !== cube || m.dimension !== dimension)
        return null;
      if (typeof m.seq !== 'number') return null;
      const path = join(this.dir, `${key}.hnsw`);
      if (sha256(readFileSync(path)) !== m.sha256) return null;
      const hnsw = new HierarchicalNSW('cosine', dimension);
      hnsw.readIndexSync(path);
      return { hnsw, seq: m.seq };
    } catch {
      return null; // missing or unreadable: the caller rebuilds from SQLite
    }
  }

  /** Removes every checkpoint file this class wrote (and nothing else in the directory). */
  removeAll(): void {
    for (const name of readdirSync(this.dir)) {
      if (OWN_FILE.test(name)) rmSync(join(this.dir, name), { force: true });
    }
  }
}
