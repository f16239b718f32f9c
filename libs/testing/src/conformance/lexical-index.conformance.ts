import type { LexicalDoc, LexicalIndex } from '@engram/ports';
import { useFixture } from './harness';

export interface LexicalIndexHarness {
  index: LexicalIndex;
  reopen?: () => Promise<LexicalIndex>;
  cleanup: () => Promise<void>;
}

const scopeA = { tenant_id: 't1', cube_ids: ['cube-a'] };
const doc = (id: string, text: string, o: Partial<LexicalDoc> = {}): LexicalDoc => ({
  id,
  tenant_id: 't1',
  cube_id: 'cube-a',
  text,
  ...o,
});

const ENGLISH = [
  doc('d1', 'The user likes to drink coffee in the morning before work'),
  doc('d2', 'The user went hiking in the mountains last summer'),
  doc('d3', 'The user keeps a pet zephyr lizard named Spike'),
  doc('d4', 'The user prefers working from home on Fridays'),
  doc('d5', 'The user likes the morning light in the kitchen'),
];

/** Behaviour every LexicalIndex must have; run it against each adapter. */
export function describeLexicalIndexConformance(
  adapterName: string,
  open: () => Promise<LexicalIndexHarness>,
): void {
  describe(`LexicalIndex conformance: ${adapterName}`, () => {
    const fx = useFixture(async () => {
      const h = await open();
      return { subject: h.index, reopen: h.reopen, cleanup: h.cleanup };
    });
    const search = (q: string, limit = 10, scope = scopeA) => fx.current.search(scope, q, limit);

    it('ranks the document with the rare term first (BM25)', async () => {
      await fx.current.upsert(ENGLISH);
      const hits = await search('zephyr user');
      expect(hits[0]?.id).toBe('d3');
      for (const h of hits) expect(h.score).toBeGreaterThanOrEqual(0);
      for (let i = 1; i < hits.length; i++) expect(hits[i - 1]!.score).toBeGreaterThanOrEqual(hits[i]!.score);
      const morning = await search('coffee morning');
      expect(morning[0]?.id).toBe('d1');
      expect(morning.map((h) => h.id)).toContain('d5');
      expect(morning.map((h) => h.id)).not.toContain('d2');
    });

    it('is case-insensitive and respects the limit', async () => {
      await fx.current.upsert(ENGLISH);
      expect((await search('ZEPHYR'))[0]?.id).toBe('d3');
      expect(await search('user', 2)).toHaveLength(2);
      expect(await search('nonexistentword')).toEqual([]);
    });

    it('finds Chinese words inside longer words (酒店 in 连锁酒店)', async () => {
      await fx.current.upsert([
        doc('z1', '用户上周住在一家连锁酒店，觉得价格很合理'),
        doc('z2', '用户喜欢在周末去公园跑步'),
        doc('z3', '用户的妹妹在北京工作'),
      ]);
      expect((await search('酒店')).map((h) => h.id)).toEqual(['z1']);
      expect((await search('用户喜欢跑步'))[0]?.id).toBe('z2');
      expect((await search('北京'))[0]?.id).toBe('z3');
    });

    it('handles mixed Chinese and English text', async () => {
      await fx.current.upsert([
        doc('x1', '我在用 PostgreSQL 做数据库迁移'),
        doc('x2', 'I use MySQL at work'),
      ]);
      expect((await search('postgresql'))[0]?.id).toBe('x1');
      expect((await search('数据库'))[0]?.id).toBe('x1');
    });

    it('never throws on query text that looks like FTS syntax', async () => {
      await fx.current.upsert(ENGLISH);
      const nasty = [
        '"unbalanced quote',
        'zephyr*',
        'text:zephyr',
        '(zephyr OR',
        'NEAR(zephyr lizard)',
        'zephyr AND NOT',
        '-zephyr +lizard ^spike',
        "it's {braces} [brackets] \\ / | & ~ @ # $ %",
        'AND OR NOT',
        '*',
        ':',
        '""',
      ];
      for (const q of nasty) expect(Array.isArray(await search(q))).toBe(true);
      expect((await search('"zephyr"'))[0]?.id).toBe('d3');
      expect((await search('(zephyr)'))[0]?.id).toBe('d3');
    });

    it('returns nothing for empty or punctuation-only queries', async () => {
      await fx.current.upsert(ENGLISH);
      for (const q of ['', '   ', '?!.,;', '，。！？', '...']) expect(await search(q)).toEqual([]);
    });

    it('replaces a document on re-upsert and deletes', async () => {
      await fx.current.upsert(ENGLISH);
      await fx.current.upsert([doc('d3', 'The user keeps a pet iguana')]);
      expect(await search('zephyr')).toEqual([]);
      expect((await search('iguana'))[0]?.id).toBe('d3');
      expect(await fx.current.count(scopeA)).toBe(5);
      await fx.current.delete(['d3', 'missing-id']);
      await fx.current.delete([]);
      expect(await search('iguana')).toEqual([]);
      expect(await fx.current.count(scopeA)).toBe(4);
    });

    it('isolates tenants and cubes, and searches several cubes at once', async () => {
      await fx.current.upsert([
        doc('a1', 'quantum tunnelling notes', { tenant_id: 't1', cube_id: 'cube-a' }),
        doc('b1', 'quantum computing notes', { tenant_id: 't1', cube_id: 'cube-b' }),
        doc('a2', 'quantum entanglement notes', { tenant_id: 't2', cube_id: 'cube-a' }),
      ]);
      expect((await search('quantum')).map((h) => h.id)).toEqual(['a1']);
      const both = await search('quantum', 10, { tenant_id: 't1', cube_ids: ['cube-a', 'cube-b'] });
      expect(both.map((h) => h.id).sort()).toEqual(['a1', 'b1']);
      expect(
        (await search('quantum', 10, { tenant_id: 't2', cube_ids: ['cube-a'] })).map((h) => h.id),
      ).toEqual(['a2']);
      expect(await search('quantum', 10, { tenant_id: 't3', cube_ids: ['cube-a'] })).toEqual([]);
      expect(await search('quantum', 10, { tenant_id: 't1', cube_ids: [] })).toEqual([]);
      expect(await fx.current.count({ tenant_id: 't1', cube_ids: ['cube-a', 'cube-b'] })).toBe(2);
      expect(await fx.current.count()).toBe(3);
    });

    it('clears everything', async () => {
      await fx.current.upsert(ENGLISH);
      await fx.current.clear();
      expect(await fx.current.count()).toBe(0);
      expect(await search('zephyr')).toEqual([]);
      await fx.current.upsert([doc('n1', 'fresh zephyr')]);
      expect((await search('zephyr'))[0]?.id).toBe('n1');
    });

    it('persists across reopen', async () => {
      if (!fx.canReopen) return;
      await fx.current.upsert([...ENGLISH, doc('z1', '连锁酒店')]);
      const index = await fx.reopen();
      expect((await index.search(scopeA, 'zephyr', 5))[0]?.id).toBe('d3');
      expect((await index.search(scopeA, '酒店', 5))[0]?.id).toBe('z1');
      expect(await index.count()).toBe(6);
    });
  });
}
