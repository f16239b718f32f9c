import type { Embedder } from '@engram/ports';

const TEXTS = [
  'How do I reset my password?',
  'The user prefers oat milk in their coffee.',
  '用户喜欢在周末去咖啡馆看书。',
  'a',
  'Engram stores long-term memories for LLM agents and retrieves them by meaning. '.repeat(8),
];

/** Pairs chosen so both lexical (hashing) and semantic embedders must rank them: [query, similar, unrelated]. */
const TRIPLES: Array<[string, string, string]> = [
  [
    'How do I reset my password?',
    'I need to reset my forgotten password',
    'The weather in Paris is sunny today',
  ],
  [
    'The user prefers oat milk in their coffee',
    'user prefers coffee with oat milk',
    'Quarterly revenue rose eight percent',
  ],
];

const dotp = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i], 0);
const norm = (v: Float32Array) => Math.sqrt(dotp(v, v));
const cos = (a: Float32Array, b: Float32Array) => dotp(a, b) / (norm(a) * norm(b));

/** The behaviour every Embedder must show; run it against each implementation. */
export function describeEmbedderConformance(name: string, create: () => Promise<Embedder>): void {
  describe(`Embedder conformance: ${name}`, () => {
    let e: Embedder;
    // Generous timeouts: loading a model on a busy 2-core CI machine can take seconds.
    beforeAll(async () => {
      e = await create();
    }, 60_000);
    afterAll(async () => {
      await e?.close?.();
    });

    it('has an id and a positive dimension that every vector matches', async () => {
      expect(typeof e.id).toBe('string');
      expect(e.id.length).toBeGreaterThan(0);
      expect(e.dimension).toBeGreaterThan(0);
      for (const kind of ['query', 'document'] as const) {
        const vs = await e.embed(TEXTS, kind);
        expect(vs).toHaveLength(TEXTS.length);
        for (const v of vs) {
          expect(v).toBeInstanceOf(Float32Array);
          expect(v).toHaveLength(e.dimension);
        }
      }
    }, 30_000);

    it('returns unit-length, finite vectors', async () => {
      for (const v of await e.embed(TEXTS, 'document')) {
        expect(v.every(Number.isFinite)).toBe(true);
        expect(Math.abs(norm(v) - 1)).toBeLessThan(1e-3);
      }
    }, 30_000);

    it('is deterministic', async () => {
      const a = await e.embed(TEXTS, 'query');
      const b = await e.embed(TEXTS, 'query');
      a.forEach((v, i) => expect(cos(v, b[i])).toBeGreaterThan(0.99999));
    }, 30_000);

    it('gives the same vectors in a batch as one at a time, in input order', async () => {
      const batch = await e.embed(TEXTS, 'document');
      for (let i = 0; i < TEXTS.length; i++) {
        const [single] = await e.embed([TEXTS[i]], 'document');
        expect(cos(batch[i], single)).toBeGreaterThan(0.9999);
      }
    }, 30_000);

    it('handles an empty batch and empty strings', async () => {
      expect(await e.embed([], 'query')).toEqual([]);
      const [empty, text] = await e.embed(['', 'hello world'], 'query');
      expect(empty).toHaveLength(e.dimension);
      expect(empty.every(Number.isFinite)).toBe(true);
      expect(Math.abs(norm(empty) - 1)).toBeLessThan(1e-3);
      expect(text).toHaveLength(e.dimension);
    }, 30_000);

    it('scores similar texts above unrelated ones', async () => {
      for (const [q, similar, unrelated] of TRIPLES) {
        const [vq] = await e.embed([q], 'query');
        const [vs, vu] = await e.embed([similar, unrelated], 'document');
        expect(cos(vq, vs)).toBeGreaterThan(cos(vq, vu));
      }
    }, 30_000);
  });
}
