import { DOCUMENTED_AS, id, jsonObject, text } from './text-fields';

/** The pattern the OpenAPI document shows must accept exactly what the zod schema accepts. */
describe('text fields: zod and the documented JSON Schema agree', () => {
  const samples = ['alice', ' bob ', '', ' ', '\t\n', 'a\u0000b', 'a\u000bb', 'x\u001f', 'tab\there', 'é中文', '\u{1F600}', '\ufeff', '\u3000a', 'a\ud800', '\udc00'];
  const cases = { id, note: text({ max: 5 }), key: text({ max: 256, notBlank: true }) };

  it.each(Object.entries(cases))('%s', (_, schema) => {
    const doc = DOCUMENTED_AS.get(schema._def)!;
    const re = new RegExp(doc['pattern'] as string, 'u');
    for (const s of samples) {
      const len = [...s].length;
      const documented = re.test(s) && len <= (doc['maxLength'] as number) && len >= ((doc['minLength'] as number | undefined) ?? 0);
      // lone surrogates cannot be stated in a JSON Schema pattern; the server refuses them regardless
      const lone = /[\ud800-\udfff]/u.test(s) || /\p{Cs}/u.test(s);
      expect({ s, accepted: schema.safeParse(s).success }).toEqual({ s, accepted: documented && !lone });
    }
  });

  it('counts code points, as JSON Schema does', () => {
    expect(text({ max: 2 }).safeParse('\u{1F600}\u{1F600}').success).toBe(true);
    expect(text({ max: 2 }).safeParse('\u{1F600}\u{1F600}x').success).toBe(false);
  });

  it('ids are trimmed; info names the offending key or value', () => {
    expect(id.parse('  a  ')).toBe('a');
    const r = jsonObject().safeParse({ a: [{ b: 'x\u0000' }] });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toBe('a.0.b contains the control character U+0000');
  });
});
