/**
 * Request limits every edge enforces (REST, gRPC, the internal services): one place to read and change
 * them. A request over a limit is refused with a message that names the limit; nothing is stored.
 */
export const LIMITS = {
  /** Deepest nesting of a JSON value the caller sends (`info`, `filter`, message parts). */
  maxJsonDepth: 32,
  /** `/product/scheduler/wait` and `wait/stream`: how long a caller may wait for its tasks (seconds). */
  schedulerWaitSeconds: { min: 0, max: 3600, default: 120 },
  /** `/product/scheduler/wait/stream`: seconds between progress events. */
  schedulerPollSeconds: { min: 0.05, max: 60, default: 0.5 },
  /** Longest id a scheduler query names (`user_id`, `task_id`, `user_name`), as the request bodies' ids. */
  schedulerQueryIdLength: 256,
} as const;
