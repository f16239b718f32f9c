import { type ChatMessage, LIMITS, type MessageWindow, PayloadTooLargeError } from '@engram/domain';
import { runSliced, runToEnd, type Steps } from './steps';
import { countTokens, measureUnits, packUnits } from './tokens';

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
  return runToEnd(windowSteps(messages, opts));
}

/** buildWindows that gives the event loop back while it tokenises a large input (the server's path). */
export function buildWindowsSliced(messages: ChatMessage[], opts: WindowOptions): Promise<MessageWindow[]> {
  return runSliced(windowSteps(messages, opts));
}

export function* windowSteps(messages: ChatMessage[], opts: WindowOptions): Steps<MessageWindow[]> {
  if (opts.maxTokens < 16) throw new Error('window maxTokens must be >= 16');
  if (opts.overlapTokens < 0 || opts.overlapTokens >= opts.maxTokens) {
    throw new Error('window overlapTokens must be in [0, maxTokens)');
  }
  const lines: Line[] = [];
  let tokens = 0;
  for (const m of messages) {
    if (!m.content) continue;
    tokens += yield* messageLines(m, opts, lines);
    // Checked per message, so a request far over the limit is refused before all of it is tokenised.
    if (tokens > LIMITS.maxRequestTokens) {
      throw new PayloadTooLargeError(
        `messages[${m.index}].content brings the messages to ${fmt(tokens)} tokens; the limit is ${fmt(LIMITS.maxRequestTokens)} (cl100k) per add`,
      );
    }
  }
  return packLines(lines, opts);
}

const fmt = (n: number) => n.toLocaleString('en-US');

/**
 * A message's lines. One short enough to fit a window (at most four characters per window token) is
 * counted whole, exactly; a longer one is measured once, in bounded sentence units, and packed.
 * Returns the message's tokens.
 */
function* messageLines(m: ChatMessage, opts: WindowOptions, lines: Line[]): Steps<number> {
  if (m.content.length <= opts.maxTokens * 4) {
    const text = renderLine(m);
    const tokens = countTokens(text);
    yield;
    if (tokens <= opts.maxTokens) {
      lines.push({ message: m, text, tokens });
      return tokens;
    }
  }
  const header = countTokens(renderLine(m, ''));
  const budget = Math.max(8, opts.maxTokens - header - 2);
  const units = yield* measureUnits(m.content, budget);
  const contentTokens = units.reduce((a, u) => a + u.tokens, 0);
  if (header + contentTokens <= opts.maxTokens) {
    lines.push({ message: m, text: renderLine(m), tokens: header + contentTokens });
    return header + contentTokens;
  }
  for (const piece of packUnits(units, budget, Math.floor(opts.overlapTokens / 2))) {
    lines.push({ message: m, text: renderLine(m, piece.text), tokens: header + piece.tokens + 1 });
  }
  return header + contentTokens;
}

function packLines(lines: Line[], opts: WindowOptions): MessageWindow[] {
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
