import type { PrefItem } from '../data/prefeval';

/** One item at one distractor level, as retrieved by the server and by the BM25 reference. */
export interface PrefCase {
  item: PrefItem;
  /** Distractor turn pairs (N messages = 2 × pairs). */
  pairs: number;
  text: string[][];
  pref: string[][];
  bm25: string[][];
  returnedTokens: number;
  latencyMs: number;
  ingestMs: number;
  messages: number;
}
