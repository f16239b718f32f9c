import type {
  MemoryItem as DomainMemoryItem,
  Provenance as DomainProvenance,
  SourceRef as DomainSourceRef,
} from '@engram/domain';
import {
  AddRequest,
  HealthCheckResponse_ServingStatus,
  HealthService,
  IngestionServiceService,
  MemoryItem,
  MemoryServiceService,
  RetrievalServiceService,
  type Provenance,
  type SourceRef,
} from './index';

// Compile-time contract: the wire memory item carries every field of the domain model.
type Missing<D, W> = Exclude<keyof D, keyof W>;
const itemComplete: [Missing<DomainMemoryItem, MemoryItem>] extends [never] ? true : false = true;
const sourceComplete: [Missing<DomainSourceRef, SourceRef>] extends [never] ? true : false = true;
const provenanceComplete: [Missing<DomainProvenance, Provenance>] extends [never] ? true : false = true;

describe('generated gRPC contracts', () => {
  it('mirror every field of the domain memory item', () => {
    expect([itemComplete, sourceComplete, provenanceComplete]).toEqual([true, true, true]);
  });

  it('round-trip a memory item with sources, provenance and Struct info', () => {
    const item = MemoryItem.fromPartial({
      id: 'mem-1',
      memory: 'user: I adopted a dog named Biscuit.',
      memory_type: 'LongTermMemory',
      sources: [
        {
          type: 'chat',
          message_id: 'm1',
          role: 'user',
          chat_time: '2026-05-02T09:00:00Z',
          file_info: { size: 3 },
        },
      ],
      info: { app: 'demo', nested: { n: 1, ok: true, list: ['a', null] } },
      valid_from: undefined,
      superseded_by: 'mem-2',
      provenance: { ingest_key: 'ik', mode: 'fast', extractor: { model: 'm', prompt_version: 'p1' } },
      evolve_to: ['mem-9'],
    });
    const back = MemoryItem.decode(MemoryItem.encode(item).finish());
    expect(back).toEqual(item);
    expect(back.valid_from).toBeUndefined();
    expect(back.info).toEqual({ app: 'demo', nested: { n: 1, ok: true, list: ['a', null] } });
  });

  it('keep proto3 presence for optional request fields', () => {
    const none = AddRequest.decode(AddRequest.encode(AddRequest.fromPartial({ user_id: 'u' })).finish());
    expect(none.session_id).toBeUndefined();
    const empty = AddRequest.decode(
      AddRequest.encode(AddRequest.fromPartial({ user_id: 'u', session_id: '' })).finish(),
    );
    expect(empty.session_id).toBe('');
  });

  it('define the public, internal and health services at their fully qualified paths', () => {
    expect(Object.values(MemoryServiceService).map((m) => m.path)).toEqual([
      '/engram.v1.MemoryService/Add',
      '/engram.v1.MemoryService/Search',
      '/engram.v1.MemoryService/Get',
      '/engram.v1.MemoryService/GetByIds',
      '/engram.v1.MemoryService/List',
      '/engram.v1.MemoryService/Delete',
      '/engram.v1.MemoryService/Feedback',
      '/engram.v1.MemoryService/GetTaskStatus',
    ]);
    expect(Object.values(RetrievalServiceService).map((m) => m.path)).toEqual([
      '/engram.v1.RetrievalService/Search',
      '/engram.v1.RetrievalService/GetByIds',
      '/engram.v1.RetrievalService/List',
    ]);
    expect(Object.values(IngestionServiceService).map((m) => m.path)).toEqual([
      '/engram.v1.IngestionService/Ingest',
      '/engram.v1.IngestionService/Delete',
    ]);
    expect(HealthService.check.path).toBe('/grpc.health.v1.Health/Check');
    expect(HealthService.watch.responseStream).toBe(true);
    expect(HealthCheckResponse_ServingStatus.SERVING).toBe(1);
  });
});
