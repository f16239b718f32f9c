import type { VectorDoc, VectorIndex } from '@engram/ports';
import { seededRandom, useFixture } from './harness';

export interface VectorIndexHarness {
  index: VectorIndex;
  reopen?: () => Promise<VectorIndex>;
  cleanup: () => Promise<void>;
}

const scopeA = { tenant_id: 't1', cube_ids: ['cube-a'] };

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return dot / Math.sqrt(na * nb);
}

/** Behaviour every VectorIndex must have; run it against each adapter. Uses the index's own dimension. */
export function describeVectorIndexConformance(
  adapterName: string,
  open: () => Promise<VectorIndexHarness>,
): void {
  describe(`VectorIndex conformance: ${adapterName}`, () => {
    const fx = useFixture(async () => {
      const h = await open();
      return { subject: h.index, reopen: h.reopen, cleanup: h.cleanup };
    });
    let rand = seededRandom(1);
    beforeEach(() => {
      rand = seededRandom(42);
    });
    // Random directions, deliberately not unit length: the index must handle scale.
    const randomVector = (): Float32Array =>
      Float32Array.from({ length: fx.current.dimension }, () => (rand() * 2 - 1) * 3);
    const vdoc = (id: string, vector: Float32Array, o: Partial<VectorDoc> = {}): VectorDoc => ({
      id,
      tenant_id: 't1',
      cube_id: 'cube-a',
      vector,
      ...o,
    });
    /** A vector close to v (small random perturbation). */
    const near = (v: Float32Array, eps = 0.05): Float32Array => v.map((x) => x + (rand() * 2 - 1) * eps);

    it('finds nearest neighbours like brute force (recall@10 >= 0.9) with cosine scores', async () => {
      const docs = Array.from({ length: 500 }, (_, i) => vdoc(`v${i}`, randomVector()));
      await fx.current.upsert(docs);
      let found = 0;
      const queries = 20;
      for (let q = 0; q < queries; q++) {
        const query = randomVector();
        const truth = docs
          .map((d) => ({ id: d.id, score: cosine(query, d.vector) }))
          .sort((a, b) => b.score - a.score)
          .slice(0, 10);
        const hits = await fx.current.search(scopeA, query, 10);
        expect(hits).toHaveLength(10);
        const truthIds = new Set(truth.map((t) => t.id));
        found += hits.filter((h) => truthIds.has(h.id)).length;
        const byId = new Map(docs.map((d) => [d.id, d.vector]));
        for (let i = 0; i < hits.length; i++) {
          expect(hits[i]!.score).toBeCloseTo(cosine(query, byId.get(hits[i]!.id)!), 3);
          if (i > 0) expect(hits[i - 1]!.score).toBeGreaterThanOrEqual(hits[i]!.score - 1e-6);
        }
      }
      expect(found / (queries * 10)).toBeGreaterThanOrEqual(0.9);
      expect(await fx.current.count(scopeA)).toBe(500);
    });

    it('returns a stored vector first with score ~1, and fewer hits than asked when the cube is small', async () => {
      const docs = Array.from({ length: 5 }, (_, i) => vdoc(`s${i}`, randomVector()));
      await fx.current.upsert(docs);
      const hits = await fx.current.search(scopeA, docs[3]!.vector, 50);
      expect(hits).toHaveLength(5);
      expect(hits[0]!.id).toBe('s3');
      expect(hits[0]!.score).toBeCloseTo(1, 4);
      expect(
        await fx.current.search({ tenant_id: 't1', cube_ids: ['empty-cube'] }, docs[0]!.vector, 5),
      ).toEqual([]);
    });

    it('replaces the vector on re-upsert', async () => {
      const a = randomVector();
      const b = randomVector();
      await fx.current.upsert([
        vdoc('r1', a),
        ...Array.from({ length: 20 }, (_, i) => vdoc(`o${i}`, randomVector())),
      ]);
      await fx.current.upsert([vdoc('r1', b)]);
      expect(await fx.current.count(scopeA)).toBe(21);
      const hits = await fx.current.search(scopeA, b, 3);
      expect(hits[0]).toEqual({ id: 'r1', score: expect.closeTo(1, 4) });
      expect((await fx.current.search(scopeA, a, 21)).filter((h) => h.id === 'r1')).toHaveLength(1);
      expect(cosine((await fx.current.getVectors(['r1'])).get('r1')!, b)).toBeCloseTo(1, 5);
    });

    it('deletes', async () => {
      const docs = Array.from({ length: 30 }, (_, i) => vdoc(`d${i}`, randomVector()));
      await fx.current.upsert(docs);
      await fx.current.delete(['d0', 'd1', 'missing-id']);
      await fx.current.delete([]);
      expect(await fx.current.count(scopeA)).toBe(28);
      const hits = await fx.current.search(scopeA, docs[0]!.vector, 30);
      expect(hits.map((h) => h.id)).not.toContain('d0');
      expect(hits.map((h) => h.id)).not.toContain('d1');
      expect(hits).toHaveLength(28);
      expect((await fx.current.getVectors(['d0', 'd2'])).has('d0')).toBe(false);
      // Re-adding a deleted id brings it back.
      await fx.current.upsert([docs[0]!]);
      expect((await fx.current.search(scopeA, docs[0]!.vector, 1))[0]?.id).toBe('d0');
    });

    it('returns stored vectors by id (same direction; missing ids absent)', async () => {
      const v = randomVector();
      await fx.current.upsert([vdoc('g1', v)]);
      const got = await fx.current.getVectors(['g1', 'missing-id']);
      expect([...got.keys()]).toEqual(['g1']);
      expect(got.get('g1')).toBeInstanceOf(Float32Array);
      expect(got.get('g1')!.length).toBe(fx.current.dimension);
      expect(cosine(got.get('g1')!, v)).toBeCloseTo(1, 5);
      expect((await fx.current.getVectors([])).size).toBe(0);
    });

    it('isolates tenants and cubes, and merges several cubes by score', async () => {
      const q = randomVector();
      await fx.current.upsert([
        vdoc('a-near', near(q, 0.01), { cube_id: 'cube-a' }),
        vdoc('a-far', randomVector(), { cube_id: 'cube-a' }),
        vdoc('b-nearer', near(q, 0.001), { cube_id: 'cube-b' }),
        vdoc('b-far', randomVector(), { cube_id: 'cube-b' }),
        vdoc('t2-exact', q, { tenant_id: 't2', cube_id: 'cube-a' }),
      ]);
      const a = await fx.current.search(scopeA, q, 10);
      expect(a.map((h) => h.id).sort()).toEqual(['a-far', 'a-near']);
      const both = await fx.current.search({ tenant_id: 't1', cube_ids: ['cube-a', 'cube-b'] }, q, 2);
      expect(both.map((h) => h.id)).toEqual(['b-nearer', 'a-near']);
      const t2 = await fx.current.search({ tenant_id: 't2', cube_ids: ['cube-a', 'cube-b'] }, q, 10);
      expect(t2.map((h) => h.id)).toEqual(['t2-exact']);
      expect(await fx.current.count({ tenant_id: 't1', cube_ids: ['cube-a', 'cube-b'] })).toBe(4);
      expect(await fx.current.count({ tenant_id: 't2', cube_ids: ['cube-b'] })).toBe(0);
      expect(await fx.current.count()).toBe(5);
    });

    it('clears everything', async () => {
      const v = randomVector();
      await fx.current.upsert([vdoc('c1', v), vdoc('c2', randomVector(), { tenant_id: 't2' })]);
      await fx.current.clear();
      expect(await fx.current.count()).toBe(0);
      expect(await fx.current.search(scopeA, v, 5)).toEqual([]);
      await fx.current.upsert([vdoc('c3', v)]);
      expect((await fx.current.search(scopeA, v, 5)).map((h) => h.id)).toEqual(['c3']);
    });

    it('persists across reopen', async () => {
      if (!fx.canReopen) return;
      const docs = Array.from({ length: 50 }, (_, i) => vdoc(`p${i}`, randomVector()));
      await fx.current.upsert(docs);
      await fx.current.delete(['p7']);
      await fx.current.upsert([vdoc('p8', docs[9]!.vector)]);
      const index = await fx.reopen();
      expect(await index.count(scopeA)).toBe(49);
      expect((await index.search(scopeA, docs[3]!.vector, 1))[0]?.id).toBe('p3');
      const hits = await index.search(scopeA, docs[7]!.vector, 49);
      expect(hits.map((h) => h.id)).not.toContain('p7');
      expect((await index.search(scopeA, docs[9]!.vector, 2)).map((h) => h.id).sort()).toEqual(['p8', 'p9']);
      expect(cosine((await index.getVectors(['p8'])).get('p8')!, docs[9]!.vector)).toBeCloseTo(1, 5);
    });
  });
}
