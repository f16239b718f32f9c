import {
  assertSafeText,
  contentHash,
  LIMITS,
  PayloadTooLargeError,
  ValidationError,
  type ChatMessage,
  type ContentPart,
  type MessageRole,
} from '@engram/domain';
import { isChatTime } from './chat-time';

const ROLES: readonly MessageRole[] = ['system', 'user', 'assistant', 'tool'];

/** The wire shape accepted by add: a plain string or an OpenAI-style list. */
export type RawMessages = string | RawMessage[];
export interface RawMessage {
  role?: unknown;
  content?: unknown;
  chat_time?: unknown;
  message_id?: unknown;
  [k: string]: unknown;
}

/**
 * Validates and normalises add input. Throws ValidationError naming the offending message, so a bad
 * request stores nothing. Message ids default to a hash of the message and its position, so the same
 * request always yields the same ids.
 */
export function normalizeMessages(raw: unknown, seed: string): ChatMessage[] {
  if (typeof raw === 'string') {
    if (!raw.trim()) throw new ValidationError('messages: empty string');
    assertSize(raw.length, 'messages', LIMITS.maxMessageChars);
    assertSafeText(raw, 'messages');
    return [{ message_id: defaultId(seed, 0, 'user', raw), role: 'user', content: raw.trim(), parts: [], index: 0 }];
  }
  if (!Array.isArray(raw)) throw new ValidationError('messages must be a string or a list of messages');
  if (raw.length === 0) throw new ValidationError('messages: empty list');
  const out: ChatMessage[] = [];
  const seen = new Set<string>();
  let requestChars = 0;
  raw.forEach((m: unknown, index) => {
    const where = `messages[${index}]`;
    if (typeof m !== 'object' || m === null || Array.isArray(m)) throw new ValidationError(`${where} must be an object`);
    const msg = m as RawMessage;
    const role = msg.role ?? 'user';
    if (typeof role !== 'string' || !ROLES.includes(role as MessageRole)) {
      throw new ValidationError(`${where}.role must be one of ${ROLES.join(', ')}`);
    }
    const { text, parts, chars } = normalizeContent(msg.content, where);
    if (!text.trim() && parts.length === 0) throw new ValidationError(`${where} has no content`);
    requestChars += chars;
    assertSize(requestChars, 'messages (all together)', LIMITS.maxRequestChars);
    const chatTime = normalizeTime(msg.chat_time, `${where}.chat_time`);
    let messageId: string;
    if (msg.message_id !== undefined && msg.message_id !== null) {
      // MemOS types message_id as a string; a number would come back as another type than was sent.
      if (typeof msg.message_id !== 'string') throw new ValidationError(`${where}.message_id must be a string`);
      messageId = msg.message_id;
      if (!messageId.trim()) throw new ValidationError(`${where}.message_id is empty`);
      assertSafeText(messageId, `${where}.message_id`);
    } else {
      messageId = defaultId(seed, index, role, text + JSON.stringify(parts) + (chatTime ?? ''));
    }
    if (seen.has(messageId)) throw new ValidationError(`${where}.message_id '${messageId}' is repeated`);
    seen.add(messageId);
    out.push({
      message_id: messageId,
      role: role as MessageRole,
      content: text.trim(),
      parts,
      ...(chatTime ? { chat_time: chatTime } : {}),
      index,
    });
  });
  return out;
}

/**
 * Checks messages that arrive already normalised (the cluster's internal Ingest: the gateway ran
 * normalizeMessages): the same limits and rules hold, so an add is refused the same way whichever side
 * normalised it. Returns them unchanged; nothing is re-derived.
 */
export function checkNormalizedMessages(messages: readonly ChatMessage[]): ChatMessage[] {
  if (messages.length === 0) throw new ValidationError('messages: empty list');
  const seen = new Set<string>();
  let requestChars = 0;
  messages.forEach((m, index) => {
    const where = `messages[${index}]`;
    if (!ROLES.includes(m.role)) throw new ValidationError(`${where}.role must be one of ${ROLES.join(', ')}`);
    if (m.index !== index) throw new ValidationError(`${where}.index must be ${index}`);
    if (!m.message_id.trim()) throw new ValidationError(`${where}.message_id is empty`);
    assertSafeText(m.message_id, `${where}.message_id`);
    if (seen.has(m.message_id)) throw new ValidationError(`${where}.message_id '${m.message_id}' is repeated`);
    seen.add(m.message_id);
    // a text part and every image or file were parts of the original content
    if (m.parts.length + (m.content ? 1 : 0) > LIMITS.maxContentParts) {
      throw new PayloadTooLargeError(
        `${where}.content has ${fmt(m.parts.length + 1)} parts; the limit is ${fmt(LIMITS.maxContentParts)}`,
      );
    }
    let chars = m.content.length;
    assertSize(chars, `${where}.content`, LIMITS.maxMessageChars);
    assertSafeText(m.content, `${where}.content`);
    m.parts.forEach((p, i) => {
      const pw = `${where}.content[${i}]`;
      if (p.type === 'image_url') {
        if (!p.url) throw new ValidationError(`${pw}.image_url.url must be a string`);
        assertSafeText(p.url, `${pw}.image_url.url`);
        return;
      }
      for (const k of ['file_id', 'filename', 'file_data'] as const) {
        const v = p[k];
        if (v === undefined) continue;
        if (k === 'file_data' && !/^(https?:|data:)/i.test(v)) {
          chars += v.length;
          assertSize(chars, `${where}.content`, LIMITS.maxMessageChars);
        }
        assertSafeText(v, `${pw}.file.${k}`);
      }
      if (!p.file_id && !p.file_data) throw new ValidationError(`${pw}.file needs file_data or file_id`);
    });
    if (!m.content.trim() && m.parts.length === 0) throw new ValidationError(`${where} has no content`);
    requestChars += chars;
    assertSize(requestChars, 'messages (all together)', LIMITS.maxRequestChars);
    if (m.chat_time !== undefined) normalizeTime(m.chat_time, `${where}.chat_time`);
  });
  return [...messages];
}

/** Text and parts of one message; `chars` counts its text and inline file text against the limits. */
function normalizeContent(
  content: unknown,
  where: string,
): { text: string; parts: ChatMessage['parts']; chars: number } {
  if (typeof content === 'string') {
    assertSize(content.length, `${where}.content`, LIMITS.maxMessageChars);
    assertSafeText(content, `${where}.content`);
    return { text: content, parts: [], chars: content.length };
  }
  if (!Array.isArray(content)) throw new ValidationError(`${where}.content must be a string or a list of parts`);
  if (content.length > LIMITS.maxContentParts) {
    throw new PayloadTooLargeError(
      `${where}.content has ${fmt(content.length)} parts; the limit is ${fmt(LIMITS.maxContentParts)}`,
    );
  }
  const texts: string[] = [];
  const parts: ChatMessage['parts'] = [];
  let chars = 0;
  content.forEach((p: unknown, i) => {
    const pw = `${where}.content[${i}]`;
    if (typeof p !== 'object' || p === null) throw new ValidationError(`${pw} must be an object`);
    const part = p as Record<string, unknown>;
    switch (part['type']) {
      case 'text': {
        const text = part['text'];
        if (typeof text !== 'string') throw new ValidationError(`${pw}.text must be a string`);
        chars += text.length;
        assertSize(chars, `${where}.content`, LIMITS.maxMessageChars);
        assertSafeText(text, `${pw}.text`);
        texts.push(text);
        break;
      }
      case 'image_url': {
        const iu = part['image_url'];
        const url = typeof iu === 'string' ? iu : (iu as Record<string, unknown> | undefined)?.['url'];
        if (typeof url !== 'string' || !url) throw new ValidationError(`${pw}.image_url.url must be a string`);
        assertSafeText(url, `${pw}.image_url.url`);
        const detail = typeof iu === 'object' && iu ? (iu as Record<string, unknown>)['detail'] : undefined;
        parts.push({ type: 'image_url', url, ...(typeof detail === 'string' ? { detail } : {}) });
        break;
      }
      case 'file': {
        const f = (part['file'] ?? part) as Record<string, unknown>;
        const file: Extract<ContentPart, { type: 'file' }> = { type: 'file' };
        for (const k of ['file_id', 'filename', 'file_data'] as const) {
          const v = f[k];
          if (v === undefined) continue;
          if (typeof v !== 'string') throw new ValidationError(`${pw}.file.${k} must be a string`);
          // Inline file text is windowed like message text (URLs and data: URIs are not read).
          if (k === 'file_data' && !/^(https?:|data:)/i.test(v)) {
            chars += v.length;
            assertSize(chars, `${where}.content`, LIMITS.maxMessageChars);
          }
          assertSafeText(v, `${pw}.file.${k}`);
          file[k] = v;
        }
        if (!file.file_id && !file.file_data) throw new ValidationError(`${pw}.file needs file_data or file_id`);
        parts.push(file);
        break;
      }
      default:
        throw new ValidationError(`${pw}.type must be one of text, image_url, file`);
    }
  });
  return { text: texts.join('\n'), parts, chars };
}

/** chat_time as sent, when it reads as a time (see chat-time.ts); a JSON number is unix time. */
function normalizeTime(value: unknown, where: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) throw new ValidationError(`${where} must be a date or time`);
    return String(value);
  }
  if (typeof value !== 'string') throw new ValidationError(`${where} must be a string`);
  assertSafeText(value, where);
  if (!isChatTime(value)) {
    throw new ValidationError(
      `${where} '${value.slice(0, 64)}' is not a date or time (e.g. 2023-05-08T13:56:00Z, 2023-05-08 13:56:00, 1:56 pm on 8 May, 2023, unix seconds)`,
    );
  }
  return value;
}

const fmt = (n: number) => n.toLocaleString('en-US');

/** Refuses a value of `size` characters over `limit` with a 413 that names the field and both numbers. */
function assertSize(size: number, path: string, limit: number): void {
  if (size > limit) {
    throw new PayloadTooLargeError(`${path} is ${fmt(size)} characters; the limit is ${fmt(limit)}`);
  }
}

function defaultId(seed: string, index: number, role: string, body: string): string {
  return `msg-${contentHash([seed, index, role, body]).slice(0, 16)}`;
}
