import { contentHash, ValidationError, type ChatMessage, type ContentPart, type MessageRole } from '@engram/domain';

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
    return [{ message_id: defaultId(seed, 0, 'user', raw), role: 'user', content: raw.trim(), parts: [], index: 0 }];
  }
  if (!Array.isArray(raw)) throw new ValidationError('messages must be a string or a list of messages');
  if (raw.length === 0) throw new ValidationError('messages: empty list');
  const out: ChatMessage[] = [];
  const seen = new Set<string>();
  raw.forEach((m: unknown, index) => {
    const where = `messages[${index}]`;
    if (typeof m !== 'object' || m === null || Array.isArray(m)) throw new ValidationError(`${where} must be an object`);
    const msg = m as RawMessage;
    const role = msg.role ?? 'user';
    if (typeof role !== 'string' || !ROLES.includes(role as MessageRole)) {
      throw new ValidationError(`${where}.role must be one of ${ROLES.join(', ')}`);
    }
    const { text, parts } = normalizeContent(msg.content, where);
    if (!text.trim() && parts.length === 0) throw new ValidationError(`${where} has no content`);
    const chatTime = normalizeTime(msg.chat_time, `${where}.chat_time`);
    let messageId: string;
    if (msg.message_id !== undefined && msg.message_id !== null) {
      if (typeof msg.message_id !== 'string' && typeof msg.message_id !== 'number') {
        throw new ValidationError(`${where}.message_id must be a string`);
      }
      messageId = String(msg.message_id);
      if (!messageId.trim()) throw new ValidationError(`${where}.message_id is empty`);
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

function normalizeContent(content: unknown, where: string): { text: string; parts: ChatMessage['parts'] } {
  if (typeof content === 'string') return { text: content, parts: [] };
  if (!Array.isArray(content)) throw new ValidationError(`${where}.content must be a string or a list of parts`);
  const texts: string[] = [];
  const parts: ChatMessage['parts'] = [];
  content.forEach((p: unknown, i) => {
    const pw = `${where}.content[${i}]`;
    if (typeof p !== 'object' || p === null) throw new ValidationError(`${pw} must be an object`);
    const part = p as Record<string, unknown>;
    switch (part['type']) {
      case 'text':
        if (typeof part['text'] !== 'string') throw new ValidationError(`${pw}.text must be a string`);
        texts.push(part['text']);
        break;
      case 'image_url': {
        const iu = part['image_url'];
        const url = typeof iu === 'string' ? iu : (iu as Record<string, unknown> | undefined)?.['url'];
        if (typeof url !== 'string' || !url) throw new ValidationError(`${pw}.image_url.url must be a string`);
        const detail = typeof iu === 'object' && iu ? (iu as Record<string, unknown>)['detail'] : undefined;
        parts.push({ type: 'image_url', url, ...(typeof detail === 'string' ? { detail } : {}) });
        break;
      }
      case 'file': {
        const f = (part['file'] ?? part) as Record<string, unknown>;
        const file: Extract<ContentPart, { type: 'file' }> = { type: 'file' };
        for (const k of ['file_id', 'filename', 'file_data'] as const) {
          if (f[k] !== undefined && typeof f[k] !== 'string') throw new ValidationError(`${pw}.file.${k} must be a string`);
          if (typeof f[k] === 'string') file[k] = f[k];
        }
        if (!file.file_id && !file.file_data) throw new ValidationError(`${pw}.file needs file_data or file_id`);
        parts.push(file);
        break;
      }
      default:
        throw new ValidationError(`${pw}.type must be one of text, image_url, file`);
    }
  });
  return { text: texts.join('\n'), parts };
}

function normalizeTime(value: unknown, where: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' && typeof value !== 'number') throw new ValidationError(`${where} must be a string`);
  return String(value);
}

function defaultId(seed: string, index: number, role: string, body: string): string {
  return `msg-${contentHash([seed, index, role, body]).slice(0, 16)}`;
}
