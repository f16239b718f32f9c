import { detectLang, type MessageWindow } from '@engram/domain';
import { callExtraction, type CallContext } from './call-context';
import { toMemories } from './memories';
import { choosePrompt } from './prompts/catalog';
import { chatUserPrompt } from './prompts/render';
import { chatSource } from './sources';
import type { ExtractedMemory } from './types';

/** The conversation text of one window → memories citing its messages. */
export async function extractChatWindow(
  ctx: CallContext,
  window: MessageWindow,
): Promise<{ memories: ExtractedMemory[]; summary: string }> {
  const messages = window.messages.filter((m) => m.content.trim());
  if (!messages.length) return { memories: [], summary: '' };
  const lang = ctx.forcedLang ?? detectLang(messages.map((m) => m.content).join('\n'));
  const prompt = choosePrompt('chat', lang, ctx.prompts, ctx.overrideVersion);
  const referenceTime = [...messages].reverse().find((m) => m.chat_time)?.chat_time ?? null;
  const { data, model } = await callExtraction(ctx, {
    stage: 'chat',
    role: 'extractor',
    lang,
    window_index: window.index,
    messages: [
      { role: 'system', content: prompt.system },
      {
        role: 'user',
        content: chatUserPrompt({ messages, lang, customTags: ctx.customTags, referenceTime }),
      },
    ],
  });
  const byId = new Map(messages.map((m) => [m.message_id, m]));
  const ids = messages.map((m) => m.message_id);
  const memories = toMemories(data, {
    origin: 'chat',
    lang,
    window_index: window.index,
    extractor: { model, prompt_version: prompt.version },
    allowedIds: ids,
    fallbackIds: ids,
    sourceFor: (id) => chatSource(byId.get(id)!, lang, ctx.sourceChars),
    timeFor: (id) => byId.get(id)?.chat_time ?? null,
    resolveRelative: true,
    extraTags: [],
  });
  return { memories, summary: data.summary };
}
