import { LIMITS, PayloadTooLargeError, ValidationError } from '@engram/domain';
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

  it.each([
    [[{ content: 'x', chat_time: 'not-a-date' }], /^messages\[0\]\.chat_time 'not-a-date' is not a date or time/],
    [[{ content: 'x' }, { content: 'y', chat_time: { at: 1 } }], /^messages\[1\]\.chat_time must be a string/],
    [[{ content: 'x', message_id: 42 }], /^messages\[0\]\.message_id must be a string$/],
    [[{ content: 'a\u0000b' }], /^messages\[0\]\.content contains the control character U\+0000/],
    [[{ content: 'a\ud800b' }], /^messages\[0\]\.content contains a lone UTF-16 surrogate/],
    [[{ content: [{ type: 'text', text: 'ok' }, { type: 'text', text: 'x\u0000' }] }], /^messages\[0\]\.content\[1\]\.text contains/],
    [[{ content: [{ type: 'file', file: { file_data: 'x', filename: 'a\u0000.md' } }] }], /^messages\[0\]\.content\[0\]\.file\.filename contains/],
    [[{ content: 'x', chat_time: '2023-05-08\u0000' }], /^messages\[0\]\.chat_time contains/],
    [[{ content: 'x', message_id: 'm\udc00' }], /^messages\[0\]\.message_id contains a lone/],
    ['hi\u0000', /^messages contains the control character/],
  ])('refuses loose input %j', (input, re) => {
    expect(() => normalizeMessages(input, 's')).toThrow(ValidationError);
    expect(() => normalizeMessages(input, 's')).toThrow(re);
  });

  it('keeps the time formats clients and the evaluation send, and unix time as a number', () => {
    const times = ['1:56 pm on 8 May, 2023', '2023-05-08T13:56:00Z', '2023-05-08 13:56:00', '2023年5月8日', '1714557600'];
    const m = normalizeMessages(
      [...times.map((chat_time) => ({ content: 'x', chat_time })), { content: 'y', chat_time: 1714557600 }],
      's',
    );
    expect(m.map((x) => x.chat_time)).toEqual([...times, '1714557600']);
  });

  it('refuses a message over the size limit with a 413 error naming it and both numbers', () => {
    const big = 'A'.repeat(LIMITS.maxMessageChars + 1);
    const input = [{ content: 'a' }, { content: 'b' }, { content: 'c' }, { content: big }];
    expect(() => normalizeMessages(input, 's')).toThrow(PayloadTooLargeError);
    expect(() => normalizeMessages(input, 's')).toThrow(
      `messages[3].content is ${(LIMITS.maxMessageChars + 1).toLocaleString('en-US')} characters; the limit is ${LIMITS.maxMessageChars.toLocaleString('en-US')}`,
    );
    expect(() => normalizeMessages(big, 's')).toThrow(/^messages is .* characters; the limit is/);
  });

  it('counts text parts and inline file text of a message, but not URLs', () => {
    const half = 'A'.repeat(LIMITS.maxMessageChars / 2 + 1);
    const parts = [{ type: 'text', text: half }, { type: 'file', file: { file_data: half } }];
    expect(() => normalizeMessages([{ content: parts }], 's')).toThrow(/^messages\[0\]\.content is/);
    const url = `https://example.com/${half}`;
    expect(() =>
      normalizeMessages([{ content: [{ type: 'text', text: half }, { type: 'file', file: { file_data: url } }] }], 's'),
    ).not.toThrow();
  });

  it('refuses a request whose messages together are over the request limit', () => {
    const each = Math.ceil(LIMITS.maxRequestChars / 3) + 1;
    expect(each).toBeLessThanOrEqual(LIMITS.maxMessageChars);
    const input = [0, 1, 2].map(() => ({ content: 'A'.repeat(each) }));
    expect(() => normalizeMessages(input, 's')).toThrow(PayloadTooLargeError);
    expect(() => normalizeMessages(input, 's')).toThrow(/^messages \(all together\) is .* characters; the limit is/);
  });

  it('refuses more content parts than the limit', () => {
    const parts = Array.from({ length: LIMITS.maxContentParts + 1 }, () => ({ type: 'text', text: 'x' }));
    expect(() => normalizeMessages([{ content: parts }], 's')).toThrow(PayloadTooLargeError);
  });
});
