import {
  IngestRequest,
  RetrievalServiceSearchRequest,
  filterFromProto,
  filterToProto,
} from '@engram/contracts';
import { parseFilter, type FilterNode } from '@engram/domain';
import { fromIngestRequest, fromSearchRequest, toMemoryItem } from '@engram/api-grpc';
import type { AddCommand, SearchCommand } from '@engram/memory-core';
import { normalizeMessages } from '@engram/reader';
import { makeMemory } from '@engram/testing';
import { fromWireItem, toIngestRequest, toSearchRequest } from './wire';

/** Through the bytes, as grpc-js sends them. */
const overWire = {
  ingest: (r: IngestRequest) => IngestRequest.decode(IngestRequest.encode(r).finish()),
  search: (r: RetrievalServiceSearchRequest) =>
    RetrievalServiceSearchRequest.decode(RetrievalServiceSearchRequest.encode(r).finish()),
};

const tree = parseFilter({
  and: [
    { session_id: 's1' },
    { created_at: { lt: '2027-01-01' } },
    { or: [{ tags: { contains: 'pet' } }, { 'info.app': { in: ['a', 'b'] } }, { 'info.n': { gte: 3 } }] },
  ],
})!;

const searchCmd = (over: Partial<SearchCommand> = {}): SearchCommand => ({
  tenant_id: 't',
  user_id: 'u',
  query: 'golden retriever',
  cube_ids: ['alice', 'bob'],
  top_k: 7,
  relativity: 0.45,
  dedup: 'mmr',
  filter: null,
  include_preference: true,
  pref_top_k: 6,
  search_tool_memory: false,
  tool_mem_top_k: 0,
  include_skill_memory: true,
  skill_mem_top_k: 3,
  ...over,
});

describe('internal gRPC wire mapping: encode (gateway) and decode (internal services) are inverses', () => {
  it('a filter tree survives the trip through the wire type', () => {
    expect(filterFromProto(filterToProto(tree))).toEqual(tree);
    expect(filterFromProto(undefined)).toBeNull();
    expect(filterFromProto({})).toBeNull();
  });

  it('a search command survives the trip: filter tree, per-cube filters, quotas, session, types, embedding', () => {
    const perCube = new Map<string, FilterNode | null>([
      ['alice', tree],
      ['bob', null],
    ]);
    const cases: SearchCommand[] = [
      searchCmd(),
      searchCmd({ filter: tree, session_id: 's1', memory_types: ['UserMemory', 'LongTermMemory'] }),
      searchCmd({ filter: perCube, query_embedding: { vector: [0.5, -0.25], embedder_id: 'hash' } }),
    ];
    for (const cmd of cases) {
      const back = fromSearchRequest(overWire.search(toSearchRequest(cmd)));
      expect(back).toEqual(cmd);
      if (cmd.filter instanceof Map)
        expect([...(back.filter as Map<string, unknown>).keys()]).toEqual(['alice', 'bob']);
    }
  });

  it('an add command survives the trip with its normalised messages, nothing re-derived', () => {
    const cmd: AddCommand = {
      tenant_id: 't',
      user_id: 'u',
      session_id: 's',
      cube_ids: ['c1', 'c2'],
      messages: [
        { role: 'user', content: 'Hello', chat_time: '2026-04-30T09:15:00Z' },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'See' },
            { type: 'image_url', image_url: { url: 'https://x/y.png', detail: 'low' } },
            { type: 'image_url', image_url: 'https://x/z.png' },
            { type: 'file', file: { filename: 'a.txt', file_data: 'text' } },
            { type: 'file', file: { file_id: 'f-1' } },
          ],
          message_id: 'given',
        },
      ],
      idempotency_key: 'k',
      task_id: 'task',
      custom_tags: ['a'],
      info: { app: 'demo', nested: { n: 1, list: [true, null, 'x'] } },
      mode: 'fine',
      async_mode: 'async',
    };
    const messages = normalizeMessages(cmd.messages, 'k');
    const back = fromIngestRequest(overWire.ingest(toIngestRequest(cmd, messages)));
    expect(back).toStrictEqual({ ...cmd, messages, normalized_messages: messages });
    // and the other way round: what the service decodes encodes to the same request
    expect(toIngestRequest(back, back.normalized_messages!)).toEqual(toIngestRequest(cmd, messages));

    const bare: AddCommand = { ...cmd, messages: 'plain', mode: 'fast', async_mode: 'sync' };
    delete bare.idempotency_key;
    delete bare.task_id;
    delete bare.custom_tags;
    delete bare.info;
    const plain = normalizeMessages('plain', 'seed');
    expect(fromIngestRequest(overWire.ingest(toIngestRequest(bare, plain)))).toStrictEqual({
      ...bare,
      messages: plain,
      normalized_messages: plain,
      custom_tags: [],
      info: {},
    });
  });

  it('a memory survives the trip through the wire type', () => {
    const item = makeMemory({
      memory: 'The user likes tea.',
      valid_from: '2026-05-01T00:00:00.000Z',
      preceding_id: null,
      evolve_to: ['f1'],
    });
    expect(fromWireItem(toMemoryItem(item))).toEqual(item);
  });
});
