import { MemoryItem as WireItem } from '@engram/contracts';
import type { MemoryItem } from '@engram/domain';
import { toMemoryItem, toSearchResponse } from './format';

const item: MemoryItem = {
  id: 'mem-1',
  tenant_id: 't',
  cube_id: 'c',
  user_id: 'u',
  session_id: 's',
  memory: 'user: I adopted a dog named Biscuit.',
  key: '',
  tags: ['pet'],
  memory_type: 'LongTermMemory',
  status: 'activated',
  sources: [{ type: 'chat', message_id: 'm1', role: 'user', chat_time: '2026-05-02T09:00:00Z', index: 0 }],
  background: '',
  confidence: 0.99,
  info: { app: 'demo', nested: { a: [1, 'x', null] } },
  source: 'conversation',
  is_fast: true,
  valid_from: null,
  valid_to: null,
  created_at: '2026-05-02T09:00:01.000Z',
  updated_at: '2026-05-02T09:00:01.000Z',
  version: 1,
  supersedes: [],
  superseded_by: null,
  supersede_reason: null,
  provenance: { ingest_key: 'ik', task_id: 'task', mode: 'fast' },
  preceding_id: null,
};

describe('domain → wire', () => {
  it('maps every field, nulls to absent, and survives the wire', () => {
    const w = toMemoryItem(item);
    expect(w).toMatchObject({ id: 'mem-1', tags: ['pet'], info: item.info, evolve_to: [] });
    expect(w.valid_from).toBeUndefined();
    expect(w.superseded_by).toBeUndefined();
    expect(w.provenance).toEqual({ ingest_key: 'ik', task_id: 'task', extractor: undefined, mode: 'fast' });
    const back = WireItem.decode(WireItem.encode(w).finish());
    expect(back.sources[0]).toMatchObject({ type: 'chat', message_id: 'm1', role: 'user', index: 0 });
    expect(back.info).toEqual(item.info);
    expect(back.confidence).toBe(0.99);
  });

  it('keeps search buckets, scores and recall paths', () => {
    const r = toSearchResponse(
      {
        took_ms: 3.5,
        buckets: [
          {
            kind: 'text',
            cube_id: 'c',
            memories: [
              {
                item,
                relativity: 0.8,
                features: { cosine: 0.7, coverage: 1, entities: 0, bm25: 0.5, sameSession: 1 },
                recalled_by: ['bm25', 'vector'],
              },
            ],
          },
        ],
      },
      'ok',
    );
    expect(r.buckets[0]).toMatchObject({ kind: 'text', cube_id: 'c' });
    expect(r.buckets[0]!.memories[0]).toMatchObject({
      relativity: 0.8,
      recalled_by: ['bm25', 'vector'],
      features: { same_session: 1 },
    });
    expect(r).toMatchObject({ took_ms: 3.5, message: 'ok' });
  });
});
