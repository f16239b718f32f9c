import { Controller, Inject, UseFilters } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { ValidationError } from '@engram/domain';
import type { DeleteCommand, MemoryService } from '@engram/memory-core';
import {
  filterFromProto,
  type IngestionServiceDeleteRequest,
  type IngestionServiceDeleteResponse,
  type IngestRequest,
  type IngestResponse,
  type RetrievalServiceGetByIdsRequest,
  type RetrievalServiceGetByIdsResponse,
  type RetrievalServiceListRequest,
  type RetrievalServiceListResponse,
  type RetrievalServiceSearchRequest,
  type RetrievalServiceSearchResponse,
} from '@engram/contracts';
import { GrpcErrorFilter } from '../errors';
import { toMemoryItem, toSearchResponse } from '../format';
import { GRPC_MEMORY_SERVICE } from '../tokens';
import {
  check,
  InternalDeleteRules,
  InternalGetByIdsRules,
  InternalIngestRules,
  InternalListRules,
  InternalSearchRules,
} from '../validation';
import { fromIngestRequest, fromSearchRequest } from './codec';

/** `engram.v1.IngestionService` (internal.proto): the writes (fast write path, delete) for a gateway in front. */
@Controller()
@UseFilters(GrpcErrorFilter)
export class IngestionGrpcController {
  constructor(@Inject(GRPC_MEMORY_SERVICE) private readonly memory: MemoryService) {}

  @GrpcMethod('IngestionService', 'Ingest')
  async ingest(req: IngestRequest): Promise<IngestResponse> {
    // the gateway validated the caller's request; here only the command's shape (the core checks the rest)
    if (!req.command) throw new ValidationError('command is required');
    check(InternalIngestRules, req.command);
    const r = await this.memory.add(fromIngestRequest(req));
    return {
      memories: r.memories,
      task_id: r.task_id,
      task_status: r.task_status,
      replayed: r.replayed,
      refused_ids: r.refused_ids ?? [],
    };
  }

  @GrpcMethod('IngestionService', 'Delete')
  async delete(req: IngestionServiceDeleteRequest): Promise<IngestionServiceDeleteResponse> {
    check(InternalDeleteRules, req);
    const filter = filterFromProto(req.filter);
    if (req.memory_ids.length && filter) throw new ValidationError('give memory_ids or filter, not both');
    let cmd: DeleteCommand;
    if (req.memory_ids.length) {
      const cubes = req.cube_ids.length ? { cube_ids: req.cube_ids } : {};
      cmd = { tenant_id: req.tenant_id, kind: 'ids', ids: req.memory_ids, ...cubes };
    } else if (filter) {
      cmd = { tenant_id: req.tenant_id, kind: 'filter', filter, cube_ids: req.cube_ids };
    } else {
      // an empty filter would delete every memory of the cubes
      throw new ValidationError('give memory_ids or a non-empty filter');
    }
    return { memory_ids: await this.memory.delete(cmd) };
  }
}

/** `engram.v1.RetrievalService` (internal.proto): the reads (hybrid search, get by ids, list) over the stores. */
@Controller()
@UseFilters(GrpcErrorFilter)
export class RetrievalGrpcController {
  constructor(@Inject(GRPC_MEMORY_SERVICE) private readonly memory: MemoryService) {}

  @GrpcMethod('RetrievalService', 'Search')
  async search(req: RetrievalServiceSearchRequest): Promise<RetrievalServiceSearchResponse> {
    check(InternalSearchRules, req);
    // the precomputed query embedding is checked against this service's embedder by the core
    const outcome = await this.memory.search(fromSearchRequest(req));
    const { buckets, took_ms } = toSearchResponse(outcome, '');
    return { buckets, candidates: outcome.candidates ?? 0, took_ms };
  }

  @GrpcMethod('RetrievalService', 'GetByIds')
  async getByIds(req: RetrievalServiceGetByIdsRequest): Promise<RetrievalServiceGetByIdsResponse> {
    check(InternalGetByIdsRules, req);
    const items = await this.memory.getByIds(req.tenant_id, req.memory_ids);
    return { memories: items.map(toMemoryItem) };
  }

  @GrpcMethod('RetrievalService', 'List')
  async list(req: RetrievalServiceListRequest): Promise<RetrievalServiceListResponse> {
    check(InternalListRules, req);
    const r = await this.memory.getMemories({
      tenant_id: req.tenant_id,
      cube_ids: req.cube_ids,
      filter: filterFromProto(req.filter),
      ...(req.page !== undefined ? { page: req.page } : {}),
      ...(req.page_size !== undefined ? { page_size: req.page_size } : {}),
    });
    return { memories: r.items.map(toMemoryItem), total: r.total };
  }
}
