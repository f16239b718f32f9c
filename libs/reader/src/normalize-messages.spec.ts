import { ValidationError } from '@engram/domain';
import { normalizeMessages } from './normalize-messages';

describe('normalizeMessages', () => {
  it('accepts a plain string as one user message', () => {
    const m = normalizeMessages('I like tea', 'seed');
    expect(m).toHaveLength(1);
    expect(m[0]).toMatchObject({ role: 'user', content: 'I like tea', index: 0 });
    expect(m[0]!.message_id).toMatch(/^msg-/);
  });

  it('keeps caller message ids and chat_time, joins text parts, keeps image and file parts', () => {
    const m = normalizeMessages(
      [
        { role: 'user', content: 'hi', message_id: 'D1:1', chat_time: '2023-05-08' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'look' },
            { type: 'image_url', image_url: { url: 'http://x/y.png' } },
            { type: 'file', file: { file_data: '# Title\nbody', filename: 'a.md' } },
          ],
        },
      ],
      'seed',
    );
    expect(m[0]).toMatchObject({ message_id: 'D1:1', chat_time: '2023-05-08' });
    expect(m[1]!.content).toBe('look');
    expect(m[1]!.parts).toEqual([
      { type: 'image_url', url: 'http://x/y.png' },
      { type: 'file', file_data: '# Title\nbody', filename: 'a.md' },
    ]);
  });

  it('derives the same ids for the same input', () => {
    const a = normalizeMessages([{ role: 'user', content: 'x' }], 's');
    const b = normalizeMessages([{ role: 'user', content: 'x' }], 's');
    expect(a[0]!.message_id).toBe(b[0]!.message_id);
  });

  it.each([
    [[], /empty list/],
    [42, /string or a list/],
    [[{ role: 'robot', content: 'x' }], /role must be one of/],
    [[{ role: 'user' }], /content must be/],
    [[{ role: 'user', content: '   ' }], /no content/],
    [[{ role: 'user', content: [{ type: 'video', url: 'x' }] }], /type must be one of/],
    [[{ role: 'user', content: 'a', message_id: 'x' }, { role: 'user', content: 'b', message_id: 'x' }], /repeated/],
  ])('rejects %j', (input, re) => {
    expect(() => normalizeMessages(input, 's')).toThrow(ValidationError);
    expect(() => normalizeMessages(input, 's')).toThrow(re);
  });
});
