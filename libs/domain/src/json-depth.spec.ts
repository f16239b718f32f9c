import { ValidationError } from './errors';
import { assertJsonDepth, jsonDepth } from './json-depth';
import { LIMITS } from './limits';

const nested = (levels: number): unknown => {
  let v: unknown = 'leaf';
  for (let i = 0; i < levels; i++) v = i % 2 ? [v] : { k: v };
  return v;
};

describe('jsonDepth / assertJsonDepth', () => {
  it('counts containers, not scalars', () => {
    expect(jsonDepth('x')).toBe(0);
    expect(jsonDepth(null)).toBe(0);
    expect(jsonDepth({})).toBe(1);
    expect(jsonDepth({ a: [1, { b: 2 }], c: 'x' })).toBe(3);
    expect(jsonDepth(nested(LIMITS.maxJsonDepth))).toBe(LIMITS.maxJsonDepth);
  });

  it('stops counting past the limit, without recursion, so 4,000 (or 1,000,000) levels are cheap', () => {
    expect(jsonDepth(nested(4000))).toBe(LIMITS.maxJsonDepth + 1);
    expect(jsonDepth(nested(1_000_000), 10)).toBe(11);
  });

  it('terminates on a cyclic value', () => {
    const a: Record<string, unknown> = {};
    a['self'] = a;
    expect(jsonDepth(a)).toBe(LIMITS.maxJsonDepth + 1);
  });

  it('refuses a value nested deeper than LIMITS.maxJsonDepth, naming the field', () => {
    expect(() => assertJsonDepth(nested(LIMITS.maxJsonDepth), 'info')).not.toThrow();
    expect(() => assertJsonDepth(nested(4000), 'info')).toThrow(ValidationError);
    expect(() => assertJsonDepth(nested(4000), 'info')).toThrow(
      `info is nested more than ${LIMITS.maxJsonDepth} levels deep`,
    );
  });
});
