import { type ChatMessage, LIMITS, PayloadTooLargeError } from '@engram/domain';
import { countTokens } from './tokens';
import { buildWindows, buildWindowsSliced } from './windowing';

const msg = (i: number, content: string, role: ChatMessage['role'] = 'user'): ChatMessage => ({
  message_id: `m${i}`,
  role,
  content,
  parts: [],
  index: i,
  chat_time: '2026-01-01',
});

describe('buildWindows', () => {
  it('keeps a short conversation in one window with every message id', () => {
    const w = buildWindows([msg(0, 'Hello, I moved to Paris.'), msg(1, 'Nice!', 'assistant')], {
      maxTokens: 256,
      overlapTokens: 32,
    });
    expect(w).toHaveLength(1);
    expect(w[0]!.messages.map((m) => m.message_id)).toEqual(['m0', 'm1']);
    expect(w[0]!.text).toBe('user: [2026-01-01]: Hello, I moved to Paris.\nassistant: [2026-01-01]: Nice!');
  });

  it('never exceeds the budget and overlaps consecutive windows', () => {
    const messages = Array.from({ length: 40 }, (_, i) => msg(i, `This is sentence number ${i} about topic ${i % 7}.`));
    const w = buildWindows(messages, { maxTokens: 64, overlapTokens: 30 });
    expect(w.length).toBeGreaterThan(3);
    for (const win of w) expect(countTokens(win.text)).toBeLessThanOrEqual(64 + win.messages.length);
    for (let i = 1; i < w.length; i++) {
      const prev = new Set(w[i - 1]!.messages.map((m) => m.message_id));
      expect(w[i]!.messages.some((m) => prev.has(m.message_id))).toBe(true);
    }
    // every message lands in some window
    const covered = new Set(w.flatMap((x) => x.messages.map((m) => m.message_id)));
    expect(covered.size).toBe(40);
  });

  it('with zero overlap windows are disjoint', () => {
    const messages = Array.from({ length: 20 }, (_, i) => msg(i, `Fact ${i}: the user likes item ${i}.`));
    const w = buildWindows(messages, { maxTokens: 50, overlapTokens: 0 });
    const ids = w.flatMap((x) => x.messages.map((m) => m.message_id));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('splits a message larger than a window and keeps its id', () => {
    const long = Array.from({ length: 60 }, (_, i) => `Sentence ${i} is here.`).join(' ');
    const w = buildWindows([msg(0, long)], { maxTokens: 64, overlapTokens: 16 });
    expect(w.length).toBeGreaterThan(2);
    for (const win of w) expect(win.messages.map((m) => m.message_id)).toEqual(['m0']);
  });

  it('rejects nonsensical options', () => {
    expect(() => buildWindows([msg(0, 'x')], { maxTokens: 64, overlapTokens: 64 })).toThrow();
  });

  it('windows a 100k-character unbroken run quickly, within the budget, and the sliced driver agrees', async () => {
    const messages = [msg(0, 'A'.repeat(LIMITS.maxMessageChars))];
    const t0 = performance.now();
    const w = buildWindows(messages, { maxTokens: 128, overlapTokens: 32 });
    expect(performance.now() - t0).toBeLessThan(5000);
    for (const win of w) expect(countTokens(win.text)).toBeLessThanOrEqual(128 + 2);
    expect(await buildWindowsSliced(messages, { maxTokens: 128, overlapTokens: 32 })).toEqual(w);
  });

  it('refuses messages over the per-add token limit, naming the message that crossed it', () => {
    const messages = [msg(0, 'hello'), msg(1, '我'.repeat(LIMITS.maxRequestTokens + 10))];
    expect(() => buildWindows(messages, { maxTokens: 128, overlapTokens: 32 })).toThrow(PayloadTooLargeError);
    expect(() => buildWindows(messages, { maxTokens: 128, overlapTokens: 32 })).toThrow(
      /^messages\[1\]\.content brings the messages to [\d,]+ tokens; the limit is/,
    );
  });
});
