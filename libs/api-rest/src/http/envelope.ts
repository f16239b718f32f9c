/** MemOS's response envelope. */
export interface Envelope<T> {
  code: number;
  message: string;
  data: T;
  [extra: string]: unknown;
}

export const ok = <T>(data: T, message = 'ok', extra: Record<string, unknown> = {}): Envelope<T> => ({
  code: 200,
  message,
  data,
  ...extra,
});
