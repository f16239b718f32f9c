/** A failed API call: non-2xx status, a non-200 body code, or a body of the wrong shape. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly body: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}
