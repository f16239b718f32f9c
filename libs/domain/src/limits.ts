/**
 * Request limits every edge enforces (REST, gRPC, the internal services): one place to read and change
 * them. A request over a limit is refused with a message that names the limit; nothing is stored.
 */
export const LIMITS = {
  /** Deepest nesting of a JSON value the caller sends (`info`, `filter`, message parts). */
  maxJsonDepth: 32,
  /** Highest page number a listing accepts (`get_memory`, cloud `get/memory`): offsets stay exact integers. */
  maxPage: 1_000_000,
  /** `/product/scheduler/wait` and `wait/stream`: how long a caller may wait for its tasks (seconds). */
  schedulerWaitSeconds: { min: 0, max: 3600, default: 120 },
  /** `/product/scheduler/wait/stream`: seconds between progress events. */
  schedulerPollSeconds: { min: 0.05, max: 60, default: 0.5 },
  /** Longest id a scheduler query names (`user_id`, `task_id`, `user_name`), as the request bodies' ids. */
  schedulerQueryIdLength: 256,
  /**
   * Characters of one message's text (its content, or its text parts joined, plus inline file text):
   * a cheap first gate, checked before any tokenising.
   */
  maxMessageChars: 100_000,
  /** Characters of all messages of one add together. */
  maxRequestChars: 200_000,
  /**
   * cl100k tokens of one add's message text (what the windows and embeddings cost): MemOS's documented
   * cloud cap for an add, so every add MemOS accepts is accepted here. ~160k characters of English,
   * ~30k of Chinese; ~420 windows at the default 128-token window.
   */
  maxRequestTokens: 40_000,
  /** Content parts (text, image_url, file) of one message. */
  maxContentParts: 256,
} as const;

/**
 * What a search gets for what the caller leaves out (MemOS's `APISearchRequest` defaults), and its
 * bounds: REST, gRPC and the internal services all fill requests from here.
 */
export const SEARCH_DEFAULTS = {
  topK: 10,
  maxTopK: 1000,
  relativity: 0.45,
  dedup: 'mmr',
  prefTopK: 6,
  toolTopK: 6,
  skillTopK: 3,
  /** Highest per-type quota (preference, tool, skill). */
  maxQuota: 100,
  /** Characters of a query. */
  maxQueryChars: 10_000,
} as const;

/** A page of a listing when the caller asks for paging without a size. */
export const DEFAULT_PAGE_SIZE = 10;
