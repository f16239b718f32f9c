import { entityId, type GraphEdge, type GraphStore } from '@engram/ports';
import { useFixture } from './harness';

export interface GraphStoreHarness {
  store: GraphStore;
  reopen?: () => Promise<GraphStore>;
  cleanup: () => Promise<void>;
}

const scopeA = { tenant_id: 't1', cube_ids: ['cube-a'] };
const edge = (from: string, to: string, type: GraphEdge['type'], o: Partial<GraphEdge> = {}): GraphEdge => ({
  tenant_id: 't1',
  cube_id: 'cube-a',
  from,
  to,
  type,
  ...o,
});
/** Order-insensitive, weight-insensitive view of edges for comparison. */
const keys = (edges: GraphEdge[]): string[] => edges.map((e) => `${e.from}-${e.type}->${e.to}`).sort();

const TEA = entityId('Green Tea');
const PARIS = entityId('Paris');
const BOB = entityId('Bob');

/** Behaviour every GraphStore must have; run it against each adapter. */
export function describeGraphStoreConformance(
  adapterName: string,
  open: () => Promise<GraphStoreHarness>,
): void {
  describe(`GraphStore conformance: ${adapterName}`, () => {
    const fx = useFixture(async () => {
      const h = await open();
      return { subject: h.store, reopen: h.reopen, cleanup: h.cleanup };
    });

    it('merges edges on (from, to, type)', async () => {
      await fx.current.upsertEdges([edge('m1', 'm2', 'FOLLOWS', { weight: 0.5 })]);
      await fx.current.upsertEdges([
        edge('m1', 'm2', 'FOLLOWS', { weight: 0.8 }),
        edge('m1', 'm2', 'RELATED'),
      ]);
      const got = await fx.current.neighbors(['m1']);
      expect(keys(got)).toEqual(['m1-FOLLOWS->m2', 'm1-RELATED->m2']);
      expect(got.find((e) => e.type === 'FOLLOWS')).toMatchObject({
        tenant_id: 't1',
        cube_id: 'cube-a',
        from: 'm1',
        to: 'm2',
        weight: 0.8,
      });
      await fx.current.upsertEdges([]);
    });

    it('returns neighbours in both directions, optionally by type', async () => {
      await fx.current.upsertEdges([
        edge('m1', 'm2', 'FOLLOWS'),
        edge('m2', 'm3', 'FOLLOWS'),
        edge('m4', 'm2', 'SUPERSEDES'),
        edge('m2', TEA, 'MENTIONS'),
        edge('m5', 'm6', 'RELATED'),
      ]);
      expect(keys(await fx.current.neighbors(['m2']))).toEqual(
        keys([
          edge('m1', 'm2', 'FOLLOWS'),
          edge('m2', 'm3', 'FOLLOWS'),
          edge('m4', 'm2', 'SUPERSEDES'),
          edge('m2', TEA, 'MENTIONS'),
        ]),
      );
      expect(keys(await fx.current.neighbors(['m2'], ['SUPERSEDES', 'MENTIONS']))).toEqual(
        keys([edge('m4', 'm2', 'SUPERSEDES'), edge('m2', TEA, 'MENTIONS')]),
      );
      // An edge between two asked ids comes back once.
      expect(keys(await fx.current.neighbors(['m1', 'm2'], ['FOLLOWS']))).toEqual(
        keys([edge('m1', 'm2', 'FOLLOWS'), edge('m2', 'm3', 'FOLLOWS')]),
      );
      expect(await fx.current.neighbors(['nobody'])).toEqual([]);
      expect(await fx.current.neighbors([])).toEqual([]);
    });

    it('finds memories mentioning entities, most matches first, within scope', async () => {
      await fx.current.upsertEdges([
        edge('m1', TEA, 'MENTIONS'),
        edge('m1', PARIS, 'MENTIONS'),
        edge('m2', TEA, 'MENTIONS'),
        edge('m3', BOB, 'MENTIONS'),
        edge('m4', TEA, 'RELATED'), // not a mention
        edge('b1', TEA, 'MENTIONS', { cube_id: 'cube-b' }),
        edge('b1', PARIS, 'MENTIONS', { cube_id: 'cube-b' }),
        edge('x1', TEA, 'MENTIONS', { tenant_id: 't2' }),
      ]);
      expect(await fx.current.memoriesMentioning(scopeA, [TEA, PARIS], 10)).toEqual([
        { memory_id: 'm1', matched: 2 },
        { memory_id: 'm2', matched: 1 },
      ]);
      expect(await fx.current.memoriesMentioning(scopeA, [TEA, PARIS], 1)).toEqual([
        { memory_id: 'm1', matched: 2 },
      ]);
      const both = await fx.current.memoriesMentioning(
        { tenant_id: 't1', cube_ids: ['cube-a', 'cube-b'] },
        [TEA, PARIS],
        10,
      );
      expect(
        both
          .slice(0, 2)
          .map((h) => h.memory_id)
          .sort(),
      ).toEqual(['b1', 'm1']);
      expect(both.map((h) => h.matched)).toEqual([2, 2, 1]);
      expect(
        await fx.current.memoriesMentioning({ tenant_id: 't2', cube_ids: ['cube-a'] }, [TEA], 10),
      ).toEqual([{ memory_id: 'x1', matched: 1 }]);
      expect(await fx.current.memoriesMentioning(scopeA, [entityId('nobody')], 10)).toEqual([]);
      expect(await fx.current.memoriesMentioning(scopeA, [], 10)).toEqual([]);
    });

    it('deletes nodes with every edge touching them', async () => {
      await fx.current.upsertEdges([
        edge('m1', 'm2', 'FOLLOWS'),
        edge('m2', 'm3', 'FOLLOWS'),
        edge('m1', TEA, 'MENTIONS'),
        edge('m3', TEA, 'MENTIONS'),
      ]);
      await fx.current.deleteNodes(['m2']);
      expect(await fx.current.neighbors(['m2'])).toEqual([]);
      expect(keys(await fx.current.neighbors(['m1', 'm3']))).toEqual(
        keys([edge('m1', TEA, 'MENTIONS'), edge('m3', TEA, 'MENTIONS')]),
      );
      await fx.current.deleteNodes([TEA]);
      expect(await fx.current.memoriesMentioning(scopeA, [TEA], 10)).toEqual([]);
      expect(await fx.current.neighbors(['m1', 'm3'])).toEqual([]);
      await fx.current.deleteNodes([]);
    });

    it('counts within scope and clears', async () => {
      await fx.current.upsertEdges([
        edge('m1', 'm2', 'FOLLOWS'),
        edge('m1', TEA, 'MENTIONS'),
        edge('x1', 'x2', 'FOLLOWS', { tenant_id: 't2' }),
      ]);
      expect(await fx.current.count(scopeA)).toBeGreaterThan(0);
      expect(await fx.current.count({ tenant_id: 't3', cube_ids: ['cube-a'] })).toBe(0);
      expect(await fx.current.count()).toBeGreaterThanOrEqual(await fx.current.count(scopeA));
      await fx.current.clear();
      expect(await fx.current.count()).toBe(0);
      expect(await fx.current.neighbors(['m1'])).toEqual([]);
    });

    it('persists across reopen', async () => {
      if (!fx.canReopen) return;
      await fx.current.upsertEdges([edge('m1', 'm2', 'FOLLOWS'), edge('m1', TEA, 'MENTIONS')]);
      const store = await fx.reopen();
      expect(keys(await store.neighbors(['m1']))).toEqual(
        keys([edge('m1', 'm2', 'FOLLOWS'), edge('m1', TEA, 'MENTIONS')]),
      );
      expect(await store.memoriesMentioning(scopeA, [TEA], 5)).toEqual([{ memory_id: 'm1', matched: 1 }]);
    });
  });
}
