import { ValidationError } from './errors';
import { assertSafeText, unsafeTextReason } from './safe-text';

describe('unsafeTextReason', () => {
  it('accepts ordinary text, whitespace controls and surrogate pairs', () => {
    expect(unsafeTextReason('hello\tworld\r\n')).toBeNull();
    expect(unsafeTextReason('我的狗叫饼干 🐕')).toBeNull();
  });

  it('names NUL and other control characters', () => {
    expect(unsafeTextReason('a\u0000b')).toBe('contains the control character U+0000');
    expect(unsafeTextReason('\u001b[31m')).toBe('contains the control character U+001B');
  });

  it('refuses lone high and low surrogates', () => {
    expect(unsafeTextReason('x\ud83dy')).toMatch(/lone UTF-16 surrogate/);
    expect(unsafeTextReason('\ude00')).toMatch(/lone UTF-16 surrogate/);
    expect(unsafeTextReason('end\ud83d')).toMatch(/lone UTF-16 surrogate/);
  });

  it('assertSafeText throws a ValidationError naming the path', () => {
    expect(() => assertSafeText('a\u0000', 'user_id')).toThrow(ValidationError);
    expect(() => assertSafeText('a\u0000', 'user_id')).toThrow('user_id contains the control character U+0000');
  });
});
