/**
 * Request limits every edge enforces (REST, gRPC, the internal services): one place to read and change
 * them. A request over a limit is refused with a message that names the limit; nothing is stored.
 */
export const LIMITS = {
  /** Deepest nesting of a JSON value the caller sends (`info`, `filter`, message parts). */
  maxJsonDepth: 32,
} as const;
