import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeVectorIndexConformance, seededRandom } from '@engram/testing';
import { HnswVectorIndex, type HnswVectorIndexOptions } from './vector-index';

const DIM = 32;

describeVectorIndexConformance('HnswVectorIndex', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'engram-vectors-'));
  const options = { db: join(dir, 'engram.db'), dir: join(dir, 'hnsw'), dimension: DIM };
  return {
    index: new HnswVectorIndex(options),
    reopen: async () => new HnswVectorIndex(options),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

describe('HnswVectorIndex durability', () => {
  let dir: string;
  let options: HnswVectorIndexOptions;
  const open: HnswVectorIndex[] = [];
  const scope = { tenant_id: 't', cube_ids: ['c'] };
  const rand = seededRandom(7);
  const vector = () => Float32Array.from({ length: DIM }, () => rand() * 2 - 1);
  const docs = (n: number, prefix: string) =>
    Array.from({ length: n }, (_, i) => ({
      id: `${prefix}${i}`,
      tenant_id: 't',
      cube_id: 'c',
      vector: vector(),
    }));
  const make = (o: Partial<HnswVectorIndexOptions> = {}) => {
    const index = new HnswVectorIndex({ ...options, ...o });
    open.push(index);
    return index;
  };
  const hnswFiles = () => readdirSync(options.dir).filter((f) => f.endsWith('.hnsw'));
  /** Every doc is found as its own nearest neighbour. */
  const expectAllPresent = async (index: HnswVectorIndex, all: { id: string; vector: Float32Array }[]) => {
    expect(await index.count(scope)).toBe(all.length);
    for (const d of all) expect((await index.search(scope, d.vector, 1))[0]?.id).toBe(d.id);
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'engram-vectors-'));
    options = { db: join(dir, 'engram.db'), dir: join(dir, 'hnsw'), dimension: DIM };
  });
  afterEach(async () => {
    for (const index of open.splice(0)) await index.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('checkpoints on close and loads the file on reopen', async () => {
    const first = make();
    const all = docs(100, 'a');
    await first.upsert(all);
    await first.close();
    expect(hnswFiles()).toHaveLength(1);
    const second = make();
    await expectAllPresent(second, all);
    expect(second.loadedFrom('t', 'c')).toBe('file');
  });

  it('grows past its initial capacity', async () => {
    const index = make({ initialCapacity: 16 });
    const all = docs(200, 'g');
    await index.upsert(all.slice(0, 10));
    await index.upsert(all.slice(10));
    await expectAllPresent(index, all);
  });

  it('rebuilds from SQLite when the index file is missing', async () => {
    const first = make();
    const all = docs(60, 'm');
    await first.upsert(all);
    await first.close();
    for (const f of hnswFiles()) rmSync(join(options.dir, f));
    const second = make();
    await expectAllPresent(second, all);
    expect(second.loadedFrom('t', 'c')).toBe('rebuild');
  });

  it('rebuilds from SQLite when the index file is corrupt', async () => {
    const first = make();
    const all = docs(60, 'x');
    await first.upsert(all);
    await first.close();
    for (const f of hnswFiles()) writeFileSync(join(options.dir, f), Buffer.alloc(4096, 7));
    const second = make();
    await expectAllPresent(second, all);
    expect(second.loadedFrom('t', 'c')).toBe('rebuild');
  });

  it('recovers after a crash that skipped close (no checkpoint yet)', async () => {
    const crashed = make();
    const all = docs(80, 'c');
    await crashed.upsert(all);
    await crashed.delete(['c0']);
    // No close(): a new instance on the same files sees only what SQLite committed.
    const recovered = make();
    await expectAllPresent(recovered, all.slice(1));
    expect(recovered.loadedFrom('t', 'c')).toBe('rebuild');
  });

  it('replays changes logged after the last checkpoint after a crash', async () => {
    const crashed = make({ checkpointEvery: 50 });
    const all = docs(120, 'r');
    await crashed.upsert(all.slice(0, 60)); // >= 50 changes: checkpoint written
    expect(hnswFiles()).toHaveLength(1);
    await crashed.upsert(all.slice(60)); // 60 more: a second checkpoint at 120
    const late = docs(5, 'late');
    await crashed.upsert(late);
    await crashed.delete(['r1', 'r2']);
    const moved = { ...all[3]!, vector: vector() };
    await crashed.upsert([moved]);
    const recovered = make({ checkpointEvery: 50 });
    const expected = [...all.filter((d) => !['r1', 'r2', 'r3'].includes(d.id)), ...late, moved];
    await expectAllPresent(recovered, expected);
    expect(recovered.loadedFrom('t', 'c')).toBe('file');
    expect((await recovered.search(scope, all[1]!.vector, 200)).map((h) => h.id)).not.toContain('r1');
  });

  it('moves an id to another cube on re-upsert', async () => {
    const index = make();
    const [d] = docs(1, 'mv');
    await index.upsert([d!]);
    await index.upsert([{ ...d!, cube_id: 'other' }]);
    expect(await index.search(scope, d!.vector, 5)).toEqual([]);
    expect((await index.search({ tenant_id: 't', cube_ids: ['other'] }, d!.vector, 5))[0]?.id).toBe(d!.id);
  });

  it('rejects vectors of the wrong dimension', async () => {
    const index = make();
    await expect(
      index.upsert([{ id: 'bad', tenant_id: 't', cube_id: 'c', vector: new Float32Array(3) }]),
    ).rejects.toThrow(/dimensions/);
    await expect(index.search(scope, new Float32Array(3), 5)).rejects.toThrow(/dimensions/);
  });

  it('opens over vectors of another dimension but refuses to use them until cleared', async () => {
    const first = make();
    await first.upsert(docs(1, 'd'));
    await first.close();
    const wider = make({ dimension: DIM * 2 });
    const v = Float32Array.from({ length: DIM * 2 }, (_, i) => i);
    await expect(wider.search(scope, v, 5)).rejects.toThrow(/dimension/);
    await expect(wider.upsert([{ id: 'w', tenant_id: 't', cube_id: 'c', vector: v }])).rejects.toThrow(
      /dimension/,
    );
    await wider.clear();
    await wider.upsert([{ id: 'w', tenant_id: 't', cube_id: 'c', vector: v }]);
    expect((await wider.search(scope, v, 5)).map((h) => h.id)).toEqual(['w']);
  });
});
