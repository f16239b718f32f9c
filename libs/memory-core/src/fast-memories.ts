import {
  type ChatMessage,
  type MemoryItem,
  type MessageWindow,
  type SourceRef,
  deriveKey,
  deterministicId,
  detectLang,
} from '@engram/domain';
import {
  runSliced,
  runToEnd,
  splitByTokensSteps,
  type Steps,
  windowSteps,
  type WindowOptions,
} from '@engram/reader';

export interface FastContext {
  tenant_id: string;
  cube_id: string;
  user_id: string;
  session_id: string;
  /** Caller's idempotency key, if any: ids then derive from it instead of the content. */
  idempotency_key?: string;
  ingest_key: string;
  task_id: string;
  custom_tags: string[];
  info: Record<string, unknown>;
  now: string;
}

// Long enough to rebuild a window's messages for a deferred extraction (windows are token-bounded).
const SOURCE_SNIPPET = 4000;

export function sourceOf(m: ChatMessage, type: SourceRef['type'] = 'chat'): SourceRef {
  return {
    type,
    message_id: m.message_id,
    role: m.role,
    ...(m.chat_time ? { chat_time: m.chat_time } : {}),
    content: m.content.length > SOURCE_SNIPPET ? `${m.content.slice(0, SOURCE_SNIPPET)}…` : m.content,
    lang: detectLang(m.content),
    index: m.index,
  };
}

/** Earliest parseable chat_time, as ISO: the event time of a raw window. */
function eventTime(messages: ChatMessage[]): string | null {
  const times = messages
    .map((m) => (m.chat_time ? Date.parse(m.chat_time) : NaN))
    .filter((t) => !Number.isNaN(t));
  return times.length ? new Date(Math.min(...times)).toISOString() : null;
}

function baseItem(ctx: FastContext, id: string, memory: string): MemoryItem {
  return {
    id,
    tenant_id: ctx.tenant_id,
    cube_id: ctx.cube_id,
    user_id: ctx.user_id,
    session_id: ctx.session_id,
    memory,
    key: deriveKey(memory),
    tags: ['mode:fast', ...ctx.custom_tags],
    memory_type: 'LongTermMemory',
    status: 'activated',
    sources: [],
    background: '',
    confidence: 0.99,
    info: { ...ctx.info },
    source: 'conversation',
    is_fast: true,
    valid_from: null,
    valid_to: null,
    created_at: ctx.now,
    updated_at: ctx.now,
    version: 1,
    supersedes: [],
    superseded_by: null,
    supersede_reason: null,
    provenance: { ingest_key: ctx.ingest_key, task_id: ctx.task_id, mode: 'fast' },
    preceding_id: null,
  };
}

/** Id of a derived memory: from the idempotency key and position, or from its content and sources. */
function idFor(
  ctx: FastContext,
  kind: string,
  position: string,
  content: string,
  sourceIds: string[],
): string {
  return ctx.idempotency_key
    ? deterministicId(ctx.tenant_id, ctx.cube_id, kind, 'key', ctx.idempotency_key, position)
    : deterministicId(ctx.tenant_id, ctx.cube_id, kind, content, sourceIds.join('\u0001'));
}

/**
 * Fast mode (no LLM): text windows with overlap, plus one memory per image part and chunked memories
 * for text files. Every memory cites the message ids it came from.
 */
export function buildFastMemories(
  messages: ChatMessage[],
  ctx: FastContext,
  window: WindowOptions,
): MemoryItem[] {
  return fastMemoriesFor(runToEnd(layoutSteps(messages, window)), messages, ctx);
}

/**
 * The tokenising half of fast mode: the text windows and the chunks of inline file text. It depends on
 * the messages and the window budget only, so an add computes it once for all its cubes.
 */
export interface FastLayout {
  windows: MessageWindow[];
  /** Chunks of each inline file part, keyed `message index:part index`. */
  fileChunks: Map<string, string[]>;
}

/** The layout of an add, giving the event loop back while it tokenises a large input (the server's path). */
export function layoutFastMemories(messages: ChatMessage[], window: WindowOptions): Promise<FastLayout> {
  return runSliced(layoutSteps(messages, window));
}

const inlineFileText = (part: { file_data?: string }): string | null =>
  part.file_data && !/^(https?:|data:)/i.test(part.file_data) ? part.file_data : null;

function* layoutSteps(messages: ChatMessage[], window: WindowOptions): Steps<FastLayout> {
  const windows: MessageWindow[] = yield* windowSteps(messages, window);
  const fileChunks = new Map<string, string[]>();
  for (const m of messages) {
    for (const [p, part] of m.parts.entries()) {
      const inline = part.type === 'file' ? inlineFileText(part) : null;
      if (inline)
        fileChunks.set(
          `${m.index}:${p}`,
          yield* splitByTokensSteps(inline, window.maxTokens, window.overlapTokens),
        );
    }
  }
  return { windows, fileChunks };
}

/** One cube's fast memories from an add's layout (no tokenising: cheap to repeat per cube). */
export function fastMemoriesFor(layout: FastLayout, messages: ChatMessage[], ctx: FastContext): MemoryItem[] {
  const out: MemoryItem[] = [];
  // Once per message, not per window, image or file chunk: each reads the whole message, and a large
  // message spans many windows and chunks.
  const sources = new Map<string, SourceRef>();
  const sourceFor = (m: ChatMessage, type: SourceRef['type'] = 'chat') => {
    const at = `${m.index}:${type}`;
    return sources.get(at) ?? sources.set(at, sourceOf(m, type)).get(at)!;
  };
  const keys = new Map<ChatMessage, string>();
  const keyOf = (m: ChatMessage) => keys.get(m) ?? keys.set(m, deriveKey(m.content)).get(m)!;
  let prev: string | null = null;
  for (const w of layout.windows) {
    const ids = w.messages.map((m) => m.message_id);
    const item = baseItem(ctx, idFor(ctx, 'window', String(w.index), w.text, ids), w.text);
    item.key = keyOf(w.messages.find((m) => m.role === 'user') ?? w.messages[0]!);
    item.memory_type = w.messages.every((m) => m.role === 'user') ? 'UserMemory' : 'LongTermMemory';
    item.sources = w.messages.map((m) => ({ ...sourceFor(m) }));
    item.valid_from = eventTime(w.messages);
    item.preceding_id = prev;
    prev = item.id;
    out.push(item);
  }
  for (const m of messages) {
    for (const [p, part] of m.parts.entries()) {
      if (part.type === 'image_url') {
        const text = m.content
          ? `[image_url]: ${part.url}\n${m.role}: ${m.content}`
          : `[image_url]: ${part.url}`;
        const item = baseItem(ctx, idFor(ctx, 'image', `${m.index}:${p}`, text, [m.message_id]), text);
        item.memory_type = 'UserMemory';
        item.tags.push('multimodal:image');
        item.sources = [{ ...sourceFor(m, 'image'), image_info: { url: part.url } }];
        item.valid_from = eventTime([m]);
        out.push(item);
        continue;
      }
      const chunks = layout.fileChunks.get(`${m.index}:${p}`) ?? [
        [
          part.file_data ? `[File URL: ${part.file_data.slice(0, 200)}]` : '',
          part.file_id ? `[File ID: ${part.file_id}]` : '',
          part.filename ? `[Filename: ${part.filename}]` : '',
        ]
          .filter(Boolean)
          .join(' '),
      ];
      let prevChunk: string | null = null;
      chunks.forEach((chunk, c) => {
        const item = baseItem(ctx, idFor(ctx, 'file', `${m.index}:${p}:${c}`, chunk, [m.message_id]), chunk);
        item.tags.push('multimodal:file', `chunk:${c + 1}/${chunks.length}`);
        item.source = 'file';
        item.sources = [
          {
            ...sourceFor(m, 'file'),
            message_id: chunks.length > 1 ? `${m.message_id}#chunk-${c}` : m.message_id,
            file_info: {
              ...(part.filename ? { filename: part.filename } : {}),
              ...(part.file_id ? { file_id: part.file_id } : {}),
            },
            ...(part.filename ? { doc_path: part.filename } : {}),
          },
        ];
        item.preceding_id = prevChunk;
        prevChunk = item.id;
        out.push(item);
      });
    }
  }
  return out;
}
