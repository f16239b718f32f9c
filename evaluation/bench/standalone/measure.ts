/** Latency runs over HTTP against the running server: /product/search and /product/add. */
import type { BenchConversation } from './corpus';
import type { JsonClient } from './server';
import { dist, type Dist } from './stats';

interface SearchBody {
  code: number;
  took_ms?: number;
  data?: { text_mem?: { memories: { id: string; metadata?: { relativity?: number } }[] }[] };
}

interface AddBody {
  code: number;
  data?: { memory_id: string }[];
}

export interface SearchRun {
  label: string;
  dedup: 'mmr' | 'no';
  concurrency: number;
  latency: Dist;
  /** took_ms reported by the server (MemoryService.search, i.e. without HTTP, validation and JSON). */
  server: Dist;
  /** Mean number of text memories returned (top_k 10, relativity ≥ 0.45). */
  meanResults: number;
  wallSeconds: number;
  qps: number;
}

export interface AddRun {
  concurrency: number;
  latency: Dist;
  memoriesPerAdd: number;
  wallSeconds: number;
  addsPerSec: number;
}

/** Runs `jobs` with `concurrency` workers pulling from one queue; returns the wall time in seconds. */
async function pool<T>(items: T[], concurrency: number, job: (item: T) => Promise<void>): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: Math.max(1, concurrency) }, async () => {
      while (next < items.length) await job(items[next++]!);
    }),
  );
  return (performance.now() - t0) / 1000;
}

export function searchBody(query: string, scope: { user: string; cube: string }, dedup?: 'mmr' | 'no') {
  return {
    query,
    user_id: scope.user,
    readable_cube_ids: [scope.cube],
    top_k: 10,
    ...(dedup ? { dedup } : {}),
  };
}

/** One search per query; `dedup` undefined = the server default (mmr). */
export async function runSearches(
  client: JsonClient,
  queries: string[],
  scope: { user: string; cube: string },
  dedup: 'mmr' | 'no' | undefined,
  concurrency: number,
  label: string,
): Promise<SearchRun> {
  const lat: number[] = [];
  const server: number[] = [];
  let results = 0;
  const wall = await pool(queries, concurrency, async (q) => {
    const r = await client.post<SearchBody>('/product/search', searchBody(q, scope, dedup));
    if (r.status !== 200 || r.body.code !== 200)
      throw new Error(`search failed (${r.status}): ${JSON.stringify(r.body).slice(0, 300)}`);
    lat.push(r.ms);
    if (typeof r.body.took_ms === 'number') server.push(r.body.took_ms);
    results += (r.body.data?.text_mem ?? []).reduce((n, b) => n + b.memories.length, 0);
  });
  return {
    label,
    dedup: dedup ?? 'mmr',
    concurrency,
    latency: dist(lat),
    server: dist(server),
    meanResults: results / queries.length,
    wallSeconds: wall,
    qps: queries.length / wall,
  };
}

export function addBody(conv: BenchConversation, scope: { user: string; cube: string }) {
  return {
    user_id: scope.user,
    writable_cube_ids: [scope.cube],
    session_id: conv.session_id,
    messages: conv.messages,
    mode: 'fast',
    async_mode: 'sync',
  };
}

/** One fast-mode add per conversation (each distinct and new to the cube). Returns the ids too. */
export async function runAdds(
  client: JsonClient,
  conversations: BenchConversation[],
  scope: { user: string; cube: string },
  concurrency: number,
): Promise<AddRun & { ids: Map<BenchConversation, string[]> }> {
  const lat: number[] = [];
  // Per conversation: with several clients, adds complete out of order.
  const ids = new Map<BenchConversation, string[]>();
  const wall = await pool(conversations, concurrency, async (conv) => {
    const r = await client.post<AddBody>('/product/add', addBody(conv, scope));
    if (r.status !== 200 || r.body.code !== 200)
      throw new Error(`add failed (${r.status}): ${JSON.stringify(r.body).slice(0, 300)}`);
    lat.push(r.ms);
    ids.set(
      conv,
      (r.body.data ?? []).map((m) => m.memory_id),
    );
  });
  return {
    concurrency,
    latency: dist(lat),
    memoriesPerAdd: [...ids.values()].reduce((n, x) => n + x.length, 0) / conversations.length,
    wallSeconds: wall,
    addsPerSec: conversations.length / wall,
    ids,
  };
}

/** Whether a search for an added conversation's own words finds a memory the add just wrote. */
export async function findsAdded(
  client: JsonClient,
  conv: BenchConversation,
  ids: string[],
  scope: { user: string; cube: string },
): Promise<boolean> {
  const query = conv.messages[0]!.content.slice(0, 200);
  const r = await client.post<SearchBody>('/product/search', searchBody(query, scope, 'no'));
  return (r.body.data?.text_mem ?? []).some((b) => b.memories.some((m) => ids.includes(m.id)));
}
