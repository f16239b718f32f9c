import type { ChatMessage, MessageWindow } from '@engram/domain';
import { UnavailableError } from '@engram/domain';
import { createLlmClient } from '@engram/llm';
import { FakeOpenAiServer, type FakeChatBody, lastUserText, systemText } from '@engram/testing';
import { ExtractionFailedError } from './errors';
import { FineExtractor } from './fine-extractor';
import { CHAT_PROMPT_EN, CHAT_PROMPT_ZH } from './prompts/chat';
import { PROMPT_VERSION } from './prompts/version';

const fake = new FakeOpenAiServer();
beforeAll(() => fake.start());
afterAll(() => fake.stop());
beforeEach(() => fake.reset());

const llm = () =>
  createLlmClient({
    baseUrl: fake.baseUrl,
    models: { extractor: 'fake-extractor' },
    maxRetries: 0,
    structuredAttempts: 2,
    retryBaseMs: 1,
  });
const extractor = (opts: Partial<ConstructorParameters<typeof FineExtractor>[0]> = {}) =>
  new FineExtractor({ llm: llm(), ...opts });

function msg(
  id: string,
  role: ChatMessage['role'],
  content: string,
  chat_time?: string,
  index = 0,
): ChatMessage {
  return { message_id: id, role, content, parts: [], ...(chat_time ? { chat_time } : {}), index };
}
function window(messages: ChatMessage[], index = 0): MessageWindow {
  const text = messages.map((m) => `${m.role}: [${m.chat_time ?? ''}]: ${m.content}`).join('\n');
  return { index, messages, text, tokens: Math.ceil(text.length / 4) };
}
const onlySystem = (body: FakeChatBody) => systemText(body);

const zhChat = window([
  msg('m1', 'user', '我昨天去杭州西湖跑了半程马拉松，用时2小时05分。', '2025-06-11T20:30:00+08:00', 0),
  msg('m2', 'assistant', '太棒了！恭喜你完成比赛。', '2025-06-11T20:30:05+08:00', 1),
  msg('m3', 'user', '我平时不喝咖啡，只喝绿茶。', '2025-06-11T20:31:00+08:00', 2),
]);

describe('FineExtractor: conversations', () => {
  it('extracts a Chinese chat with the Chinese prompt, in Chinese, with the cited sources', async () => {
    fake.on(
      { system: '你的任务是把一段对话整理成关于用户的长期记忆' },
      {
        json: {
          memories: [
            {
              key: '西湖半程马拉松',
              value: '用户于2025年6月10日在杭州西湖跑了半程马拉松，用时2小时05分。',
              memory_type: 'LongTermMemory',
              tags: ['跑步', '马拉松'],
              event_time: '2025-06-10',
              source_message_ids: ['m1'],
            },
            {
              key: '饮品偏好',
              value: '用户平时不喝咖啡，只喝绿茶。',
              memory_type: 'UserMemory',
              tags: ['饮食', '偏好'],
              event_time: null,
              source_message_ids: ['m3', 'm-unknown'],
            },
          ],
          summary: '用户分享了在杭州西湖跑半程马拉松的经历，并提到只喝绿茶。',
        },
      },
    );
    fake.setDefault({
      json: {
        memories: [
          {
            key: 'x',
            value: 'The user ran a half marathon.',
            memory_type: 'LongTermMemory',
            tags: [],
            event_time: null,
            source_message_ids: ['m1'],
          },
        ],
        summary: 'English',
      },
    });

    const r = await extractor().extract({ tenant_id: 't1', windows: [zhChat] });

    // The ZH prompt was chosen: check what was actually sent.
    const [sent] = fake.chatRequests();
    expect(onlySystem(sent!)).toBe(CHAT_PROMPT_ZH);
    expect(sent!.model).toBe('fake-extractor');
    expect(sent!.response_format?.type).toBe('json_schema');
    const user = lastUserText(sent!);
    expect(user).toContain('<message id="m1" role="user" time="2025-06-11T20:30:00+08:00">');
    expect(user).toContain('最后一条消息的时间：2025-06-11T20:31:00+08:00');

    expect(r.lang).toBe('zh');
    expect(r.prompt_version).toBe(PROMPT_VERSION);
    expect(r.model).toBe('fake-extractor');
    expect(r.summary).toContain('西湖');
    expect(r.memories).toHaveLength(2);
    const [run, tea] = r.memories;
    expect(run).toMatchObject({
      memory: '用户于2025年6月10日在杭州西湖跑了半程马拉松，用时2小时05分。',
      key: '西湖半程马拉松',
      memory_type: 'LongTermMemory',
      tags: ['跑步', '马拉松'],
      valid_from: '2025-06-10',
      time_source: 'model',
      lang: 'zh',
      origin: 'chat',
      extractor: { model: 'fake-extractor', prompt_version: PROMPT_VERSION },
      sources: [
        {
          type: 'chat',
          message_id: 'm1',
          role: 'user',
          chat_time: '2025-06-11T20:30:00+08:00',
          content: '我昨天去杭州西湖跑了半程马拉松，用时2小时05分。',
          lang: 'zh',
          index: 0,
        },
      ],
    });
    // The unknown id is dropped; the valid one stays.
    expect(tea!.sources.map((s) => s.message_id)).toEqual(['m3']);
    expect(tea!.memory_type).toBe('UserMemory');
    expect(tea!.valid_from).toBeNull();
  });

  it('uses the English prompt for an English chat', async () => {
    fake.setDefault({ json: { memories: [], summary: 'Small talk.' } });
    const r = await extractor().extract({
      tenant_id: 't1',
      windows: [window([msg('e1', 'user', 'Hi there, how are you?')])],
    });
    expect(onlySystem(fake.chatRequests()[0]!)).toBe(CHAT_PROMPT_EN);
    expect(lastUserText(fake.chatRequests()[0]!)).toContain('The messages carry no times');
    expect(r).toMatchObject({ memories: [], lang: 'en', summary: 'Small talk.' });
  });

  it('rejects an English answer to a Chinese chat and retries with that feedback', async () => {
    fake.on(
      () => true,
      {
        json: {
          memories: [
            {
              key: 'Tea',
              value: 'The user only drinks green tea and never coffee.',
              memory_type: 'UserMemory',
              tags: [],
              event_time: null,
              source_message_ids: ['m3'],
            },
          ],
          summary: '',
        },
      },
      { times: 1 },
    );
    fake.setDefault({
      json: {
        memories: [
          {
            key: '绿茶',
            value: '用户不喝咖啡，只喝绿茶。',
            memory_type: 'UserMemory',
            tags: [],
            event_time: null,
            source_message_ids: ['m3'],
          },
        ],
        summary: '',
      },
    });
    const r = await extractor().extract({ tenant_id: 't1', windows: [zhChat] });
    expect(r.memories.map((m) => m.memory)).toEqual(['用户不喝咖啡，只喝绿茶。']);
    expect(r.llm_calls).toBe(2);
    expect(lastUserText(fake.chatRequests()[1]!)).toContain('记忆必须用中文书写');
  });

  it('resolves relative dates: the model’s event_time, or the fallback resolver when it gives none', async () => {
    const w = window([
      msg('u1', 'user', 'Last Friday I adopted a cat named Miso.', '2025-06-11T09:00:00Z', 0),
      msg('u2', 'user', 'And yesterday I took her to the vet.', '2025-06-12T18:00:00Z', 1),
    ]);
    fake.setDefault({
      json: {
        memories: [
          {
            key: 'Adopted Miso',
            value: 'The user adopted a cat named Miso on 2025-06-06.',
            memory_type: 'LongTermMemory',
            tags: ['pets'],
            event_time: '2025-06-06',
            source_message_ids: ['u1'],
          },
          {
            key: 'Vet visit',
            value: 'The user took Miso to the vet yesterday.',
            memory_type: 'LongTermMemory',
            tags: ['pets'],
            event_time: null,
            source_message_ids: ['u2'],
          },
          {
            key: 'Cat',
            value: 'The user has a cat named Miso.',
            memory_type: 'UserMemory',
            tags: ['pets'],
            event_time: 'last Friday',
            source_message_ids: ['u1'],
          },
        ],
        summary: 'The user adopted a cat.',
      },
    });
    const r = await extractor().extract({ tenant_id: 't1', windows: [w] });
    // The prompt carries each message's time so the model can resolve them itself.
    expect(lastUserText(fake.chatRequests()[0]!)).toContain('time="2025-06-11T09:00:00Z"');
    expect(r.memories.map((m) => [m.valid_from, m.time_source])).toEqual([
      ['2025-06-06', 'model'],
      ['2025-06-11', 'resolver'], // "yesterday" counted from u2's time, not u1's
      ['2025-06-06', 'resolver'], // "last Friday" left in the field, counted from u1 (a Wednesday)
    ]);
  });

  it('falls back to the window’s messages when a memory cites nothing valid', async () => {
    fake.setDefault({
      json: {
        memories: [
          {
            key: 'k',
            value: 'The user likes jazz.',
            memory_type: 'UserMemory',
            tags: [],
            event_time: null,
            source_message_ids: ['nope'],
          },
        ],
        summary: '',
      },
    });
    const w = window([msg('a', 'user', 'I love jazz'), msg('b', 'assistant', 'Nice!', undefined, 1)]);
    const r = await extractor().extract({ tenant_id: 't1', windows: [w] });
    expect(r.memories[0]!.sources.map((s) => s.message_id)).toEqual(['a', 'b']);
    expect(r.memories[0]!.tags).toContain('citation:inferred');
  });

  it('repairs fenced JSON with trailing commas without another call', async () => {
    fake.setDefault({
      content:
        'Here are the memories:\n```json\n{"memories": [{"key": "Jazz", "value": "The user loves jazz.", "memory_type": "UserMemory", "tags": ["music",], "event_time": null, "source_message_ids": ["a"],},], "summary": "Music talk.",}\n```',
    });
    const r = await extractor().extract({
      tenant_id: 't1',
      windows: [window([msg('a', 'user', 'I love jazz')])],
    });
    expect(r.memories.map((m) => m.memory)).toEqual(['The user loves jazz.']);
    expect(r.llm_calls).toBe(1);
  });

  it('accepts MemOS-style output ("memory list", localised memory_type)', async () => {
    fake.setDefault({
      json: {
        'memory list': [
          { key: '茶', value: '用户只喝绿茶，从不喝咖啡。', memory_type: '用户记忆', tags: '饮食, 偏好' },
        ],
        summary: '饮品',
      },
    });
    const r = await extractor().extract({ tenant_id: 't1', windows: [zhChat] });
    expect(r.memories[0]).toMatchObject({
      memory_type: 'UserMemory',
      tags: ['饮食', '偏好', 'citation:inferred'],
    });
  });

  it('throws ExtractionFailedError with the reason when output stays unusable', async () => {
    fake.setDefault({ content: 'Sorry, I am unable to help with that.' });
    const err = await extractor()
      .extract({ tenant_id: 't1', windows: [zhChat] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExtractionFailedError);
    expect(err).toMatchObject({ stage: 'chat', window_index: 0 });
    expect((err as ExtractionFailedError).reason).toMatch(
      /No valid structured output after 2 attempt\(s\): the answer contains no JSON/,
    );
    expect(fake.chatRequests()).toHaveLength(2);
  });

  it('throws ExtractionFailedError when the endpoint keeps failing', async () => {
    fake.setDefault({ status: 503 });
    await expect(extractor().extract({ tenant_id: 't1', windows: [zhChat] })).rejects.toThrow(
      /Fine extraction failed \(chat, window 0\): LLM endpoint answered HTTP 503/,
    );
  });

  it('says fine mode is unavailable when no LLM is configured', async () => {
    const e = new FineExtractor({ llm: createLlmClient({}) });
    expect(e.isAvailable()).toBe(false);
    await expect(e.extract({ tenant_id: 't1', windows: [zhChat] })).rejects.toBeInstanceOf(UnavailableError);
  });

  it('offers custom tags, honours prompt overrides and records their version', async () => {
    fake.setDefault({
      json: {
        memories: [
          {
            key: 'k',
            value: 'The user loves jazz.',
            memory_type: 'UserMemory',
            tags: ['music'],
            event_time: null,
            source_message_ids: ['a'],
          },
        ],
        summary: '',
      },
    });
    const e = extractor({
      customTags: ['music'],
      prompts: { chat: { en: 'CUSTOM EXTRACTION RULES' } },
      promptVersion: 'acme-v7',
    });
    const r = await e.extract({
      tenant_id: 't1',
      windows: [window([msg('a', 'user', 'I love jazz')])],
      custom_tags: ['hobby'],
    });
    const sent = fake.chatRequests()[0]!;
    expect(onlySystem(sent)).toBe('CUSTOM EXTRACTION RULES');
    expect(lastUserText(sent)).toContain('use it exactly as written: music, hobby');
    expect(r.prompt_version).toBe('acme-v7');
    expect(r.memories[0]!.extractor.prompt_version).toBe('acme-v7');
  });

  it('forces the prompt language when asked', async () => {
    fake.setDefault({ json: { memories: [], summary: '' } });
    await extractor().extract({ tenant_id: 't1', windows: [window([msg('a', 'user', 'ok')])], lang: 'zh' });
    expect(onlySystem(fake.chatRequests()[0]!)).toBe(CHAT_PROMPT_ZH);
  });

  it('merges the same fact found in two overlapping windows', async () => {
    fake.setDefault((body) => ({
      json: {
        memories: [
          {
            key: 'Jazz',
            value: 'The user loves jazz.',
            memory_type: 'UserMemory',
            tags: [],
            event_time: null,
            source_message_ids: [lastUserText(body).includes('id="b"') ? 'b' : 'a'],
          },
        ],
        summary: '',
      },
    }));
    const a = msg('a', 'user', 'I love jazz');
    const b = msg('b', 'user', 'Jazz is my favourite', undefined, 1);
    const r = await extractor().extract({ tenant_id: 't1', windows: [window([a]), window([a, b], 1)] });
    expect(r.memories).toHaveLength(1);
    expect(r.memories[0]!.sources.map((s) => s.message_id)).toEqual(['a', 'b']);
  });
});
