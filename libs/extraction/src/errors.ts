export type ExtractionStage = 'chat' | 'image' | 'document' | 'file';

/**
 * Fine extraction produced nothing usable (invalid model output after repair and retries, an LLM
 * or network failure, a file that could not be fetched). The caller keeps the raw memory and may retry.
 */
export class ExtractionFailedError extends Error {
  readonly reason: string;
  readonly stage: ExtractionStage;
  readonly window_index: number | null;
  readonly message_id: string | null;

  constructor(args: {
    reason: string;
    stage: ExtractionStage;
    window_index?: number | null;
    message_id?: string | null;
    cause?: unknown;
  }) {
    const where = [
      args.window_index !== undefined && args.window_index !== null ? `window ${args.window_index}` : null,
      args.message_id ? `message ${args.message_id}` : null,
    ]
      .filter(Boolean)
      .join(', ');
    super(`Fine extraction failed (${args.stage}${where ? `, ${where}` : ''}): ${args.reason}`, {
      cause: args.cause,
    });
    this.name = 'ExtractionFailedError';
    this.reason = args.reason;
    this.stage = args.stage;
    this.window_index = args.window_index ?? null;
    this.message_id = args.message_id ?? null;
  }
}
