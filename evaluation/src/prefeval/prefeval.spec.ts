import { buildItem } from '../data/prefeval';
import { sampleIndices } from './sample';
import { aggregate, scoreCase } from './score';
import type { PrefCase } from './types';

const base = { preference: 'I avoid gluten.', question: 'Recommend restaurants in Rome?' };

describe('buildItem', () => {
  it('explicit: one user message, which is the gold', () => {
    const it = buildItem('explicit', 'travel', 3, base);
    expect(it.messages).toEqual([{ id: 'pe-explicit-travel-3-0', role: 'user', content: 'I avoid gluten.' }]);
    expect(it.gold).toEqual(['pe-explicit-travel-3-0']);
  });

  it('choice-based: four messages, gold is the user selection, partial is all four', () => {
    const it = buildItem('choice', 't', 0, {
      ...base,
      conversation: { query: 'Lunch?', assistant_options: '1. salad 2. pasta', user_selection: 'The salad.', assistant_acknowledgment: 'Got it.' },
    });
    expect(it.messages.map((m) => [m.role, m.content])).toEqual([['user', 'Lunch?'], ['assistant', '1. salad 2. pasta'], ['user', 'The salad.'], ['assistant', 'Got it.']]);
    expect(it.gold).toEqual(['pe-choice-t-0-2']);
    expect(it.partial).toHaveLength(4);
  });

  it('persona-driven: turns in numeric order, gold is every user message', () => {
    const it = buildItem('persona', 't', 1, { ...base, persona: 'p', conversation: { '10': { user: 'u10', assistant: 'a10' }, '2': { user: 'u2', assistant: 'a2' } } });
    expect(it.messages.map((m) => m.content)).toEqual(['u2', 'a2', 'u10', 'a10']);
    expect(it.gold).toEqual(['pe-persona-t-1-0', 'pe-persona-t-1-2']);
  });

  it('rejects malformed items', () => {
    expect(() => buildItem('choice', 't', 0, base)).toThrow();
  });
});

describe('sampleIndices', () => {
  it('is stratified by topic, seeded and sorted', () => {
    const a = sampleIndices({ b: 50, a: 10 }, 3, false, 42);
    expect(Object.keys(a)).toEqual(['a', 'b']);
    expect(a['a']).toHaveLength(3);
    expect(a['b']).toHaveLength(3);
    expect(a).toEqual(sampleIndices({ a: 10, b: 50 }, 3, false, 42));
    expect(a).not.toEqual(sampleIndices({ a: 10, b: 50 }, 3, false, 43));
    expect([...(a['b'] ?? [])].sort((x, y) => x - y)).toEqual(a['b']);
  });

  it('takes everything with full', () => {
    expect(sampleIndices({ a: 4 }, 1, true, 1)).toEqual({ a: [0, 1, 2, 3] });
  });
});

describe('PrefEval scoring', () => {
  const item = buildItem('explicit', 'travel', 0, base);
  const gold = item.gold[0] as string;
  const mk = (pairs: number, text: string[][], topic = 'travel'): PrefCase => ({
    item: { ...item, topic }, pairs, text, pref: [[gold]], bm25: [['inter-1'], [gold]], returnedTokens: 0, latencyMs: 0, ingestMs: 0, messages: 1,
  });

  it('computes hit@k and MRR for server, pref bucket and BM25', () => {
    const v = scoreCase(mk(10, [['inter-0'], ['inter-1', 'x'], [], [gold]]), 10);
    expect(v).toMatchObject({ 'server.hit@1': 0, 'server.hit@5': 1, 'server.hit@10': 1, 'server.mrr': 0.25, 'server_pref_mem.hit@1': 1, 'bm25.hit@1': 0, 'bm25.mrr': 0.5 });
    expect(v['server.partial_hit@5']).toBeUndefined();
    expect(Object.keys(scoreCase(mk(0, []), 5)).some((k) => k.endsWith('@10'))).toBe(false);
  });

  it('aggregates per form × distractor level, overall and per topic', () => {
    const groups = aggregate([mk(0, [[gold]]), mk(0, []), mk(0, [[gold]], 'shop'), mk(10, [])], 10);
    const overall0 = groups.find((g) => g.topic === 'all' && g.pairs === 0);
    expect(overall0).toMatchObject({ form: 'explicit', n: 3 });
    expect(overall0?.metrics['server.hit@1']).toBeCloseTo(2 / 3, 12);
    expect(groups.find((g) => g.topic === 'travel' && g.pairs === 0)?.metrics['server.hit@1']).toBe(0.5);
    expect(groups.find((g) => g.topic === 'all' && g.pairs === 10)?.metrics['server.mrr']).toBe(0);
  });
});
