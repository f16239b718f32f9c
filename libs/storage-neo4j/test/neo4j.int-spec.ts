import {
  describeGraphStoreConformance,
  describeRecordStoreConformance,
  makeMemory,
  requireServers,
  uniqueName,
} from '@engram/testing';
import { Neo4jGraphStore, Neo4jRecordStore } from '../src';

jest.setTimeout(60_000);

const env = requireServers('Neo4j', ['ENGRAM_NEO4J_URI']);

if (env) {
  const uri = env.ENGRAM_NEO4J_URI;
  const user = process.env.ENGRAM_NEO4J_USER;
  const password = process.env.ENGRAM_NEO4J_PASSWORD;

  // Every test gets its own namespace; its nodes are deleted afterwards.
  describeRecordStoreConformance('Neo4jRecordStore', async () => {
    const namespace = uniqueName('it');
    const open = () => Neo4jRecordStore.open({ uri, user, password, namespace });
    return {
      store: await open(),
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

  describeGraphStoreConformance('Neo4jGraphStore', async () => {
    const namespace = uniqueName('it');
    const open = () => Neo4jGraphStore.open({ uri, user, password, namespace });
    return {
      store: await open(),
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

  describe('Neo4j stores together', () => {
    const namespace = uniqueName('it');
    let records: Neo4jRecordStore;
    let graph: Neo4jGraphStore;
    beforeAll(async () => {
      [records, graph] = await Promise.all([
        Neo4jRecordStore.open({ uri, user, password, namespace }),
        Neo4jGraphStore.open({ uri, user, password, namespace }),
      ]);
    });
    afterAll(async () => {
      await records.drop();
      await graph.drop();
      await Promise.all([records.close(), graph.close()]);
    });

    it('keeps records and graph apart: clearing or deleting graph nodes leaves the records', async () => {
      const m = makeMemory({ tenant_id: 't', cube_id: 'c', memory: 'kept' });
      await records.upsert([m]);
      await graph.upsertEdges([
        { tenant_id: 't', cube_id: 'c', from: m.id, to: 'entity:kept', type: 'MENTIONS' },
      ]);
      await graph.deleteNodes([m.id]);
      await graph.clear();
      expect(await records.getByIds([m.id])).toEqual([m]);
      expect(await graph.count()).toBe(0);
    });

    it('opens concurrently (idempotent schema) and survives concurrent MERGEs on shared entities', async () => {
      const more = await Promise.all(
        [1, 2, 3].map(() => Neo4jGraphStore.open({ uri, user, password, namespace })),
      );
      await Promise.all(
        more.flatMap((g, i) =>
          Array.from({ length: 5 }, (_, j) =>
            g.upsertEdges([
              { tenant_id: 't', cube_id: 'c', from: `m${i}-${j}`, to: 'entity:shared', type: 'MENTIONS' },
              { tenant_id: 't', cube_id: 'c', from: `m${i}-${j}`, to: 'entity:also', type: 'MENTIONS' },
            ]),
          ),
        ),
      );
      await Promise.all(more.map((g) => g.close()));
      const hits = await graph.memoriesMentioning(
        { tenant_id: 't', cube_ids: ['c'] },
        ['entity:shared', 'entity:also'],
        100,
      );
      expect(hits).toHaveLength(15);
      expect(hits.every((h) => h.matched === 2)).toBe(true);
    });
  });
}
