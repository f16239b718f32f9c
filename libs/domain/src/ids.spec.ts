import { contentHash, deterministicId, stableStringify, UUID_RE } from './ids';
import { deriveKey, detectLang } from './text';

describe('ids', () => {
  it('deterministic ids are UUID-shaped, stable and part-sensitive', () => {
    const a = deterministicId('t', 'cube', 'm1');
    expect(a).toMatch(UUID_RE);
    expect(deterministicId('t', 'cube', 'm1')).toBe(a);
    expect(deterministicId('t', 'cube2', 'm1')).not.toBe(a);
    // part boundaries matter: ('ab','c') != ('a','bc')
    expect(deterministicId('ab', 'c')).not.toBe(deterministicId('a', 'bc'));
  });
  it('content hash ignores key order', () => {
    expect(contentHash({ a: 1, b: [1, { c: 2, d: 3 }] })).toBe(contentHash({ b: [1, { d: 3, c: 2 }], a: 1 }));
    expect(stableStringify({ b: undefined, a: null })).toBe('{"a":null}');
  });
});

describe('text helpers', () => {
  it('detects Chinese by CJK share', () => {
    expect(detectLang('我喜欢喝绿茶')).toBe('zh');
    expect(detectLang('I like green tea')).toBe('en');
    expect(detectLang('I like 绿茶 very much indeed my friend')).toBe('en');
  });
  it('derives a key from the first sentence', () => {
    expect(deriveKey('I moved to Lisbon. It is sunny.')).toBe('I moved to Lisbon.');
    expect(deriveKey('x'.repeat(200))).toHaveLength(80);
  });
});
