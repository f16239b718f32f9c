/**
 * Memory items exactly as the server's fast-mode add builds them (MemoryService.add →
 * normalizeMessages → buildFastMemories), so a bulk-loaded cube is indistinguishable from one filled
 * over HTTP. `verifyAgainstService` checks that claim on a scratch store.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contentHash, deterministicId, stableStringify, type MemoryItem } from '@engram/domain';
import { buildFastMemories, indexText, MemoryService } from '@engram/memory-core';
import type { Embedder } from '@engram/ports';
import { normalizeMessages, type WindowOptions } from '@engram/reader';
import { openEmbeddedStores } from '@engram/storage-embedded';
import { conversationAt, type BenchConversation, type LocomoCorpus } from './corpus';

export interface BenchScope {
  tenant: string;
  cube: string;
  user: string;
}

/** What the server derives for an add with no idempotency key, custom tags or info. */
export function conversationItems(
  conv: BenchConversation,
  scope: BenchScope,
  window: WindowOptions,
  now: string,
): MemoryItem[] {
  const seed = contentHash(conv.messages);
  const messages = normalizeMessages(conv.messages, seed);
  const ingestKey = contentHash({ u: scope.user, s: conv.session_id, m: messages, t: [], i: {} });
  return buildFastMemories(
    messages,
    {
      tenant_id: scope.tenant,
      cube_id: scope.cube,
      user_id: scope.user,
      session_id: conv.session_id,
      ingest_key: ingestKey,
      task_id: deterministicId(scope.tenant, 'task', ingestKey),
      custom_tags: [],
      info: {},
      now,
    },
    window,
  );
}

export interface CorpusItems {
  items: MemoryItem[];
  /** The conversations the items came from, in order; one item or more each (one per window). */
  conversations: BenchConversation[];
  /** Index into `items` of each conversation's first memory. */
  firstItem: number[];
  /** Conversations skipped: a window text already in the corpus, or one that would overshoot the count. */
  skipped: number;
}

/**
 * The first `count` memories of the corpus, conversation by conversation in index order: a 2-message
 * conversation gives one memory per fast-mode window (two when the pair is longer than a window).
 */
export function corpusItems(
  corpus: LocomoCorpus,
  count: number,
  scope: BenchScope,
  window: WindowOptions,
  now: string,
): CorpusItems {
  const out: CorpusItems = { items: [], conversations: [], firstItem: [], skipped: 0 };
  const seen = new Set<string>();
  for (let k = 0; out.items.length < count; k++) {
    const conv = conversationAt(corpus, k);
    const made = conversationItems(conv, scope, window, now);
    if (out.items.length + made.length > count || made.some((m) => seen.has(m.memory))) {
      out.skipped++;
      continue;
    }
    for (const m of made) seen.add(m.memory);
    out.firstItem.push(out.items.length);
    out.items.push(...made);
    out.conversations.push(conv);
  }
  return out;
}

export const itemTexts = (items: MemoryItem[]): string[] => items.map(indexText);

/**
 * Adds the first conversations through MemoryService (what POST /product/add runs) on a scratch store
 * and checks the stored records equal the bulk-built items. Throws on any difference.
 */
export async function verifyAgainstService(
  data: CorpusItems,
  scope: BenchScope,
  window: WindowOptions,
  embedder: Embedder,
  now: string,
  n = 5,
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'engram-bench-verify-'));
  const stores = await openEmbeddedStores({ dataDir: dir, dimension: embedder.dimension });
  try {
    const clock = () => new Date(now);
    const svc = new MemoryService({ ...stores, embedder, window, clock });
    // The first conversations, plus the first one that makes several windows (FOLLOWS-linked).
    const multi = data.conversations.findIndex(
      (_, c) => (data.firstItem[c + 1] ?? data.items.length) - data.firstItem[c]! > 1,
    );
    const picks = [
      ...Array.from({ length: Math.min(n, data.conversations.length) }, (_, c) => c),
      ...(multi >= 0 ? [multi] : []),
    ];
    for (const c of picks) {
      const conv = data.conversations[c]!;
      const r = await svc.add({
        tenant_id: scope.tenant,
        user_id: scope.user,
        session_id: conv.session_id,
        cube_ids: [scope.cube],
        // Through JSON, as the HTTP body would arrive.
        messages: JSON.parse(JSON.stringify(conv.messages)) as unknown,
        info: {},
        mode: 'fast',
        async_mode: 'sync',
      });
      const stored = await stores.records.getByIds(r.memories.map((m) => m.memory_id));
      const expected = data.items.slice(data.firstItem[c], data.firstItem[c + 1] ?? data.items.length);
      if (stableStringify(stored) !== stableStringify(expected))
        throw new Error(
          `bulk-built memories of conversation ${c} differ from what MemoryService.add stores:\n${stableStringify(stored)}\n${stableStringify(expected)}`,
        );
    }
  } finally {
    await stores.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
