import { UnavailableError } from '@engram/domain';

/** No endpoint (or no model for the role): fine extraction and chat are off, fast mode still works. */
export class LlmNotConfiguredError extends UnavailableError {
  constructor(what = 'an LLM endpoint') {
    super(
      `No LLM configured (${what}). Set ENGRAM_LLM_BASE_URL and ENGRAM_LLM_EXTRACTOR_MODEL ` +
        '(see docs/llm.md) to enable fine extraction; fast mode works without one.',
    );
    this.name = 'LlmNotConfiguredError';
  }
}

/** Any failed model call. `retryable` says whether the transport may try again. */
export class LlmError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'LlmError';
  }
}

export class LlmHttpError extends LlmError {
  constructor(
    readonly status: number,
    message: string,
    readonly body: string,
    readonly retryAfter: string | null = null,
  ) {
    super(
      `LLM endpoint answered HTTP ${status}: ${message}`,
      status === 408 || status === 429 || status >= 500,
    );
    this.name = 'LlmHttpError';
  }
}

export class LlmTimeoutError extends LlmError {
  constructor(readonly timeoutMs: number) {
    super(`LLM call timed out after ${timeoutMs} ms`, true);
    this.name = 'LlmTimeoutError';
  }
}

export class LlmAbortedError extends LlmError {
  constructor(options?: { cause?: unknown }) {
    super('LLM call aborted by the caller', false, options);
    this.name = 'LlmAbortedError';
  }
}

/** Connection refused/reset, DNS failure, or a 200 whose body is not a completion. */
export class LlmTransportError extends LlmError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, true, options);
    this.name = 'LlmTransportError';
  }
}

/** The model never produced JSON that passed validation within the allowed attempts. */
export class StructuredOutputError extends LlmError {
  constructor(
    readonly reason: string,
    readonly attempts: number,
    readonly lastRaw: string,
  ) {
    super(`No valid structured output after ${attempts} attempt(s): ${reason}`, false);
    this.name = 'StructuredOutputError';
  }
}
