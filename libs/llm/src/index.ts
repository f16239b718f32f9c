export type {
  ChatModel,
  ChatRequest,
  ChatResult,
  ChatStreamEvent,
  LlmClient,
  LlmContentPart,
  LlmMessage,
  LlmRole,
  LlmUsage,
  OutputSchema,
  StructuredLlm,
  StructuredMode,
  StructuredRequest,
  StructuredResult,
  ValidationOutcome,
} from '@engram/ports';
export {
  type LlmConfig,
  type LlmConfigInput,
  LlmConfigError,
  llmConfigFromEnv,
  parseLlmConfig,
} from './config';
export { OpenAiCompatibleClient, createLlmClient, type LlmClientDeps } from './client';
export {
  LlmAbortedError,
  LlmError,
  LlmHttpError,
  LlmNotConfiguredError,
  LlmTimeoutError,
  LlmTransportError,
  StructuredOutputError,
} from './errors';
export { type LenientJson, JsonRepairError, parseJsonLenient } from './json-repair';
export { Semaphore } from './semaphore';
export { type UsageListener, type UsageRow, UsageLedger } from './usage-ledger';
export type { FetchFn } from './transport';
