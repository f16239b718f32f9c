import { describeVectorIndexConformance, requireServers, uniqueName } from '@engram/testing';
import { MilvusVectorIndex } from '../src';

jest.setTimeout(60_000);

const env = requireServers('Milvus', ['ENGRAM_MILVUS_ADDRESS']);

if (env) {
  const address = env.ENGRAM_MILVUS_ADDRESS;

  // Every test gets its own collection, dropped afterwards.
  describeVectorIndexConformance('MilvusVectorIndex', async () => {
    const namespace = uniqueName('engram_it');
    const open = () => MilvusVectorIndex.open({ address, namespace, dimension: 16 });
    return {
      index: await open(),
      reopen: open,
      cleanup: async () => {
        const admin = await open();
        try {
          await admin.drop();
        } finally {
          await admin.close();
        }
      },
    };
  });

  describe('MilvusVectorIndex specifics', () => {
    const namespace = uniqueName('engram_it');
    let index: MilvusVectorIndex;
    beforeAll(async () => {
      index = await MilvusVectorIndex.open({ address, namespace, dimension: 4 });
    });
    afterAll(async () => {
      await index.drop();
      await index.close();
    });

    it('opens an existing collection again, and refuses one of another dimension', async () => {
      const again = await MilvusVectorIndex.open({ address, namespace, dimension: 4 });
      await again.close();
      await expect(MilvusVectorIndex.open({ address, namespace, dimension: 8 })).rejects.toThrow(
        /4-dimensional/,
      );
    });

    it('filters by scope inside the engine, even with quotes in tenant and cube names', async () => {
      const tenant = 'te"nant\\x';
      await index.upsert([
        { id: 'q1', tenant_id: tenant, cube_id: 'cu"be', vector: Float32Array.from([1, 0, 0, 0]) },
        { id: 'q2', tenant_id: 'other', cube_id: 'cu"be', vector: Float32Array.from([1, 0, 0, 0]) },
      ]);
      const hits = await index.search(
        { tenant_id: tenant, cube_ids: ['cu"be'] },
        Float32Array.from([1, 0, 0, 0]),
        10,
      );
      expect(hits.map((h) => h.id)).toEqual(['q1']);
      expect(await index.count({ tenant_id: tenant, cube_ids: ['cu"be'] })).toBe(1);
    });

    it('flushes into indexed segments as it goes, without losing or duplicating rows', async () => {
      const flushing = await MilvusVectorIndex.open({
        address,
        namespace: `${namespace}_f`,
        dimension: 4,
        flushEveryRows: 10,
      });
      try {
        const vec = (i: number) => Float32Array.from([Math.cos(i / 7), Math.sin(i / 7), (i % 5) / 5, 1]);
        for (let i = 0; i < 35; i += 5) {
          await flushing.upsert(
            Array.from({ length: 5 }, (_, j) => ({
              id: `f${i + j}`,
              tenant_id: 't',
              cube_id: 'c',
              vector: vec(i + j),
            })),
          );
        }
        await flushing.upsert([{ id: 'f3', tenant_id: 't', cube_id: 'c', vector: vec(30) }]); // replace across a flush
        await flushing.delete(['f4']);
        expect(await flushing.count({ tenant_id: 't', cube_ids: ['c'] })).toBe(34);
        const hits = await flushing.search({ tenant_id: 't', cube_ids: ['c'] }, vec(17), 40);
        expect(hits).toHaveLength(34);
        expect(hits[0]!.id).toBe('f17');
        expect(new Set(hits.map((h) => h.id)).size).toBe(34);
      } finally {
        await flushing.drop();
        await flushing.close();
      }
    });

    it('serialises concurrent writes: the last upsert of an id wins', async () => {
      await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          index.upsert([
            { id: 'race', tenant_id: 't', cube_id: 'c', vector: Float32Array.from([i + 1, 1, 0, 0]) },
          ]),
        ),
      );
      const v = (await index.getVectors(['race'])).get('race')!;
      expect(v[0]! / v[1]!).toBeCloseTo(10, 4);
    });
  });
}
