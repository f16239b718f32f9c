import { sseData } from './sse';

function streamOf(chunks: string[]): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  return new ReadableStream({
    start(c) {
      for (const s of chunks) c.enqueue(enc.encode(s));
      c.close();
    },
  });
}

async function all(chunks: string[]): Promise<string[]> {
  const out: string[] = [];
  for await (const d of sseData(streamOf(chunks))) out.push(d);
  return out;
}

describe('sseData', () => {
  it('reassembles events split across chunks, with CRLF and comments', async () => {
    expect(await all([': keep-alive\r\n\r\nda', 'ta: {"a":1}\r', '\n\r\ndata: [DONE]\n\n'])).toEqual([
      '{"a":1}',
      '[DONE]',
    ]);
  });

  it('joins multi-line data and flushes a final event without a blank line', async () => {
    expect(await all(['event: x\ndata: one\ndata: two\n\n', 'data:last'])).toEqual(['one\ntwo', 'last']);
  });

  it('decodes multi-byte characters split between chunks', async () => {
    const bytes = new TextEncoder().encode('data: 你好\n\n');
    const s = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(bytes.slice(0, 8));
        c.enqueue(bytes.slice(8));
        c.close();
      },
    });
    const out: string[] = [];
    for await (const d of sseData(s)) out.push(d);
    expect(out).toEqual(['你好']);
  });
});
