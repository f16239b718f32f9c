import { detectLang, UnavailableError } from '@engram/domain';
import type { LlmClient } from '@engram/ports';
import type { CallContext } from './call-context';
import { extractChatWindow } from './chat-extraction';
import { extractDocument } from './documents/document-extraction';
import type { FileFetchOptions } from './documents/load-file';
import { extractImage } from './image-extraction';
import { mergeIdentical } from './memories';
import type { PromptOverrides } from './prompts/catalog';
import { PROMPT_VERSION } from './prompts/version';
import type { DocumentChunk, ExtractedMemory, ExtractionResult, ExtractRequest, SkippedFile } from './types';

export interface FineExtractorOptions {
  /** Injected by the core (the OpenAI-compatible adapter implements it). */
  llm: LlmClient;
  /** Tag vocabulary offered on every call, merged with the request's custom_tags. */
  customTags?: string[];
  /** Replacement system prompts per kind and language. */
  prompts?: PromptOverrides;
  /** Version label recorded for memories made with overridden prompts. Default `<PROMPT_VERSION>+custom`. */
  promptVersion?: string;
  temperature?: number;
  /** max_tokens per call (leave unset to use the server's default). */
  maxTokens?: number;
  /** Token budget per document chunk (cl100k). Default 800. */
  chunkTokens?: number;
  /** Characters of conversation given as context to image and document prompts. Default 2000. */
  contextChars?: number;
  /** Characters of message text kept in each SourceRef.content. Default 1000. */
  sourceContentChars?: number;
  files?: FileFetchOptions;
}

type Piece = {
  memories: ExtractedMemory[];
  summary?: string;
  chunks?: DocumentChunk[];
  skipped?: SkippedFile | null;
};

/**
 * Fine extraction over fast-mode windows: conversation text, images (vision model) and shared
 * documents. All or nothing: on any failure it throws ExtractionFailedError and the caller keeps
 * the raw memory; an empty result is a valid answer, not a failure.
 */
export class FineExtractor {
  readonly promptVersion: string;

  constructor(private readonly opts: FineExtractorOptions) {
    const overridden = Object.values(opts.prompts ?? {}).some((byLang) =>
      Object.values(byLang ?? {}).some(Boolean),
    );
    this.promptVersion = overridden ? (opts.promptVersion ?? `${PROMPT_VERSION}+custom`) : PROMPT_VERSION;
  }

  /** False when no extractor model is configured: run fast mode only. */
  isAvailable(): boolean {
    return this.opts.llm.isConfigured('extractor');
  }

  async extract(req: ExtractRequest): Promise<ExtractionResult> {
    const { llm } = this.opts;
    if (!llm.isConfigured('extractor')) {
      throw new UnavailableError(
        'Fine extraction needs an LLM: set ENGRAM_LLM_BASE_URL and ENGRAM_LLM_EXTRACTOR_MODEL (see docs/llm.md)',
      );
    }
    // The first failure cancels the calls still running: their work would be thrown away.
    const inner = new AbortController();
    const onAbort = () => inner.abort(req.signal?.reason);
    req.signal?.addEventListener('abort', onAbort, { once: true });
    const ctx: CallContext = {
      llm,
      tenant_id: req.tenant_id,
      signal: inner.signal,
      customTags: [...new Set([...(this.opts.customTags ?? []), ...(req.custom_tags ?? [])])],
      prompts: this.opts.prompts ?? {},
      overrideVersion: this.opts.promptVersion ?? `${PROMPT_VERSION}+custom`,
      temperature: this.opts.temperature,
      maxTokens: this.opts.maxTokens,
      contextChars: this.opts.contextChars ?? 2000,
      sourceChars: this.opts.sourceContentChars ?? 1000,
      forcedLang: req.lang,
      stats: { calls: 0, usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 } },
    };
    const allText = req.windows.flatMap((w) => w.messages.map((m) => m.content)).join('\n');
    const lang = req.lang ?? detectLang(allText);
    const visionReady = llm.isConfigured('vision');
    const unprocessedImages: ExtractionResult['unprocessed_images'] = [];
    const tasks: Promise<Piece>[] = [];
    const guard = (p: Promise<Piece>) =>
      p.catch((e: unknown) => {
        inner.abort(e);
        throw e;
      });

    // Windows overlap: an attachment seen in an earlier window is not processed twice.
    const seen = new Set<string>();
    for (const window of req.windows) {
      tasks.push(guard(extractChatWindow(ctx, window)));
      for (const message of window.messages) {
        let fileOrdinal = 0;
        message.parts.forEach((part, p) => {
          const key = `${message.message_id}\u0000${p}`;
          const first = !seen.has(key);
          seen.add(key);
          if (part.type === 'file') {
            const ordinal = fileOrdinal++;
            if (first) {
              const docOpts = { chunkTokens: this.opts.chunkTokens ?? 800, files: this.opts.files ?? {} };
              tasks.push(guard(extractDocument(ctx, docOpts, window, message, part, ordinal)));
            }
          } else if (first && visionReady) {
            // The image's own summary lives on its memories (background); `summary` is the conversation's.
            tasks.push(
              guard(extractImage(ctx, window, message, part, lang).then((r) => ({ memories: r.memories }))),
            );
          } else if (first) {
            unprocessedImages.push({ message_id: message.message_id, window_index: window.index });
          }
        });
      }
    }
    try {
      const pieces = await Promise.all(tasks);
      return {
        memories: mergeIdentical(pieces.flatMap((p) => p.memories)),
        summary: pieces
          .map((p) => p.summary ?? '')
          .filter(Boolean)
          .join('\n'),
        lang,
        model: llm.modelFor('extractor') ?? '',
        prompt_version: this.promptVersion,
        chunks: pieces.flatMap((p) => p.chunks ?? []),
        vision_unavailable: unprocessedImages.length > 0,
        unprocessed_images: unprocessedImages,
        skipped_files: pieces.map((p) => p.skipped).filter((s): s is SkippedFile => Boolean(s)),
        llm_calls: ctx.stats.calls,
        usage: ctx.stats.usage,
      };
    } finally {
      req.signal?.removeEventListener('abort', onAbort);
    }
  }
}
