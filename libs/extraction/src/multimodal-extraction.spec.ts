import type { ChatMessage, MessageWindow } from '@engram/domain';
import { createLlmClient } from '@engram/llm';
import {
  FakeOpenAiServer,
  type FakeChatBody,
  type FakeContentPart,
  lastUserText,
  systemText,
} from '@engram/testing';
import { ExtractionFailedError } from './errors';
import { FineExtractor } from './fine-extractor';
import { DOCUMENT_PROMPT_EN } from './prompts/document';
import { IMAGE_PROMPT_ZH } from './prompts/image';

const fake = new FakeOpenAiServer();
beforeAll(() => fake.start());
afterAll(() => fake.stop());
beforeEach(() => fake.reset());

const llm = (vision: string | null = 'fake-vision') =>
  createLlmClient({
    baseUrl: fake.baseUrl,
    models: { extractor: 'fake-extractor', vision },
    maxRetries: 0,
    structuredAttempts: 2,
    retryBaseMs: 1,
  });

function window(messages: ChatMessage[], index = 0): MessageWindow {
  const text = messages.map((m) => `${m.role}: [${m.chat_time ?? ''}]: ${m.content}`).join('\n');
  return { index, messages, text, tokens: Math.ceil(text.length / 4) };
}
const noMemories = { json: { memories: [], summary: '' } };
const userParts = (body: FakeChatBody): FakeContentPart[] => {
  const c = body.messages.find((m) => m.role === 'user')?.content;
  return Array.isArray(c) ? c : [];
};

describe('FineExtractor: images', () => {
  const photo: ChatMessage = {
    message_id: 'img-1',
    role: 'user',
    content: '这是我上周六在黄山拍的日出',
    parts: [{ type: 'image_url', url: 'https://example.com/sunrise.jpg', detail: 'low' }],
    chat_time: '2025-06-11T08:00:00+08:00',
    index: 1,
  };
  const before: ChatMessage = {
    message_id: 'ctx-0',
    role: 'user',
    content: '给你看看我的旅行照片',
    parts: [],
    chat_time: '2025-06-11T07:59:00+08:00',
    index: 0,
  };

  it('sends the image to the vision model with the conversation as context', async () => {
    fake.on(
      { model: 'fake-vision' },
      {
        json: {
          memories: [
            {
              key: '黄山日出',
              value: '用户于2025年6月7日在黄山拍摄了日出照片，画面中云海翻涌。',
              memory_type: 'LongTermMemory',
              tags: ['旅行'],
              event_time: '2025-06-07',
              source_message_ids: ['whatever'],
            },
          ],
          summary: '黄山日出与云海。',
        },
      },
    );
    fake.setDefault(noMemories);
    const r = await new FineExtractor({ llm: llm() }).extract({
      tenant_id: 't1',
      windows: [window([before, photo])],
    });

    const visionCall = fake.chatRequests().find((b) => b.model === 'fake-vision')!;
    expect(systemText(visionCall)).toBe(IMAGE_PROMPT_ZH);
    const parts = userParts(visionCall);
    expect(parts[1]).toEqual({
      type: 'image_url',
      image_url: { url: 'https://example.com/sunrise.jpg', detail: 'low' },
    });
    expect(parts[0]!.type === 'text' && parts[0].text).toContain('给你看看我的旅行照片'); // the surrounding window
    expect(parts[0]!.type === 'text' && parts[0].text).toContain('图片来自消息 img-1');

    const image = r.memories.find((m) => m.origin === 'image')!;
    expect(image).toMatchObject({
      memory: '用户于2025年6月7日在黄山拍摄了日出照片，画面中云海翻涌。',
      tags: ['旅行', 'multimodal:image'],
      valid_from: '2025-06-07',
      extractor: { model: 'fake-vision' },
      sources: [
        {
          type: 'image',
          message_id: 'img-1',
          role: 'user',
          image_info: { url: 'https://example.com/sunrise.jpg' },
        },
      ],
    });
    expect(r.vision_unavailable).toBe(false);
  });

  it('flags images it could not read when there is no vision model', async () => {
    fake.setDefault(noMemories);
    const r = await new FineExtractor({ llm: llm(null) }).extract({
      tenant_id: 't1',
      windows: [window([before, photo])],
    });
    expect(fake.chatRequests().every((b) => b.model === 'fake-extractor')).toBe(true);
    expect(r.vision_unavailable).toBe(true);
    expect(r.unprocessed_images).toEqual([{ message_id: 'img-1', window_index: 0 }]);
    expect(r.memories.filter((m) => m.origin === 'image')).toEqual([]);
  });

  it('keeps data: URLs out of the stored source', async () => {
    fake.on(
      { model: 'fake-vision' },
      {
        json: {
          memories: [
            {
              key: 'k',
              value: 'The user shared a receipt for 12.50 EUR.',
              memory_type: 'LongTermMemory',
              tags: [],
              event_time: null,
              source_message_ids: [],
            },
          ],
          summary: '',
        },
      },
    );
    fake.setDefault(noMemories);
    const data = `data:image/png;base64,${'A'.repeat(5000)}`;
    const m: ChatMessage = {
      message_id: 'p',
      role: 'user',
      content: '',
      parts: [{ type: 'image_url', url: data }],
      index: 0,
    };
    const r = await new FineExtractor({ llm: llm() }).extract({ tenant_id: 't1', windows: [window([m])] });
    expect(userParts(fake.chatRequests()[0]!)[1]).toEqual({ type: 'image_url', image_url: { url: data } });
    expect(r.memories[0]!.sources[0]!.image_info).toEqual({ url: 'data:image/png;base64,…(5022 chars)' });
  });
});

describe('FineExtractor: documents', () => {
  const handbook = [
    '# Travel policy',
    'Applies to all employees of Acme Ltd.',
    '## Flights',
    'Economy class for flights under 6 hours. Business class is allowed above 6 hours.',
    '## Hotels',
    '| city | nightly cap |',
    '|---|---|',
    '| London | 220 GBP |',
    '| Berlin | 160 EUR |',
  ].join('\n');

  /** Answers each chunk with one memory quoting its first line, citing whatever id the prompt shows. */
  const perChunk = (body: FakeChatBody) => {
    const text = lastUserText(body);
    const chunk = text.match(/<chunk id="([^"]+)">\n([^\n]*)/)!;
    return {
      json: {
        memories: [
          {
            key: 'k',
            value: `Policy: ${chunk[2]}`,
            memory_type: 'UserMemory',
            tags: ['policy'],
            event_time: null,
            source_message_ids: ['bogus'],
          },
        ],
        summary: `About ${chunk[1]}`,
      },
    };
  };

  it('fetches a Markdown file, chunks it by headings and links chunks and memories', async () => {
    const url = fake.addFile('/files/travel-policy.md', handbook, 'text/markdown');
    fake.on({ system: DOCUMENT_PROMPT_EN }, perChunk);
    fake.setDefault(noMemories);
    const m: ChatMessage = {
      message_id: 'doc-msg',
      role: 'user',
      content: 'Here is our travel policy',
      parts: [{ type: 'file', filename: 'travel-policy.md', file_data: url }],
      chat_time: '2025-06-11T10:00:00Z',
      index: 0,
    };
    const r = await new FineExtractor({
      llm: llm(),
      chunkTokens: 30,
      files: { allowPrivateNetwork: true },
    }).extract({
      tenant_id: 't1',
      windows: [window([m])],
    });

    expect(r.chunks.length).toBeGreaterThanOrEqual(3);
    r.chunks.forEach((c, i) => {
      expect(c).toMatchObject({
        id: `doc-msg#chunk-${i}`,
        index: i,
        total: r.chunks.length,
        format: 'markdown',
        filename: 'travel-policy.md',
        message_id: 'doc-msg',
      });
      expect(c.preceding_id).toBe(i ? `doc-msg#chunk-${i - 1}` : null);
      expect(c.following_id).toBe(i < r.chunks.length - 1 ? `doc-msg#chunk-${i + 1}` : null);
      expect(c.tokens).toBeLessThanOrEqual(30);
    });
    expect(r.chunks.map((c) => c.heading_path)).toContainEqual(['Travel policy', 'Hotels']);
    expect(r.chunks.find((c) => c.text.includes('| London | 220 GBP |'))!.text).toContain(
      '| Berlin | 160 EUR |',
    ); // table kept whole

    const docMemories = r.memories.filter((m) => m.origin === 'document');
    expect(docMemories).toHaveLength(r.chunks.length);
    docMemories.forEach((mem, i) => {
      expect(mem.chunk_ids).toEqual([`doc-msg#chunk-${i}`]);
      expect(mem.sources).toEqual([
        expect.objectContaining({ type: 'file', message_id: `doc-msg#chunk-${i}`, doc_path: url }),
      ]);
      expect(mem.memory_type).toBe('LongTermMemory');
      expect(mem.tags).toEqual(['policy', 'multimodal:file']);
      expect(mem.background).toBe(`About doc-msg#chunk-${i}`);
    });
    // Each chunk prompt carries the section path and the conversation around the file.
    const hotels = fake
      .chatRequests()
      .map(lastUserText)
      .find((t) => t.includes('| London |'))!;
    expect(hotels).toContain('Section path: Travel policy > Hotels');
    expect(hotels).toContain('Here is our travel policy');
  });

  it('reads an XML file sent as base64 by element', async () => {
    const xml = `<?xml version="1.0"?><catalog><book id="bk1"><author>Gambardella</author><price>44.95</price></book><book id="bk2"><author>Ralls</author><price>5.95</price></book></catalog>`;
    fake.on({ system: DOCUMENT_PROMPT_EN }, perChunk);
    fake.setDefault(noMemories);
    const m: ChatMessage = {
      message_id: 'x1',
      role: 'user',
      content: '',
      parts: [{ type: 'file', filename: 'books.xml', file_data: Buffer.from(xml).toString('base64') }],
      index: 0,
    };
    const r = await new FineExtractor({ llm: llm(), chunkTokens: 24 }).extract({
      tenant_id: 't1',
      windows: [window([m])],
    });
    expect(r.chunks.map((c) => [c.id, c.heading_path, c.format])).toEqual([
      ['x1#chunk-0', ['catalog', 'book (id=bk1)'], 'xml'],
      ['x1#chunk-1', ['catalog', 'book (id=bk2)'], 'xml'],
    ]);
    expect(r.chunks[0]!.text).toBe('book (id=bk1)\n- author: Gambardella\n- price: 44.95');
    expect(r.chunks[0]!.following_id).toBe('x1#chunk-1');
    expect(r.chunks[1]!.preceding_id).toBe('x1#chunk-0');
    expect(r.memories.map((mem) => [mem.memory, mem.chunk_ids])).toEqual([
      ['Policy: book (id=bk1)', ['x1#chunk-0']],
      ['Policy: book (id=bk2)', ['x1#chunk-1']],
    ]);
  });

  it('processes an attachment once when windows overlap', async () => {
    fake.setDefault(noMemories);
    const m: ChatMessage = {
      message_id: 'f',
      role: 'user',
      content: 'notes',
      parts: [{ type: 'file', file_data: 'Paragraph one.\n\nParagraph two.' }],
      index: 0,
    };
    const r = await new FineExtractor({ llm: llm() }).extract({
      tenant_id: 't1',
      windows: [window([m]), window([m], 1)],
    });
    expect(r.chunks.map((c) => c.id)).toEqual(['f#chunk-0']);
  });

  it('reports unreadable files without failing the extraction', async () => {
    fake.setDefault(noMemories);
    const m: ChatMessage = {
      message_id: 'pdf',
      role: 'user',
      content: 'my cv',
      parts: [{ type: 'file', filename: 'cv.pdf', file_data: 'data:application/pdf;base64,JVBERi0xLjQ=' }],
      index: 0,
    };
    const r = await new FineExtractor({ llm: llm() }).extract({ tenant_id: 't1', windows: [window([m])] });
    expect(r.skipped_files).toEqual([
      { message_id: 'pdf', filename: 'cv.pdf', reason: 'unsupported binary format application/pdf' },
    ]);
    expect(r.chunks).toEqual([]);
  });

  it('fails (so the raw memory is kept) when a download fails transiently', async () => {
    fake.setDefault(noMemories);
    const m: ChatMessage = {
      message_id: 'u',
      role: 'user',
      content: 'doc',
      parts: [{ type: 'file', file_data: `${fake.origin}/v1/chat/completions` }],
      index: 0,
    };
    // GET on a POST-only route: the fake answers 404, a permanent failure → skipped, not thrown.
    const r = await new FineExtractor({ llm: llm(), files: { allowPrivateNetwork: true } }).extract({
      tenant_id: 't1',
      windows: [window([m])],
    });
    expect(r.skipped_files[0]!.reason).toMatch(/HTTP 404/);

    const slow = new FineExtractor({
      llm: llm(),
      files: {
        allowPrivateNetwork: true,
        timeoutMs: 50,
        fetch: (_url, init) =>
          new Promise<Response>((_resolve, reject) =>
            init.signal?.addEventListener('abort', () => reject(new Error('aborted'))),
          ),
      },
    });
    const err = await slow.extract({ tenant_id: 't1', windows: [window([m])] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExtractionFailedError);
    expect(err).toMatchObject({ stage: 'file', message_id: 'u' });
  });
});
