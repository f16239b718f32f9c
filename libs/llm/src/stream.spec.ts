import { FakeOpenAiServer } from '@engram/testing';
import type { ChatStreamEvent } from '@engram/ports';
import { createLlmClient } from './client';
import { LlmTimeoutError } from './errors';

const fake = new FakeOpenAiServer();
beforeAll(() => fake.start());
afterAll(() => fake.stop());
beforeEach(() => fake.reset());

const client = (timeoutMs = 2000) =>
  createLlmClient({
    baseUrl: fake.baseUrl,
    models: { chat: 'fake-chat' },
    timeoutMs,
    maxRetries: 1,
    retryBaseMs: 5,
  });

async function collect(it: AsyncIterable<ChatStreamEvent>): Promise<ChatStreamEvent[]> {
  const out: ChatStreamEvent[] = [];
  for await (const e of it) out.push(e);
  return out;
}

describe('OpenAiCompatibleClient.stream', () => {
  it('yields deltas parsed from SSE, then a done event with usage', async () => {
    fake.setDefault({
      content: '你好，世界! Hello world.',
      streamChunkSize: 3,
      usage: { prompt_tokens: 7, completion_tokens: 5 },
    });
    const c = client();
    const events = await collect(c.stream({ tenant_id: 't', messages: [{ role: 'user', content: 'hi' }] }));
    const deltas = events.filter((e) => e.type === 'delta');
    expect(deltas.length).toBeGreaterThan(3);
    expect(deltas.map((e) => (e.type === 'delta' ? e.content : '')).join('')).toBe(
      '你好，世界! Hello world.',
    );
    expect(events.at(-1)).toEqual({
      type: 'done',
      model: 'fake-chat',
      usage: { prompt_tokens: 7, completion_tokens: 5, total_tokens: 12 },
      finish_reason: 'stop',
    });
    expect(fake.chatRequests()[0]).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    expect(c.ledger.totals('t').total_tokens).toBe(12);
  });

  it('uses an idle timeout: a slow but steady stream completes', async () => {
    fake.setDefault({ content: 'abcdefghij', streamChunkSize: 1, streamDelayMs: 40 });
    const events = await collect(
      client(150).stream({ tenant_id: 't', messages: [{ role: 'user', content: 'x' }] }),
    );
    expect(events.at(-1)?.type).toBe('done'); // ~400 ms in total, never 150 ms without a chunk
  });

  it('times out a stream that stalls before the first byte', async () => {
    fake.setDefault({ content: 'late', delayMs: 400 });
    await expect(
      collect(client(60).stream({ tenant_id: 't', messages: [{ role: 'user', content: 'x' }] })),
    ).rejects.toBeInstanceOf(LlmTimeoutError);
  });

  it('frees its concurrency slot when the consumer stops early', async () => {
    fake.setDefault({ content: 'abcdefghijklmnop', streamChunkSize: 1, streamDelayMs: 20 });
    const c = client();
    for await (const e of c.stream({ tenant_id: 't', messages: [{ role: 'user', content: 'x' }] })) {
      if (e.type === 'delta') break;
    }
    await new Promise((r) => setTimeout(r, 30));
    expect(c.semaphore.inFlight).toBe(0);
  });
});
