export { FineExtractor, type FineExtractorOptions } from './fine-extractor';
export { ExtractionFailedError, type ExtractionStage } from './errors';
export type {
  DocumentChunk,
  DocumentFormat,
  ExtractedMemory,
  ExtractionResult,
  ExtractRequest,
  FineMemoryType,
  Lang,
  MemoryOrigin,
  SkippedFile,
} from './types';
export { IMAGE_TAG, VISION_UNAVAILABLE_TAG } from './image-extraction';
export { FILE_TAG, chunkId } from './documents/document-extraction';
export { CITATION_INFERRED_TAG } from './citations';
export type { FileFetchOptions } from './documents/load-file';
export { PROMPT_VERSION } from './prompts/version';
export { BUILTIN_PROMPTS, type PromptKind, type PromptOverrides } from './prompts/catalog';
export {
  EXTRACTION_JSON_SCHEMA,
  extractionOutputSchema,
  type RawExtraction,
  type RawMemory,
} from './output-schema';
export { resolveRelativeDate, type ResolvedDate } from './time/relative-date';
export { parseAnchor, type CalendarDate } from './time/calendar';
export { normaliseEventTime } from './time/event-time';
