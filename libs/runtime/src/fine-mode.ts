import { Logger } from '@nestjs/common';
import { FineExtractor } from '@engram/extraction';
import { createLlmClient, llmConfigFromEnv, type OpenAiCompatibleClient } from '@engram/llm';
import type { WindowExtractor } from '@engram/memory-core';

export interface FineMode {
  extractor: WindowExtractor | null;
  llm: OpenAiCompatibleClient | null;
  describe: () => Record<string, unknown>;
}

/**
 * Fine mode is on when an OpenAI-compatible endpoint with an extractor model is configured
 * (ENGRAM_LLM_*); otherwise everything but fine extraction works, and /health says so.
 */
export function buildFineMode(env: NodeJS.ProcessEnv): FineMode {
  const log = new Logger('fine-mode');
  const llm = createLlmClient(llmConfigFromEnv(env));
  if (!llm.isConfigured('extractor')) {
    log.log('no LLM endpoint configured (ENGRAM_LLM_BASE_URL, ENGRAM_LLM_EXTRACTOR_MODEL): fast mode only');
    return { extractor: null, llm: null, describe: () => ({ fine_mode: false }) };
  }
  const extractor = new FineExtractor({ llm });
  log.log(`fine mode on: extractor ${llm.modelFor('extractor')}, vision ${llm.modelFor('vision') ?? 'none'}`);
  return {
    extractor,
    llm,
    describe: () => ({
      fine_mode: true,
      extractor_model: llm.modelFor('extractor'),
      vision_model: llm.modelFor('vision'),
    }),
  };
}
