import type { ChatMessage, MessageWindow } from '@engram/domain';
import { countTokens, splitByTokens } from './tokens';

export interface WindowOptions {
  /** Token budget of one window (MemOS: 1024). */
  maxTokens: number;
  /** Tokens kept from the previous window's tail (MemOS: 200). */
  overlapTokens: number;
}

interface Line {
  message: ChatMessage;
  text: string;
  tokens: number;
}

/** One rendered line per message, MemOS style: `role: [chat_time]: content`. */
export function renderLine(m: ChatMessage, content = m.content): string {
  return m.chat_time ? `${m.role}: [${m.chat_time}]: ${content}` : `${m.role}: ${content}`;
}

/**
 * Packs messages into token windows with overlap: when the next line would overflow, the window is
 * closed and lines are dropped from its head until at most `overlapTokens` remain. A message larger
 * than a window is split into sentence chunks that keep its message id.
 */
export function buildWindows(messages: ChatMessage[], opts: WindowOptions): MessageWindow[] {
  if (opts.maxTokens < 16) throw new Error('window maxTokens must be >= 16');
  if (opts.overlapTokens < 0 || opts.overlapTokens >= opts.maxTokens) {
    throw new Error('window overlapTokens must be in [0, maxTokens)');
  }
  const lines: Line[] = [];
  for (const m of messages) {
    if (!m.content) continue;
    const text = renderLine(m);
    const tokens = countTokens(text);
    if (tokens <= opts.maxTokens) {
      lines.push({ message: m, text, tokens });
      continue;
    }
    const header = countTokens(renderLine(m, ''));
    for (const piece of splitByTokens(m.content, Math.max(8, opts.maxTokens - header - 2), Math.floor(opts.overlapTokens / 2))) {
      const t = renderLine(m, piece);
      lines.push({ message: m, text: t, tokens: countTokens(t) });
    }
  }
  const windows: MessageWindow[] = [];
  const current: Line[] = [];
  let total = 0;
  const close = () => {
    if (!current.length) return;
    const uniq = new Map<string, ChatMessage>();
    for (const l of current) uniq.set(l.message.message_id, l.message);
    windows.push({
      index: windows.length,
      messages: [...uniq.values()],
      text: current.map((l) => l.text).join('\n'),
      tokens: total,
    });
  };
  let fresh = 0; // lines added since the last close: a window made only of overlap is not emitted
  for (const line of lines) {
    if (total + line.tokens > opts.maxTokens && current.length) {
      close();
      fresh = 0;
      while (current.length && total > opts.overlapTokens) total -= current.shift()!.tokens;
      while (current.length && total + line.tokens > opts.maxTokens) total -= current.shift()!.tokens;
    }
    current.push(line);
    total += line.tokens;
    fresh++;
  }
  if (fresh > 0) close();
  return windows;
}
