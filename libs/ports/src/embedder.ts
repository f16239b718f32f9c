/** Turns text into unit-length vectors. `query` and `document` may differ (e.g. E5 prefixes). */
export interface Embedder {
  /** Stable identity (model name + dimension), recorded so a model change is detected. */
  readonly id: string;
  readonly dimension: number;
  embed(texts: string[], kind: 'query' | 'document'): Promise<Float32Array[]>;
  close?(): Promise<void>;
}
