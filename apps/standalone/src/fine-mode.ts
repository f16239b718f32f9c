// Fine-mode wiring (LLM extractor from ENGRAM_LLM_*) is shared with the mem-reader (libs/runtime).
export { buildFineMode, type FineMode } from '@engram/runtime';
