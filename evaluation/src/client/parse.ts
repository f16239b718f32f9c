import type { z } from 'zod';
import { ApiError } from './errors';
import { addDataSchema, envelopeSchema, searchDataSchema, type RawBucket, type RawMemory } from './schemas';
import type { AddedMemory, RetrievedMemory, SearchResult } from './types';

/** Unwraps `{code, message, data}`; a body code other than 200 is an error even under HTTP 200. */
export function unwrapEnvelope(status: number, body: unknown, what: string): unknown {
  const env = envelopeSchema.safeParse(body);
  if (!env.success) throw new ApiError(`${what}: response is not a {code, message, data} envelope`, status, body);
  if (env.data.code !== 200) throw new ApiError(`${what}: code ${env.data.code}: ${env.data.message}`, status, body);
  return env.data.data;
}

function parseWith<T extends z.ZodTypeAny>(schema: T, data: unknown, what: string): z.infer<T> {
  const r = schema.safeParse(data);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new ApiError(`${what}: unexpected data shape at ${issue?.path.join('.') ?? '?'}: ${issue?.message ?? ''}`, 200, data);
  }
  return r.data;
}

export function toRetrieved(m: RawMemory, cubeId: string | undefined): RetrievedMemory {
  const sources: string[] = [];
  let time: string | undefined;
  for (const s of m.metadata?.sources ?? []) {
    // MemOS may also store plain-string sources; those carry no message id.
    if (typeof s === 'string') continue;
    if (s.message_id && !sources.includes(s.message_id)) sources.push(s.message_id);
    if (s.chat_time && (time === undefined || s.chat_time < time)) time = s.chat_time;
  }
  return {
    id: m.id,
    text: m.memory,
    sources,
    time,
    relativity: m.metadata?.relativity ?? undefined,
    memoryType: m.metadata?.memory_type ?? undefined,
    cubeId,
  };
}

/** Buckets are concatenated in server order: the server's ranking is what is measured. */
export function flattenBuckets(buckets: readonly RawBucket[] | null | undefined): RetrievedMemory[] {
  return (buckets ?? []).flatMap((b) => b.memories.map((m) => toRetrieved(m, b.cube_id ?? undefined)));
}

export function parseSearchData(data: unknown): SearchResult {
  const d = parseWith(searchDataSchema, data, 'search');
  return { text: flattenBuckets(d.text_mem), pref: flattenBuckets(d.pref_mem) };
}

/** get_memory: all text memories (pref memories too, since they may cite messages as well). */
export function parseGetMemoryData(data: unknown): SearchResult {
  return parseSearchData(data);
}

export function parseAddData(data: unknown): AddedMemory[] {
  // Async servers may answer an add with no items yet; null is treated as an empty list.
  if (data === null || data === undefined) return [];
  return parseWith(addDataSchema, data, 'add').map((a) => ({
    memory: a.memory,
    memory_id: a.memory_id,
    memory_type: a.memory_type ?? undefined,
    cube_id: a.cube_id ?? undefined,
  }));
}
