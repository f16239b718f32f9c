import { type ChatMessage, detectLang, type MessageWindow } from '@engram/domain';
import { callExtraction, type CallContext } from './call-context';
import { toMemories } from './memories';
import { choosePrompt } from './prompts/catalog';
import { contextText, imageUserText } from './prompts/render';
import { imageSource } from './sources';
import type { ExtractedMemory, Lang } from './types';

export const IMAGE_TAG = 'multimodal:image';
/** For the caller: put this on the fast memory when images could not be read. */
export const VISION_UNAVAILABLE_TAG = 'vision:unavailable';

/**
 * One image → the vision model, with the window's conversation as context, as an OpenAI
 * image_url content part. Memories cite the message that carried the image.
 */
export async function extractImage(
  ctx: CallContext,
  window: MessageWindow,
  message: ChatMessage,
  image: { url: string; detail?: string },
  fallbackLang: Lang,
): Promise<{ memories: ExtractedMemory[]; summary: string }> {
  const context = contextText(window.messages, ctx.contextChars);
  const lang = ctx.forcedLang ?? (context.trim() ? detectLang(context) : fallbackLang);
  const prompt = choosePrompt('image', lang, ctx.prompts, ctx.overrideVersion);
  const { data, model } = await callExtraction(ctx, {
    stage: 'image',
    role: 'vision',
    lang,
    window_index: window.index,
    message_id: message.message_id,
    messages: [
      { role: 'system', content: prompt.system },
      {
        role: 'user',
        content: [
          { type: 'text', text: imageUserText({ message, context, lang, customTags: ctx.customTags }) },
          {
            type: 'image_url',
            image_url: { url: image.url, ...(image.detail ? { detail: image.detail } : {}) },
          },
        ],
      },
    ],
  });
  const memories = toMemories(data, {
    origin: 'image',
    lang,
    window_index: window.index,
    extractor: { model, prompt_version: prompt.version },
    allowedIds: [message.message_id],
    fallbackIds: [message.message_id],
    fixedIds: [message.message_id],
    sourceFor: () => imageSource(message, image.url, lang),
    timeFor: () => message.chat_time ?? null,
    resolveRelative: true,
    extraTags: [IMAGE_TAG],
  });
  return { memories, summary: data.summary };
}
