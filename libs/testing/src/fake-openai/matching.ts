import type { FakeChatBody, FakeChatMessage, FakeMatch } from './types';

/** Text of a message: the string content, or its text parts joined. */
export function messageText(m: FakeChatMessage | undefined): string {
  if (!m || m.content === null) return '';
  if (typeof m.content === 'string') return m.content;
  return m.content.map((p) => (p.type === 'text' ? p.text : '')).join('\n');
}

export function lastUserText(body: FakeChatBody): string {
  return messageText([...body.messages].reverse().find((m) => m.role === 'user'));
}

export function systemText(body: FakeChatBody): string {
  return body.messages
    .filter((m) => m.role === 'system')
    .map(messageText)
    .join('\n');
}

export function hasImage(body: FakeChatBody): boolean {
  return body.messages.some((m) => Array.isArray(m.content) && m.content.some((p) => p.type === 'image_url'));
}

const test = (p: string | RegExp, s: string) => (typeof p === 'string' ? s.includes(p) : p.test(s));

export function matches(match: FakeMatch, body: FakeChatBody): boolean {
  if (typeof match === 'function') return match(body);
  if (match.lastUser !== undefined && !test(match.lastUser, lastUserText(body))) return false;
  if (match.system !== undefined && !test(match.system, systemText(body))) return false;
  if (match.model !== undefined && !test(match.model, body.model)) return false;
  if (match.responseFormat !== undefined && (body.response_format?.type ?? 'none') !== match.responseFormat) {
    return false;
  }
  if (match.stream !== undefined && Boolean(body.stream) !== match.stream) return false;
  if (match.hasImage !== undefined && hasImage(body) !== match.hasImage) return false;
  return match.where ? match.where(body) : true;
}
