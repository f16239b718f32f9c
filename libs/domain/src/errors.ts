/** An error the caller caused: maps to HTTP 400 (or 404) with its message. */
export class ValidationError extends Error {
  constructor(
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ValidationError';
  }
}

/** A request over a size limit (LIMITS): HTTP 413, gRPC RESOURCE_EXHAUSTED; a 400 where not mapped. */
export class PayloadTooLargeError extends ValidationError {
  constructor(message: string) {
    super(message);
    this.name = 'PayloadTooLargeError';
  }
}

export class NotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotFoundError';
  }
}

/** A capability that is not configured (e.g. fine mode without an LLM): maps to HTTP 422/501. */
export class UnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnavailableError';
  }
}
