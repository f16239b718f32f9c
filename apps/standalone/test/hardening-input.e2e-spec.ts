import { LIMITS } from '@engram/domain';
import { countTokens } from '@engram/reader';
import { startTestServer, type TestServer } from './harness';

jest.setTimeout(180_000);

/**
 * Issue 10 item 1 (one add of a long unbroken run froze every endpoint: 20 KB of "A" took 85 s, 5 MB
 * never answered) and the message part of item 5 (loose message input), probed over HTTP as the issue
 * did. The worst input the limits accept must be processed while /health keeps answering in < 1 s.
 */
describe('hardening: message size and strictness (standalone)', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(async () => s.stop());

  const add = (body: object) => s.http.post('/product/add').send(body);
  const stored = async (cube: string): Promise<number> =>
    (await s.http.post('/product/get_memory').send({ mem_cube_id: cube }).expect(200)).body.data.text_mem[0].total_nodes;

  /** Sends the add, polls /health until it answers, and returns every /health latency and the add's. */
  async function addWhilePolling(body: object): Promise<{ status: number; count: number; addMs: number; healthMs: number[] }> {
    const t0 = performance.now();
    let done = false;
    const pending = add(body).then((r) => {
      done = true;
      return r;
    });
    const healthMs: number[] = [];
    while (!done) {
      const h0 = performance.now();
      await s.http.get('/health').expect(200);
      healthMs.push(performance.now() - h0);
      await new Promise((r) => setTimeout(r, 50));
    }
    const r = await pending;
    // distinct ids: identical windows (a run of one letter) are one memory
    const ids = new Set((r.body.data ?? []).map((m: { memory_id: string }) => m.memory_id));
    return { status: r.status, count: ids.size, addMs: performance.now() - t0, healthMs };
  }

  // Han characters with no punctuation or space: one pre-tokeniser piece, like the 10k characters.
  const han = (n: number) =>
    Array.from({ length: n }, (_, i) => String.fromCharCode(0x4e00 + ((i * 7919) % 20_000))).join('');
  /** The longest prefix of `text` whose message stays within the per-add token limit. */
  function largestAccepted(text: string): string {
    const header = countTokens('user: ') + 8;
    let lo = 0;
    let hi = text.length;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (countTokens(text.slice(0, mid)) + header <= LIMITS.maxRequestTokens) lo = mid;
      else hi = mid - 1;
    }
    return text.slice(0, lo);
  }

  it.each([
    ['one unbroken run of A (max characters)', 'A'.repeat(LIMITS.maxMessageChars)],
    ['unpunctuated Chinese (max tokens)', largestAccepted(han(LIMITS.maxMessageChars))],
  ])('the worst accepted message, %s, is stored while /health answers in < 1 s', async (name, content) => {
    const cube = `worst-${name.length}`;
    const r = await addWhilePolling({ user_id: cube, messages: [{ role: 'user', content, message_id: 'big' }] });
    expect(r.status).toBe(200);
    expect(r.count).toBeGreaterThanOrEqual(1);
    expect(r.healthMs.length).toBeGreaterThan(0);
    expect(Math.max(...r.healthMs)).toBeLessThan(1000);
    expect(await stored(cube)).toBe(r.count);
    // Measured figures for the report / docs: add time and the slowest /health during it.
    process.stdout.write(
      `${name}: ${content.length} chars, add ${Math.round(r.addMs)} ms, ${r.count} memories, /health max ${Math.round(Math.max(...r.healthMs))} ms over ${r.healthMs.length} polls\n`,
    );
  });

  it('a max-size message of unpunctuated Chinese is over the token limit: 413 naming it, nothing stored', async () => {
    const r = await add({ user_id: 'too-many-tokens', messages: [{ content: 'hi' }, { content: han(LIMITS.maxMessageChars) }] });
    expect(r.status).toBe(413);
    expect(r.body.message).toMatch(/^messages\[1\]\.content brings the messages to [\d,]+ tokens; the limit is /);
    expect(r.body.message).toContain(`the limit is ${LIMITS.maxRequestTokens.toLocaleString('en-US')} (cl100k) per add`);
    expect(await stored('too-many-tokens')).toBe(0);
  });

  it('a message over the limit gets 413 naming it, and nothing is stored', async () => {
    const big = 'A'.repeat(2_000_000);
    const messages = [{ content: 'a' }, { content: 'b' }, { content: 'c' }, { content: big }];
    const r = await add({ user_id: 'too-big', messages }).expect(413);
    expect(r.body).toMatchObject({ code: 413, data: null });
    expect(r.body.message).toBe(
      `messages[3].content is 2,000,000 characters; the limit is ${LIMITS.maxMessageChars.toLocaleString('en-US')}`,
    );
    expect(await stored('too-big')).toBe(0);
  });

  it('messages together over the request limit get 413, and nothing is stored', async () => {
    const each = 'B'.repeat(LIMITS.maxMessageChars);
    const count = Math.floor(LIMITS.maxRequestChars / LIMITS.maxMessageChars) + 1;
    const r = await add({ user_id: 'too-many', messages: Array.from({ length: count }, () => ({ content: each })) }).expect(413);
    expect(r.body.message).toMatch(/^messages \(all together\) is [\d,]+ characters; the limit is [\d,]+$/);
    expect(await stored('too-many')).toBe(0);
  });

  it.each([
    ['chat_time "not-a-date"', { content: 'x', chat_time: 'not-a-date' }, /^messages\[0\]\.chat_time 'not-a-date' is not a date or time/],
    ['numeric message_id', { content: 'x', message_id: 123 }, /^messages\[0\]\.message_id must be a string$/],
    ['NUL in content', { content: 'before\u0000after' }, /^messages\[0\]\.content contains the control character U\+0000/],
    ['lone surrogate in content', { content: 'broken \ud83d text' }, /^messages\[0\]\.content contains a lone UTF-16 surrogate/],
    ['NUL in a text part', { content: [{ type: 'text', text: 'a\u0000' }] }, /^messages\[0\]\.content\[0\]\.text contains/],
    ['NUL in a file name', { content: [{ type: 'file', file: { file_id: 'f1', filename: 'a\u0000.pdf' } }] }, /^messages\[0\]\.content\[0\]\.file\.filename contains/],
    ['lone surrogate in message_id', { content: 'x', message_id: 'm\udc00' }, /^messages\[0\]\.message_id contains a lone/],
  ])('%s → 400 naming the field, nothing stored', async (_, message, re) => {
    const r = await add({ user_id: 'loose', messages: [message] }).expect(400);
    expect(r.body.message).toMatch(re);
    expect(await stored('loose')).toBe(0);
  });

  it('keeps accepting the time formats clients and the evaluation send', async () => {
    const times = ['1:56 pm on 8 May, 2023', '2023-05-08T13:56:00Z', '2023-05-08 13:56:00', '2023/05/08 13:56', '2023年5月8日', '1683554160'];
    const messages = times.map((chat_time, i) => ({ role: 'user', content: `Fact number ${i}.`, chat_time, message_id: `t${i}` }));
    await add({ user_id: 'times', messages }).expect(200);
    expect(await stored('times')).toBeGreaterThan(0);
  });
});
