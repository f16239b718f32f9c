import type { ChatMessage } from '@engram/domain';
import type { Lang } from '../types';

/** User-side prompt text: the data the system prompt's rules apply to, labelled in the prompt's language. */

const attr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
/** Message text cannot close its own tag and fool the model about where a message ends. */
const body = (s: string) => s.replace(/<\/message>/gi, '<\\/message>').replace(/<\/chunk>/gi, '<\\/chunk>');

function attachmentNote(m: ChatMessage, lang: Lang): string {
  const notes = m.parts.map((p) => {
    if (p.type === 'image_url') return lang === 'zh' ? '[附图]' : '[image attached]';
    const name = p.filename ?? p.file_id ?? '';
    return lang === 'zh' ? `[附件${name ? `：${name}` : ''}]` : `[file attached${name ? `: ${name}` : ''}]`;
  });
  return notes.length ? `\n${notes.join(' ')}` : '';
}

export function renderMessage(m: ChatMessage, lang: Lang): string {
  const time = m.chat_time ? ` time="${attr(m.chat_time)}"` : '';
  return `<message id="${attr(m.message_id)}" role="${m.role}"${time}>\n${body(m.content)}${attachmentNote(m, lang)}\n</message>`;
}

export function customTagsLine(tags: string[], lang: Lang): string {
  if (!tags.length) return '';
  return lang === 'zh'
    ? `标签词表：某个标签适用于某条记忆时，请原样使用它：${tags.join('、')}\n`
    : `Tag vocabulary: when one of these tags fits a memory, use it exactly as written: ${tags.join(', ')}\n`;
}

function timeLine(referenceTime: string | null, lang: Lang): string {
  if (referenceTime) {
    return lang === 'zh'
      ? `最后一条消息的时间：${referenceTime}。相对时间以其所在消息的时间为基准换算。\n`
      : `Time of the latest message: ${referenceTime}. Count relative dates from the time of the message they appear in.\n`;
  }
  return lang === 'zh'
    ? '消息没有时间信息：不要推测日期，除非消息中写明了绝对日期，否则 event_time 填 null。\n'
    : 'The messages carry no times: do not guess dates; leave event_time null unless a message states an absolute date.\n';
}

export function chatUserPrompt(args: {
  messages: ChatMessage[];
  lang: Lang;
  customTags: string[];
  referenceTime: string | null;
}): string {
  const { messages, lang } = args;
  const head = timeLine(args.referenceTime, lang) + customTagsLine(args.customTags, lang);
  const convo = messages.map((m) => renderMessage(m, lang)).join('\n');
  return lang === 'zh'
    ? `${head}对话：\n${convo}\n\n请输出 JSON 对象。`
    : `${head}Conversation:\n${convo}\n\nNow return the JSON object.`;
}

export function documentUserPrompt(args: {
  chunkId: string;
  index: number;
  total: number;
  text: string;
  filename: string | null;
  headingPath: string[];
  context: string;
  lang: Lang;
  customTags: string[];
}): string {
  const { lang } = args;
  const path = args.headingPath.join(' > ');
  const zh = lang === 'zh';
  const lines = [
    zh ? `文档：${args.filename ?? '（未命名）'}` : `Document: ${args.filename ?? '(unnamed)'}`,
    path ? (zh ? `章节路径：${path}` : `Section path: ${path}`) : '',
    zh
      ? `片段 id：${args.chunkId}（第 ${args.index + 1} 段，共 ${args.total} 段）`
      : `Chunk id: ${args.chunkId} (chunk ${args.index + 1} of ${args.total})`,
    args.context.trim()
      ? (zh ? `对话上下文（仅供理解）：\n` : `Conversation context (for understanding only):\n`) +
        args.context.trim()
      : '',
    customTagsLine(args.customTags, lang).trim(),
    `<chunk id="${attr(args.chunkId)}">\n${body(args.text)}\n</chunk>`,
    zh ? '请输出 JSON 对象。' : 'Now return the JSON object.',
  ];
  return lines.filter(Boolean).join('\n');
}

export function imageUserText(args: {
  message: ChatMessage;
  context: string;
  lang: Lang;
  customTags: string[];
}): string {
  const { message: m, lang } = args;
  const zh = lang === 'zh';
  const time = m.chat_time ?? (zh ? '未知' : 'unknown');
  const lines = [
    zh
      ? `图片来自消息 ${m.message_id}（角色：${m.role}，时间：${time}）。`
      : `The image comes from message ${m.message_id} (role: ${m.role}, time: ${time}).`,
    args.context.trim()
      ? (zh ? '对话上下文：\n' : 'Conversation context:\n') + args.context.trim()
      : zh
        ? '没有对话上下文。'
        : 'There is no conversation context.',
    customTagsLine(args.customTags, lang).trim(),
    zh ? '请查看图片并输出 JSON 对象。' : 'Look at the image and return the JSON object.',
  ];
  return lines.filter(Boolean).join('\n');
}

/** Plain `role [time]: text` lines, used as context for images and documents. */
export function contextText(messages: ChatMessage[], maxChars: number): string {
  const text = messages
    .filter((m) => m.content.trim())
    .map((m) => `${m.role}${m.chat_time ? ` [${m.chat_time}]` : ''}: ${m.content.trim()}`)
    .join('\n');
  // Keep the end: the messages nearest the attachment usually explain it.
  return text.length > maxChars ? `…${text.slice(text.length - maxChars)}` : text;
}
