import { Logger } from '@nestjs/common';
import { createEmbedder, resolveDefaultEmbedder } from '@engram/embedding';
import type { Embedder } from '@engram/ports';
import type { ServiceConfig } from '@engram/platform';

/** The embedder settings (the standalone app's config has the same fields). */
export type EmbedderConfig = Pick<
  ServiceConfig,
  | 'embedder'
  | 'embeddingModelDir'
  | 'embeddingBaseUrl'
  | 'embeddingApiKey'
  | 'embeddingModel'
  | 'embeddingDimensions'
>;

/** The configured embedder; `auto` = local ONNX model, or the hashing fallback with a loud warning. */
export async function buildEmbedder(cfg: EmbedderConfig): Promise<Embedder> {
  const log = new Logger('embedding');
  switch (cfg.embedder) {
    case 'auto':
      return resolveDefaultEmbedder({
        ...(cfg.embeddingModelDir ? { modelDir: cfg.embeddingModelDir } : {}),
        log,
      });
    case 'onnx':
      return createEmbedder({
        provider: 'onnx',
        ...(cfg.embeddingModelDir ? { modelDir: cfg.embeddingModelDir } : {}),
        queryCacheSize: 1024,
      });
    case 'hashing':
      log.warn('ENGRAM_EMBEDDER=hashing: lexical hashing vectors only, semantic search quality is degraded');
      return createEmbedder({ provider: 'hashing' });
    case 'openai':
      return createEmbedder({
        provider: 'openai',
        openai: {
          baseUrl: cfg.embeddingBaseUrl!,
          model: cfg.embeddingModel!,
          dimensions: cfg.embeddingDimensions!,
          ...(cfg.embeddingApiKey ? { apiKey: cfg.embeddingApiKey } : {}),
        },
        queryCacheSize: 1024,
      });
  }
}
