import { scoreAtK, sessionGold, sessionOf, toSessionLevel } from './retrieval';

const L2 = (x: number) => Math.log2(x);

describe('scoreAtK', () => {
  const gold = new Set(['D1:1', 'D2:1']);

  it('scores a list whose hits come at ranks 2 and 3', () => {
    const ranked = [['D9:9'], ['D1:1'], ['D2:1']];
    const at1 = scoreAtK(ranked, gold, 1);
    expect(at1).toEqual({ recall_any: 0, recall_all: 0, evidence_recall: 0, mrr: 0, ndcg: 0 });
    const at2 = scoreAtK(ranked, gold, 2);
    expect(at2.recall_any).toBe(1);
    expect(at2.recall_all).toBe(0);
    expect(at2.evidence_recall).toBe(0.5);
    expect(at2.mrr).toBe(0.5);
    expect(at2.ndcg).toBeCloseTo(1 / L2(3) / (1 + 1 / L2(3)), 12);
    const at3 = scoreAtK(ranked, gold, 3);
    expect(at3.recall_all).toBe(1);
    expect(at3.evidence_recall).toBe(1);
    // (1/log2 3 + 1/log2 4) / (1 + 1/log2 3) = 0.693426...
    expect(at3.ndcg).toBeCloseTo(0.6934264036, 9);
  });

  it('gives a perfect list NDCG 1 and MRR 1', () => {
    const s = scoreAtK([['D1:1'], ['D2:1'], ['D3:3']], gold, 5);
    expect(s).toEqual({ recall_any: 1, recall_all: 1, evidence_recall: 1, mrr: 1, ndcg: 1 });
  });

  it('counts a memory that merges all evidence once (1/IDCG, not 1)', () => {
    const s = scoreAtK([['D1:1', 'D2:1']], gold, 5);
    expect(s.recall_all).toBe(1);
    expect(s.ndcg).toBeCloseTo(1 / (1 + 1 / L2(3)), 12);
  });

  it('gives no extra gain to a later item re-covering the same evidence', () => {
    const once = scoreAtK([['D1:1'], ['D9:9']], new Set(['D1:1']), 2);
    const twice = scoreAtK([['D1:1'], ['D1:1']], new Set(['D1:1']), 2);
    expect(twice.ndcg).toBe(once.ndcg);
    expect(twice.ndcg).toBe(1);
  });

  it('caps IDCG at k when there is more evidence than ranks', () => {
    const s = scoreAtK([['a'], ['b']], new Set(['a', 'b', 'c']), 2);
    expect(s.ndcg).toBe(1);
    expect(s.evidence_recall).toBeCloseTo(2 / 3, 12);
    expect(s.recall_all).toBe(0);
  });

  it('treats items without sources as misses and tolerates k beyond the list', () => {
    const s = scoreAtK([[], ['D2:1']], gold, 50);
    expect(s.mrr).toBe(0.5);
    expect(s.evidence_recall).toBe(0.5);
  });

  it('refuses an empty gold set', () => {
    expect(() => scoreAtK([['a']], new Set(), 1)).toThrow(/empty gold/);
  });
});

describe('session level', () => {
  it('maps dia_ids to sessions', () => {
    expect(sessionOf('D12:3')).toBe('D12');
    expect(sessionOf('not-a-dia-id')).toBe('not-a-dia-id');
    expect([...sessionGold(['D1:1', 'D1:5', 'D3:2'])]).toEqual(['D1', 'D3']);
  });

  it('drops items that add no new session but keeps source-less misses', () => {
    expect(toSessionLevel([['D1:1'], ['D1:2'], [], ['D1:3', 'D2:1'], ['D2:4']])).toEqual([['D1'], [], ['D1', 'D2']]);
  });

  it('scores at session level after deduplication', () => {
    const ranked = toSessionLevel([['D1:1'], ['D1:2'], ['D2:1']]);
    const s = scoreAtK(ranked, sessionGold(['D2:7']), 2);
    expect(s.mrr).toBe(0.5);
  });
});
