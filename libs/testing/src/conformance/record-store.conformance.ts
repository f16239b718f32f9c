import { deterministicId, parseFilter, ValidationError, type MemoryItem } from '@engram/domain';
import type { ListQuery, MemoryRecordStore } from '@engram/ports';
import { makeMemory } from '../fixtures';
import { useFixture } from './harness';

export interface RecordStoreHarness {
  store: MemoryRecordStore;
  reopen?: () => Promise<MemoryRecordStore>;
  cleanup: () => Promise<void>;
}

const at = (minute: number): string => new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString();
const ids = (items: MemoryItem[]): string[] => items.map((i) => i.id);
const scopeA = { tenant_id: 't1', cube_ids: ['cube-a'] };

/** Behaviour every MemoryRecordStore must have; run it against each adapter. */
export function describeRecordStoreConformance(
  adapterName: string,
  open: () => Promise<RecordStoreHarness>,
): void {
  describe(`MemoryRecordStore conformance: ${adapterName}`, () => {
    const fx = useFixture(async () => {
      const h = await open();
      return { subject: h.store, reopen: h.reopen, cleanup: h.cleanup };
    });
    const mem = (memory: string, o: Partial<MemoryItem> = {}): MemoryItem =>
      makeMemory({ tenant_id: 't1', cube_id: 'cube-a', memory, ...o });
    const list = (q: Omit<Partial<ListQuery>, 'filter'> & { filter?: unknown } = {}) =>
      fx.current.list({ ...scopeA, ...q, filter: parseFilter(q.filter) });

    it('round-trips a full item and ignores missing ids', async () => {
      const item = mem('Alice moved to Berlin in 2024', {
        tags: ['mode:fine', 'travel'],
        info: { project: 'alpha', nested: { a: [1, 2] } },
        valid_from: '2024-03-01T00:00:00.000Z',
        supersedes: ['old-1'],
        sources: [{ type: 'chat', message_id: 'm9', role: 'user', content: 'I moved', lang: 'en', index: 3 }],
      });
      await fx.current.upsert([item]);
      expect(await fx.current.getByIds([item.id, 'missing-id'])).toEqual([item]);
      expect(await fx.current.getByIds([])).toEqual([]);
    });

    it('upserts idempotently by id and replaces on change', async () => {
      const item = mem('the sky is blue');
      await fx.current.upsert([item]);
      await fx.current.upsert([item]);
      expect(await fx.current.count(scopeA)).toBe(1);
      const changed = { ...item, memory: 'the sky is grey', version: 2, updated_at: at(5) };
      await fx.current.upsert([changed]);
      expect(await fx.current.getByIds([item.id])).toEqual([changed]);
      expect((await list()).total).toBe(1);
      await fx.current.upsert([]);
    });

    it('returns several ids, each once', async () => {
      const items = [mem('one'), mem('two'), mem('three')];
      await fx.current.upsert(items);
      const got = await fx.current.getByIds([items[2]!.id, items[0]!.id, items[2]!.id]);
      expect(ids(got).sort()).toEqual([items[2]!.id, items[0]!.id].sort());
    });

    it('lists newest first by updated_at then id, with offset, limit and total', async () => {
      const items = Array.from({ length: 25 }, (_, i) => mem(`fact number ${i}`, { updated_at: at(i) }));
      // Three items share a timestamp: ties are broken by id ascending.
      const ties = ['tie x', 'tie y', 'tie z'].map((m) => mem(m, { updated_at: at(100) }));
      await fx.current.upsert([...items, ...ties]);
      const expected = [...ids(ties).sort(), ...ids(items).reverse()];
      const pages: string[] = [];
      for (let offset = 0; offset < 30; offset += 10) {
        const page = await list({ offset, limit: 10 });
        expect(page.total).toBe(28);
        expect(page.items.length).toBeLessThanOrEqual(10);
        pages.push(...ids(page.items));
      }
      expect(pages).toEqual(expected);
      expect(ids((await list()).items)).toEqual(expected);
      expect(await list({ offset: 40, limit: 10 })).toEqual({ items: [], total: 28 });
    });

    it('lists only activated by default and the asked statuses otherwise', async () => {
      const active = mem('active one', { updated_at: at(1) });
      const archived = mem('archived one', { status: 'archived', updated_at: at(2) });
      const deleted = mem('deleted one', { status: 'deleted', updated_at: at(3) });
      await fx.current.upsert([active, archived, deleted]);
      expect(ids((await list()).items)).toEqual([active.id]);
      expect(ids((await list({ statuses: ['archived'] })).items)).toEqual([archived.id]);
      const both = await list({ statuses: ['activated', 'archived'] });
      expect(ids(both.items)).toEqual([archived.id, active.id]);
      expect(both.total).toBe(2);
    });

    describe('filters', () => {
      let m1: MemoryItem, m2: MemoryItem, m3: MemoryItem, m4: MemoryItem;
      beforeEach(async () => {
        m1 = mem('I love Green tea', {
          tags: ['mode:fast', 'drink'],
          confidence: 0.9,
          info: { project: 'alpha', priority: 3 },
          memory_type: 'UserMemory',
          created_at: at(1),
          updated_at: at(1),
        });
        m2 = mem('Paris is the capital of France', {
          tags: ['geo'],
          confidence: 0.5,
          info: { project: 'beta', priority: 1 },
          created_at: at(2),
          updated_at: at(2),
        });
        m3 = mem('Meeting with Bob on Monday', {
          tags: ['calendar', 'work'],
          confidence: 0.7,
          user_id: 'user-2',
          info: { project: 'alpha', priority: 5 },
          created_at: at(3),
          updated_at: at(3),
        });
        m4 = mem('green energy report', {
          tags: ['work'],
          confidence: 0.95,
          created_at: at(4),
          updated_at: at(4),
        });
        await fx.current.upsert([m1, m2, m3, m4]);
      });
      const expectFilter = async (filter: unknown, expected: () => MemoryItem[]) => {
        const r = await list({ filter });
        expect(ids(r.items)).toEqual(ids(expected()));
        expect(r.total).toBe(expected().length);
      };

      it('equality on a field', () => expectFilter({ memory_type: 'UserMemory' }, () => [m1]));
      it('info keys, dotted and bare', async () => {
        await expectFilter({ 'info.project': 'alpha' }, () => [m3, m1]);
        await expectFilter({ project: 'alpha' }, () => [m3, m1]);
      });
      it('and', () => expectFilter({ and: [{ project: 'alpha' }, { confidence: { gt: 0.8 } }] }, () => [m1]));
      it('or', () =>
        expectFilter({ or: [{ user_id: 'user-2' }, { memory_type: 'UserMemory' }] }, () => [m3, m1]));
      it('gt / gte / lt / lte', async () => {
        await expectFilter({ confidence: { lt: 0.6 } }, () => [m2]);
        await expectFilter({ confidence: { lte: 0.7 } }, () => [m3, m2]);
        await expectFilter({ 'info.priority': { gte: 3 } }, () => [m3, m1]);
        await expectFilter({ created_at: { gt: at(2) } }, () => [m4, m3]);
        await expectFilter({ confidence: { gt: 0.6, lt: 0.92 } }, () => [m3, m1]);
      });
      it('in (and a bare list)', async () => {
        await expectFilter({ user_id: { in: ['user-2', 'nobody'] } }, () => [m3]);
        await expectFilter({ 'info.project': ['beta', 'gamma'] }, () => [m2]);
      });
      it('contains on tags', () => expectFilter({ tags: { contains: 'work' } }, () => [m4, m3]));
      it('like, case-insensitive with % and _', async () => {
        await expectFilter({ memory: { like: '%green%' } }, () => [m4, m1]);
        await expectFilter({ memory: { like: 'Paris is th_ capital%' } }, () => [m2]);
      });
      it('no match', () => expectFilter({ project: 'nope' }, () => []));
      it('pages after filtering, total counts all matches', async () => {
        const r = await list({ filter: { tags: { contains: 'work' } }, offset: 1, limit: 1 });
        expect(ids(r.items)).toEqual([m3.id]);
        expect(r.total).toBe(2);
      });
      it('dates compare as instants, whatever ISO 8601 form the caller wrote', async () => {
        await expectFilter({ created_at: { gt: '2026-01-01T00:02:00+00:00' } }, () => [m4, m3]);
        await expectFilter({ created_at: { lte: '2026-01-01 00:02' } }, () => [m2, m1]);
        await expectFilter({ created_at: '2026-01-01T01:03:00+01:00' }, () => [m3]);
        await expectFilter(
          { 'metadata.updated_at': { gte: '2025-12-31T23:03:00-01:00', lt: '2026-01-01' } },
          () => [],
        );
        await expectFilter({ created_at: { gte: '2026-01-01' } }, () => [m4, m3, m2, m1]);
        await expectFilter({ valid_from: { lt: '2100-01-01' } }, () => []);
      });
      it('numbers given as decimal strings compare numerically', async () => {
        await expectFilter({ confidence: { gte: '0.9' } }, () => [m4, m1]);
        await expectFilter({ 'info.priority': { gt: '2' } }, () => [m3, m1]);
        await expectFilter({ priority: { lt: 10 } }, () => [m3, m2, m1]);
      });
      it('enums and or-groups of one', async () => {
        await expectFilter({ status: { in: ['activated', 'archived'] } }, () => [m4, m3, m2, m1]);
        await expectFilter({ or: [{ memory_type: 'UserMemory' }] }, () => [m1]);
      });
      it('a malformed filter is refused before it reaches the store', () => {
        for (const bad of [
          { created_at: { lt: 'not-a-date' } },
          { confidence: { lt: 'abc' } },
          { or: [] },
          { and: [{}] },
        ]) {
          expect(() => parseFilter(bad)).toThrow(ValidationError);
        }
      });
      it('still applies scope and status', async () => {
        await fx.current.upsert([
          mem('alpha elsewhere', { tenant_id: 't2', info: { project: 'alpha' } }),
          mem('alpha archived', { status: 'archived', info: { project: 'alpha' } }),
        ]);
        await expectFilter({ project: 'alpha' }, () => [m3, m1]);
      });
    });

    it('isolates tenants and cubes', async () => {
      const a1 = mem('shared words', { tenant_id: 't1', cube_id: 'cube-a', updated_at: at(1) });
      const b1 = mem('shared words', { tenant_id: 't1', cube_id: 'cube-b', updated_at: at(2) });
      const a2 = mem('shared words', { tenant_id: 't2', cube_id: 'cube-a', updated_at: at(3) });
      await fx.current.upsert([a1, b1, a2]);
      expect(new Set([a1.id, b1.id, a2.id]).size).toBe(3);
      expect(ids((await list()).items)).toEqual([a1.id]);
      expect(ids((await list({ cube_ids: ['cube-a', 'cube-b'] })).items)).toEqual([b1.id, a1.id]);
      expect(ids((await list({ tenant_id: 't2' })).items)).toEqual([a2.id]);
      expect((await list({ tenant_id: 't3' })).total).toBe(0);
      expect(await fx.current.count(scopeA)).toBe(1);
      expect(await fx.current.count({ tenant_id: 't1', cube_ids: ['cube-a', 'cube-b'] })).toBe(2);
      expect(await fx.current.count({ tenant_id: 't2', cube_ids: ['cube-b'] })).toBe(0);
      expect(await fx.current.count()).toBe(3);
    });

    it('deletes and reports how many rows went', async () => {
      const items = [mem('a'), mem('b'), mem('c')];
      await fx.current.upsert(items);
      expect(await fx.current.delete([items[0]!.id, items[1]!.id, 'missing-id'])).toEqual({
        deleted: 2,
        relinked: [],
      });
      expect((await fx.current.delete([items[0]!.id])).deleted).toBe(0);
      expect((await fx.current.delete([])).deleted).toBe(0);
      expect(await fx.current.getByIds(ids(items))).toEqual([items[2]]);
      expect((await list()).total).toBe(1);
      expect(await fx.current.count()).toBe(1);
    });

    describe('tombstones', () => {
      it('a delete leaves a tombstone per deleted id, with no text, and only for stored ids', async () => {
        const a = mem('secret alpha words');
        const b = mem('secret beta words', { tenant_id: 't2', cube_id: 'cube-b' });
        await fx.current.upsert([a, b]);
        const before = Date.now();
        await fx.current.delete([a.id, b.id, 'never-stored']);
        const stones = await fx.current.tombstones([a.id, b.id, 'never-stored', mem('alive').id]);
        expect(stones.map((t) => t.id).sort()).toEqual([a.id, b.id].sort());
        for (const t of stones) {
          expect(Object.keys(t).sort()).toEqual(['cube_id', 'deleted_at', 'id', 'tenant_id']);
          expect(Date.parse(t.deleted_at)).toBeGreaterThanOrEqual(before - 1000);
        }
        expect(stones.find((t) => t.id === b.id)).toMatchObject({ tenant_id: 't2', cube_id: 'cube-b' });
        expect(JSON.stringify(stones)).not.toContain('secret');
        expect(await fx.current.tombstones([])).toEqual([]);
      });

      it('upsert refuses tombstoned ids, returns them, and stores the rest', async () => {
        const gone = mem('deleted fact');
        const kept = mem('kept fact');
        await fx.current.upsert([gone]);
        await fx.current.delete([gone.id]);
        expect(await fx.current.upsert([gone, kept])).toEqual([gone.id]);
        expect(await fx.current.upsert([{ ...gone, memory: 'changed', version: 2 }])).toEqual([gone.id]);
        expect(ids(await fx.current.getByIds([gone.id, kept.id]))).toEqual([kept.id]);
        expect(ids(await fx.current.listPendingIndex(10))).toEqual([kept.id]);
        expect(await fx.current.count()).toBe(1);
        expect(await fx.current.upsert([kept])).toEqual([]);
      });

      it('tombstones are kept across reopen and a second delete', async () => {
        const gone = mem('durably deleted');
        await fx.current.upsert([gone]);
        await fx.current.delete([gone.id]);
        expect((await fx.current.delete([gone.id])).deleted).toBe(0);
        const store = fx.canReopen ? await fx.reopen() : fx.current;
        expect((await store.tombstones([gone.id])).map((t) => t.id)).toEqual([gone.id]);
        expect(await store.upsert([gone])).toEqual([gone.id]);
        expect(await store.getByIds([gone.id])).toEqual([]);
      });

      it('relinks the survivors that followed a deleted memory to its nearest surviving predecessor', async () => {
        const chain: MemoryItem[] = [];
        for (let i = 0; i < 5; i++)
          chain.push(mem(`window ${i}`, { preceding_id: i ? chain[i - 1]!.id : null, updated_at: at(i) }));
        const other = mem('another chain', { preceding_id: mem('elsewhere').id });
        await fx.current.upsert([...chain, other]);
        await fx.current.markIndexed(ids([...chain, other]));
        const [w0, w1, w2, w3, w4] = chain as [MemoryItem, MemoryItem, MemoryItem, MemoryItem, MemoryItem];
        // two neighbours at once: w3 skips both
        const out = await fx.current.delete([w1.id, w2.id]);
        expect(out.deleted).toBe(2);
        expect(out.relinked.map((m) => [m.id, m.preceding_id])).toEqual([[w3.id, w0.id]]);
        expect(out.relinked[0]).toEqual({ ...w3, preceding_id: w0.id });
        const [stored3] = await fx.current.getByIds([w3.id]);
        expect(stored3).toEqual({ ...w3, preceding_id: w0.id });
        // the relinked item waits for its graph edge like any changed item
        expect(ids(await fx.current.listPendingIndex(10))).toEqual([w3.id]);
        // the head of a chain: its successor starts the chain
        const head = await fx.current.delete([w0.id]);
        expect(head.relinked.map((m) => [m.id, m.preceding_id])).toEqual([[w3.id, null]]);
        expect((await fx.current.getByIds([w4.id, other.id])).map((m) => m.preceding_id)).toEqual([
          w3.id,
          other.preceding_id,
        ]);
        // a deleted tail relinks nothing
        expect((await fx.current.delete([w4.id])).relinked).toEqual([]);
      });
    });

    it('tracks pending-index items until marked indexed', async () => {
      const items = [mem('p1'), mem('p2'), mem('p3', { tenant_id: 't2' })];
      await fx.current.upsert(items);
      expect(ids(await fx.current.listPendingIndex(10)).sort()).toEqual(ids(items).sort());
      expect(await fx.current.listPendingIndex(2)).toHaveLength(2);
      await fx.current.markIndexed([items[0]!.id, items[2]!.id]);
      expect(ids(await fx.current.listPendingIndex(10))).toEqual([items[1]!.id]);
      // A changed item must be indexed again.
      await fx.current.upsert([{ ...items[0]!, memory: 'p1 changed', version: 2 }]);
      expect(ids(await fx.current.listPendingIndex(10)).sort()).toEqual([items[0]!.id, items[1]!.id].sort());
      await fx.current.delete([items[1]!.id]);
      await fx.current.markIndexed([items[0]!.id, 'missing-id']);
      await fx.current.markIndexed([]);
      expect(await fx.current.listPendingIndex(10)).toEqual([]);
    });

    it('iterates over every item in every scope, in pages', async () => {
      const items = Array.from({ length: 23 }, (_, i) =>
        mem(`item ${i}`, { tenant_id: i % 2 ? 't1' : 't2', cube_id: i % 3 ? 'cube-a' : 'cube-b' }),
      );
      await fx.current.upsert(items);
      const seen: string[] = [];
      for await (const page of fx.current.iterateAll(5)) {
        expect(page.length).toBeGreaterThan(0);
        expect(page.length).toBeLessThanOrEqual(5);
        seen.push(...ids(page));
      }
      expect(seen).toHaveLength(23);
      expect([...seen].sort()).toEqual(ids(items).sort());
    });

    it('persists across reopen', async () => {
      if (!fx.canReopen) return;
      const items = [mem('durable one', { updated_at: at(1) }), mem('durable two', { updated_at: at(2) })];
      await fx.current.upsert(items);
      await fx.current.markIndexed([items[0]!.id]);
      const store = await fx.reopen();
      expect(await store.getByIds(ids(items))).toEqual(items);
      expect(ids((await store.list(scopeA)).items)).toEqual([items[1]!.id, items[0]!.id]);
      expect(ids(await store.listPendingIndex(10))).toEqual([items[1]!.id]);
      const extra = mem('after reopen', { id: deterministicId('extra') });
      await store.upsert([extra]);
      expect(await store.count()).toBe(3);
    });
  });
}
