import { Bm25Index, tokenize } from './bm25';

describe('tokenize', () => {
  it('lower-cases, splits on non-alphanumerics and drops stop words', () => {
    expect(tokenize("When did Caroline go to the LGBTQ support-group?")).toEqual(['caroline', 'go', 'lgbtq', 'support', 'group']);
  });
});

describe('Bm25Index', () => {
  const docs = ['apple banana', 'apple', 'cherry'];

  it('matches a hand-computed Okapi score (k1 1.2, b 0.75)', () => {
    // idf(banana) = ln(1 + 2.5/1.5); avgdl = 4/3; norm = 1.2 * (0.25 + 0.75 * 2 / (4/3)) = 1.65
    const expected = Math.log(1 + 2.5 / 1.5) * (2.2 / (1 + 1.65));
    const scores = new Bm25Index(docs).score('banana');
    expect(scores[0]).toBeCloseTo(expected, 12);
    expect(scores[1]).toBe(0);
    expect(scores[2]).toBe(0);
  });

  it('prefers the shorter document for the same term frequency', () => {
    const [first, second] = new Bm25Index(docs).search('apple', 2);
    expect(first?.index).toBe(1);
    expect(second?.index).toBe(0);
  });

  it('breaks ties by document order and returns at most k hits', () => {
    const hits = new Bm25Index(['x', 'y', 'z']).search('nothing matches', 2);
    expect(hits.map((h) => h.index)).toEqual([0, 1]);
    expect(hits.every((h) => h.score === 0)).toBe(true);
  });

  it('ranks the document with more query terms first', () => {
    const idx = new Bm25Index(['caroline went to a support group', 'melanie painted a sunrise', 'caroline painted']);
    expect(idx.search('When did Melanie paint a sunrise?', 1)[0]?.index).toBe(1);
  });
});
