import { makeMemory } from '@engram/testing';
import { MemoryItem as ProtoMemoryItem } from '../generated/engram/v1/memory';
import { memoryItemFromProto, memoryItemToProto } from './memory-item';

describe('memory item codec (domain ↔ proto)', () => {
  const full = makeMemory({
    memory: 'The user adopted a golden retriever named Biscuit.',
    tags: ['pets', 'mode:fine'],
    info: { app: 'demo', nested: { n: 1, list: ['a', true] } },
    sources: [
      {
        type: 'chat',
        message_id: 'm1',
        role: 'user',
        chat_time: '2026-05-02T09:00:00Z',
        content: 'I adopted…',
        lang: 'en',
        index: 0,
      },
      { type: 'doc', message_id: 'c7', doc_path: 'pets.md', file_info: { name: 'pets.md' } },
    ],
    valid_from: '2026-05-02T00:00:00.000Z',
    valid_to: '2027-05-02T00:00:00.000Z',
    supersedes: ['old-1'],
    superseded_by: 'new-1',
    supersede_reason: 'contradiction',
    provenance: {
      ingest_key: 'k',
      task_id: 't1',
      extractor: { model: 'm', prompt_version: 'v3' },
      mode: 'fine',
    },
    preceding_id: 'prev-1',
    evolve_to: ['next-1'],
  });

  it('round-trips a full item through the proto bytes unchanged', () => {
    const bytes = ProtoMemoryItem.encode(memoryItemToProto(full)).finish();
    expect(memoryItemFromProto(ProtoMemoryItem.decode(bytes))).toEqual(full);
  });

  it('round-trips the nulls and defaults of a fresh fast memory', () => {
    const fresh = makeMemory({ memory: 'Short fact.', preceding_id: null });
    const back = memoryItemFromProto(
      ProtoMemoryItem.decode(ProtoMemoryItem.encode(memoryItemToProto(fresh)).finish()),
    );
    expect(back).toEqual(fresh);
    expect(back.valid_from).toBeNull();
    expect(back.superseded_by).toBeNull();
    expect(back.provenance).toEqual({ ingest_key: 'test', mode: 'fast' });
  });
});
