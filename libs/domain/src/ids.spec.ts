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
  it('stableStringify writes what it always wrote (content hashes are idempotency keys)', () => {
    expect(stableStringify({ z: [1, 'a', null, undefined, true, { y: 2, x: [] }], a: {} })).toBe(
      '{"a":{},"z":[1,"a",null,null,true,{"x":[],"y":2}]}',
    );
    expect(stableStringify('s"\u2028')).toBe(JSON.stringify('s"\u2028'));
    expect(stableStringify(undefined)).toBe('null');
    expect(stableStringify([])).toBe('[]');
    expect(stableStringify({ 'k"': [[[]]] })).toBe('{"k\\"":[[[]]]}');
    const shared = { a: 1 };
    expect(stableStringify([shared, shared])).toBe('[{"a":1},{"a":1}]');
    expect(contentHash({ u: 'u', m: [{ role: 'user', content: 'hi' }] })).toBe(
      '8aaea917eb5848ebbc7c3ad6449135ec06061c2fbadf2462b746e6d0ff988f90',
    );
  });
  it('stableStringify never overflows the stack (issue 10: info nested 4,000 levels was a 500)', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 100_000; i++) deep = i % 2 ? [deep] : { k: deep };
    const text = stableStringify(deep);
    // (JSON.stringify itself overflows on this)
    expect(text).toBe(`${'[{"k":'.repeat(50_000)}"leaf"${'}]'.repeat(50_000)}`);
  });
  it('stableStringify refuses a cyclic value instead of looping', () => {
    const a: Record<string, unknown> = { b: 1 };
    a['self'] = a;
    expect(() => stableStringify(a)).toThrow(TypeError);
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
