import { getEncoding } from 'js-tiktoken';
import { countTokens, MAX_TOKENISED_RUN, measureUnits, sliceChars, splitByTokens } from './tokens';
import { runToEnd } from './steps';

const reference = getEncoding('cl100k_base');
const exact = (text: string) => reference.encode(text, [], []).length;

const ENGLISH = `Caroline went to the LGBTQ support group on 7 May 2023 and said it was powerful. Melanie
painted a lake sunrise last year; she's planning a camping trip with the kids in June! What did the
counsellor recommend? "Start small," she said — https://example.com/path?q=1&r=two — and 3.14159 is pi.`;
const CHINESE = `我昨天去了北京的一家咖啡馆，和朋友聊了很久。她说下个月要搬到上海工作，我们约好周末一起去爬山。
服务员推荐了一款新的手冲咖啡，味道很特别，有一点水果的酸味。回家的路上下起了小雨，我在便利店买了一把伞。`;

function msFor(fn: () => unknown): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

describe('countTokens', () => {
  it.each([
    ['English prose', ENGLISH],
    ['Chinese prose', CHINESE],
    ['mixed, code and numbers', `${ENGLISH}\n${CHINESE}\nconst x = foo(42) + bar[7];\n\n\tindented    spaced`],
    ['a run at the bound', 'A'.repeat(MAX_TOKENISED_RUN)],
  ])('is exactly cl100k for %s', (_, text) => {
    expect(countTokens(text)).toBe(exact(text));
  });

  it('counts special-token text as plain text instead of throwing', () => {
    expect(countTokens('hello <|endoftext|> world')).toBe(exact('hello <|endoftext|> world'));
  });

  it('stays within a token per cut of the exact count on long runs', () => {
    for (const text of ['A'.repeat(2000), '我们今天去公园散步然后吃饭'.repeat(40), '!'.repeat(500), ' '.repeat(500)]) {
      const cuts = Math.ceil(text.length / 16);
      expect(Math.abs(countTokens(text) - exact(text))).toBeLessThanOrEqual(cuts);
    }
  });

  it('takes linear time on one unbroken run (the exact merge is quadratic: 20 KB of A took 85 s)', () => {
    const letters = 'A'.repeat(200_000);
    const han = Array.from({ length: 50_000 }, (_, i) => String.fromCharCode(0x4e00 + ((i * 7919) % 20000))).join('');
    countTokens('warm up');
    expect(msFor(() => countTokens(letters))).toBeLessThan(2000);
    expect(msFor(() => countTokens(han))).toBeLessThan(5000);
    // doubling the input at most about doubles the time
    const small = msFor(() => countTokens(han.slice(0, 10_000)));
    const large = msFor(() => countTokens(han.slice(0, 40_000)));
    expect(large).toBeLessThan(small * 4 * 2 + 50);
  });
});

describe('sliceChars', () => {
  it('never cuts a surrogate pair', () => {
    const text = '😀'.repeat(10);
    for (const size of [1, 3, 5]) {
      const slices = sliceChars(text, size);
      expect(slices.join('')).toBe(text);
      for (const s of slices) expect(s).not.toMatch(/^[\udc00-\udfff]|[\ud800-\udbff]$/);
    }
  });
});

describe('measureUnits / splitByTokens', () => {
  it('keeps every character and bounds every unit', () => {
    const text = `${ENGLISH} ${'B'.repeat(3000)} ${CHINESE}${'字'.repeat(2000)}`;
    const units = runToEnd(measureUnits(text, 64));
    expect(units.map((u) => u.text).join('')).toBe(text);
    for (const u of units) expect(u.tokens).toBeLessThanOrEqual(64 + 4);
  });

  it('splits an unbroken run into pieces under the budget', () => {
    const pieces = splitByTokens('我'.repeat(5000), 100, 10);
    expect(pieces.length).toBeGreaterThan(10);
    for (const p of pieces) expect(countTokens(p)).toBeLessThanOrEqual(104);
  });

  it('returns short text whole', () => {
    expect(splitByTokens('Just one line.', 50, 10)).toEqual(['Just one line.']);
  });
});
