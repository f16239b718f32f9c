import { balancedSpans, normalizeJsonish, parseJsonLenient, stripCodeFences } from './json-repair';

describe('parseJsonLenient', () => {
  it('accepts valid JSON untouched', () => {
    expect(parseJsonLenient(' {"a": [1, 2]} ')).toEqual({ value: { a: [1, 2] }, repaired: false });
  });

  it.each([
    ['code fence', '```json\n{"a": 1}\n```', { a: 1 }],
    ['unclosed fence', '```\n{"a": 1}', { a: 1 }],
    ['prose around it', 'Here you go: {"a": {"b": "}"}} hope it helps', { a: { b: '}' } }],
    ['trailing commas', '{"a": [1, 2,], "b": 3,}', { a: [1, 2], b: 3 }],
    ['single quotes', "{'a': 'it\\'s', 'b': \"say \\\"hi\\\"\"}", { a: "it's", b: 'say "hi"' }],
    [
      'apostrophe inside a single-quoted value',
      "{'memory': 'The user's dog is Rex'}",
      { memory: "The user's dog is Rex" },
    ],
    ['python literals', "{'ok': True, 'none': None, 'no': False}", { ok: true, none: null, no: false }],
    ['reasoning block', '<think>maybe {"x": 1}?</think>{"a": 1}', { a: 1 }],
    ['array', 'result: [{"a": 1},]', [{ a: 1 }]],
    ['a bracket in prose before the object', 'Note [1]: see {"a": 1}', [1]],
  ])('repairs %s', (_name, input, expected) => {
    const r = parseJsonLenient(input);
    expect(r.value).toEqual(expected);
    expect(r.repaired).toBe(true);
  });

  it('leaves commas and quotes inside strings alone', () => {
    expect(normalizeJsonish('{"a": "x, }", "b": "it\'s",}')).toBe('{"a": "x, }", "b": "it\'s"}');
  });

  it('explains what is wrong when it cannot repair', () => {
    expect(() => parseJsonLenient('no json here')).toThrow(/no JSON object/);
    expect(() => parseJsonLenient('{"a": 1')).toThrow(/not valid JSON/);
  });

  it('finds every balanced span and the body of a fence', () => {
    expect(balancedSpans('x {"a":1} y [2] {')).toEqual(['{"a":1}', '[2]']);
    expect(stripCodeFences('pre ```js\nabc\n``` post')).toBe('abc\n');
  });
});
