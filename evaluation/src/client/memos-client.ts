import { requestJson } from './http';
import { parseAddData, parseGetMemoryData, parseSearchData, unwrapEnvelope } from './parse';
import type { AddedMemory, ChatTurn, SearchResult } from './types';

export type Mode = 'fast' | 'fine';

export interface AddParams {
  cube: string;
  sessionId: string;
  mode: Mode;
  messages: readonly ChatTurn[];
}

export interface SearchParams {
  cube: string;
  query: string;
  topK: number;
  mode: Mode;
  dedup: 'no' | 'mmr';
}

export interface WaitOutcome {
  /** 'idle', 'timeout', or 'unsupported' when the server has no scheduler endpoint. */
  state: string;
}

/** Client for the MemOS-compatible REST API the harness measures. The cube id doubles as user id. */
export class MemosClient {
  constructor(
    readonly baseUrl: string,
    private readonly timeoutMs = 300_000,
  ) {}

  private url(path: string): string {
    return `${this.baseUrl.replace(/\/+$/, '')}${path}`;
  }

  private async post(path: string, body: unknown, what: string): Promise<unknown> {
    const res = await requestJson('POST', this.url(path), body, this.timeoutMs);
    return unwrapEnvelope(res.status, res.body, what);
  }

  async health(): Promise<unknown> {
    return (await requestJson('GET', this.url('/health'), undefined, 5_000)).body;
  }

  async add(p: AddParams): Promise<AddedMemory[]> {
    const data = await this.post(
      '/product/add',
      { user_id: p.cube, writable_cube_ids: [p.cube], session_id: p.sessionId, async_mode: 'sync', mode: p.mode, messages: p.messages },
      'add',
    );
    return parseAddData(data);
  }

  async search(p: SearchParams): Promise<SearchResult> {
    // relativity 0: no score threshold, so the full ranked list is measured.
    const data = await this.post(
      '/product/search',
      { user_id: p.cube, query: p.query, readable_cube_ids: [p.cube], top_k: p.topK, relativity: 0, dedup: p.dedup, mode: p.mode },
      'search',
    );
    return parseSearchData(data);
  }

  async getMemories(cube: string): Promise<SearchResult> {
    const data = await this.post('/product/get_memory', { mem_cube_id: cube, user_id: cube }, 'get_memory');
    return parseGetMemoryData(data);
  }

  /** Waits for background extraction; a server without the endpoint (404) is reported, not fatal. */
  async waitIdle(cube: string, timeoutSeconds = 120): Promise<WaitOutcome> {
    const q = `user_name=${encodeURIComponent(cube)}&timeout_seconds=${timeoutSeconds}`;
    try {
      const res = await requestJson('POST', this.url(`/product/scheduler/wait?${q}`), undefined, (timeoutSeconds + 30) * 1000);
      const body = res.body as { message?: unknown } | undefined;
      return { state: typeof body?.message === 'string' ? body.message : 'idle' };
    } catch (err) {
      if ((err as { status?: number }).status === 404) return { state: 'unsupported' };
      throw err;
    }
  }
}
