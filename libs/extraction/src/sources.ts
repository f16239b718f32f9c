import type { ChatMessage, SourceRef } from '@engram/domain';
import type { Lang } from './types';

export function truncate(text: string, max: number): string {
  const t = text.trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

export function chatSource(m: ChatMessage, lang: Lang, maxChars: number): SourceRef {
  return {
    type: 'chat',
    message_id: m.message_id,
    role: m.role,
    ...(m.chat_time ? { chat_time: m.chat_time } : {}),
    content: truncate(m.content, maxChars),
    lang,
    index: m.index,
  };
}

/** data: URLs can be megabytes: keep their media type and size, not the payload. */
export function displayUrl(url: string): string {
  if (!url.startsWith('data:')) return url;
  const head = url.slice(0, url.indexOf(',') + 1 || 40);
  return `${head}…(${url.length} chars)`;
}

export function imageSource(m: ChatMessage, url: string, lang: Lang): SourceRef {
  return {
    type: 'image',
    message_id: m.message_id,
    role: m.role,
    ...(m.chat_time ? { chat_time: m.chat_time } : {}),
    image_info: { url: displayUrl(url) },
    lang,
    index: m.index,
  };
}
