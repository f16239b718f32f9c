import { tokenF1 } from './f1';
import { parseLabel } from './label';

describe('parseLabel', () => {
  it('prefers the JSON label, else the last bare label', () => {
    expect(parseLabel('Same date. {"label": "CORRECT"}')).toBe('CORRECT');
    expect(parseLabel('It is not CORRECT. {"label":"wrong"}')).toBe('WRONG');
    expect(parseLabel('Reason... WRONG')).toBe('WRONG');
    expect(parseLabel('no verdict')).toBeUndefined();
  });
});

describe('tokenF1', () => {
  it('computes SQuAD-style token F1', () => {
    expect(tokenF1('7 May 2023', '7 May 2023')).toBe(1);
    expect(tokenF1('The dog', 'a dog')).toBe(1);
    // prediction "went to paris" vs gold "paris": P 1/3, R 1 -> F1 0.5
    expect(tokenF1('went to Paris', 'Paris')).toBeCloseTo(0.5, 12);
    expect(tokenF1('London', 'Paris')).toBe(0);
    expect(tokenF1('', '')).toBe(1);
  });
});
