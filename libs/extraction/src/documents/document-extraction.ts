import { type ChatMessage, detectLang, type MessageWindow, type SourceRef } from '@engram/domain';
import { callExtraction, type CallContext } from '../call-context';
import { ExtractionFailedError } from '../errors';
import { toMemories } from '../memories';
import { choosePrompt } from '../prompts/catalog';
import { contextText, documentUserPrompt } from '../prompts/render';
import { truncate } from '../sources';
import type { DocumentChunk, ExtractedMemory, SkippedFile } from '../types';
import { packBlocks } from './chunker';
import { detectFormat } from './detect-format';
import { type FileFetchOptions, FileFetchError, loadFile } from './load-file';
import { parseDocument } from './parse';

export const FILE_TAG = 'multimodal:file';

export interface DocumentOptions {
  chunkTokens: number;
  files: FileFetchOptions;
}

export type FilePart = { type: 'file'; file_id?: string; filename?: string; file_data?: string };

/** `<message_id>#chunk-<i>` for a message's first file, `<message_id>#file-<k>#chunk-<i>` for later ones. */
export function chunkId(messageId: string, fileOrdinal: number, index: number): string {
  return fileOrdinal === 0
    ? `${messageId}#chunk-${index}`
    : `${messageId}#file-${fileOrdinal}#chunk-${index}`;
}

/**
 * A shared file → structure-aware chunks → one document-prompt call per chunk. Returns the chunks
 * (for RawFileMemory nodes linked PRECEDING/FOLLOWING) and memories citing their chunk.
 */
export async function extractDocument(
  ctx: CallContext,
  opts: DocumentOptions,
  window: MessageWindow,
  message: ChatMessage,
  part: FilePart,
  fileOrdinal: number,
): Promise<{ chunks: DocumentChunk[]; memories: ExtractedMemory[]; skipped: SkippedFile | null }> {
  let loaded;
  try {
    loaded = await loadFile(part, opts.files, ctx.signal);
  } catch (e) {
    const reason = e instanceof FileFetchError ? e.message : String(e);
    throw new ExtractionFailedError({
      reason,
      stage: 'file',
      window_index: window.index,
      message_id: message.message_id,
      cause: e,
    });
  }
  if ('skip' in loaded) {
    return {
      chunks: [],
      memories: [],
      skipped: { message_id: message.message_id, filename: part.filename ?? null, reason: loaded.skip },
    };
  }
  const format = detectFormat(loaded.filename, loaded.mime, loaded.text);
  const packed = packBlocks(parseDocument(format, loaded.text), opts.chunkTokens);
  const ids = packed.map((_, i) => chunkId(message.message_id, fileOrdinal, i));
  const chunks: DocumentChunk[] = packed.map((p, i) => {
    const lang = ctx.forcedLang ?? detectLang(p.text);
    const source: SourceRef = {
      type: 'file',
      message_id: ids[i]!,
      role: message.role,
      ...(message.chat_time ? { chat_time: message.chat_time } : {}),
      content: truncate(p.text, ctx.sourceChars),
      ...(loaded.url || loaded.filename ? { doc_path: loaded.url ?? loaded.filename! } : {}),
      file_info: {
        message_id: message.message_id,
        filename: loaded.filename,
        format,
        heading_path: p.heading_path,
        chunk_index: i,
        chunk_total: packed.length,
      },
      lang,
      index: i,
    };
    return {
      id: ids[i]!,
      message_id: message.message_id,
      index: i,
      total: packed.length,
      text: p.text,
      heading_path: p.heading_path,
      preceding_id: i > 0 ? ids[i - 1]! : null,
      following_id: i < packed.length - 1 ? ids[i + 1]! : null,
      tokens: p.tokens,
      format,
      filename: loaded.filename,
      window_index: window.index,
      source,
    };
  });
  const context = contextText(window.messages, ctx.contextChars);
  const perChunk = await Promise.all(chunks.map((c) => extractChunk(ctx, window, c, context)));
  return { chunks, memories: perChunk.flat(), skipped: null };
}

async function extractChunk(
  ctx: CallContext,
  window: MessageWindow,
  chunk: DocumentChunk,
  context: string,
): Promise<ExtractedMemory[]> {
  const lang = chunk.source.lang === 'zh' ? 'zh' : 'en';
  const prompt = choosePrompt('document', lang, ctx.prompts, ctx.overrideVersion);
  const { data, model } = await callExtraction(ctx, {
    stage: 'document',
    role: 'extractor',
    lang,
    window_index: window.index,
    message_id: chunk.id,
    messages: [
      { role: 'system', content: prompt.system },
      {
        role: 'user',
        content: documentUserPrompt({
          chunkId: chunk.id,
          index: chunk.index,
          total: chunk.total,
          text: chunk.text,
          filename: chunk.filename,
          headingPath: chunk.heading_path,
          context,
          lang,
          customTags: ctx.customTags,
        }),
      },
    ],
  });
  return toMemories(data, {
    origin: 'document',
    lang,
    window_index: window.index,
    extractor: { model, prompt_version: prompt.version },
    allowedIds: [chunk.id],
    fallbackIds: [chunk.id],
    fixedIds: [chunk.id],
    sourceFor: () => chunk.source,
    timeFor: () => null,
    // Documents state their own dates; "yesterday" in a file is not relative to when it was shared.
    resolveRelative: false,
    extraTags: [FILE_TAG],
    memoryType: 'LongTermMemory',
    chunkIdsFor: () => [chunk.id],
  });
}
