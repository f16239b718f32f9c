import { Controller, Inject, UseFilters } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { MEMORY_TYPES, parseFilter, SEARCH_DEFAULTS, ValidationError, type MemoryType } from '@engram/domain';
import { parseFilterJson, type DeleteCommand, type MemoryService } from '@engram/memory-core';
import type { DedupMode } from '@engram/retrieval';
import type {
  IngestionServiceDeleteRequest,
  IngestionServiceDeleteResponse,
  IngestRequest,
  IngestResponse,
  RetrievalServiceGetByIdsRequest,
  RetrievalServiceGetByIdsResponse,
  RetrievalServiceListRequest,
  RetrievalServiceListResponse,
  RetrievalServiceSearchRequest,
  RetrievalServiceSearchResponse,
} from '@engram/contracts';
import { GrpcErrorFilter } from '../errors';
import { searchFilterOf } from '../filters';
import { toMemoryItem, toSearchResponse } from '../format';
import { toAddCommand } from '../requests';
import { GRPC_MEMORY_SERVICE } from '../tokens';
import {
  AddRequestRules,
  check,
  InternalDeleteRules,
  InternalGetByIdsRules,
  InternalListRules,
} from '../validation';

/** `engram.v1.IngestionService` (internal.proto): the writes (fast write path, delete) for a gateway in front. */
@Controller()
@UseFilters(GrpcErrorFilter)
export class IngestionGrpcController {
  constructor(@Inject(GRPC_MEMORY_SERVICE) private readonly memory: MemoryService) {}

  @GrpcMethod('IngestionService', 'Ingest')
  async ingest(req: IngestRequest): Promise<IngestResponse> {
    if (!req.request) throw new ValidationError('request is required');
    if (!req.tenant_id) throw new ValidationError('tenant_id is required');
    check(AddRequestRules, req.request);
    const r = await this.memory.add(toAddCommand(req.request, req.tenant_id, req.idempotency_key));
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
    const filter = parseFilter(parseFilterJson(req.filter_json));
    if (req.memory_ids.length && filter)
      throw new ValidationError('give memory_ids or filter_json, not both');
    let cmd: DeleteCommand;
    if (req.memory_ids.length) {
      const cubes = req.cube_ids.length ? { cube_ids: req.cube_ids } : {};
      cmd = { tenant_id: req.tenant_id, kind: 'ids', ids: req.memory_ids, ...cubes };
    } else if (filter) {
      cmd = { tenant_id: req.tenant_id, kind: 'filter', filter, cube_ids: req.cube_ids };
    } else {
      // an empty filter would delete every memory of the cubes
      throw new ValidationError('give memory_ids or a non-empty filter_json');
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
    if (!req.tenant_id) throw new ValidationError('tenant_id is required');
    if (!req.cube_ids.length) throw new ValidationError('cube_ids must name at least one cube');
    const bad = req.memory_types.find((t) => !(MEMORY_TYPES as readonly string[]).includes(t));
    if (bad) throw new ValidationError(`memory_types: unknown type ${bad}`);
    // the precomputed query embedding is not used yet: the query is embedded here
    const outcome = await this.memory.search({
      tenant_id: req.tenant_id,
      user_id: '',
      query: req.query,
      cube_ids: req.cube_ids,
      top_k: req.top_k || SEARCH_DEFAULTS.topK,
      relativity: req.relativity,
      dedup: (req.dedup || SEARCH_DEFAULTS.dedup) as DedupMode,
      filter: searchFilterOf({ filter_json: req.filter_json }, req.cube_ids),
      ...(req.session_id ? { session_id: req.session_id } : {}),
      ...(req.memory_types.length ? { memory_types: req.memory_types as MemoryType[] } : {}),
      include_preference: (req.quotas?.pref ?? 0) > 0,
      pref_top_k: req.quotas?.pref ?? 0,
      search_tool_memory: (req.quotas?.tool ?? 0) > 0,
      tool_mem_top_k: req.quotas?.tool ?? 0,
      include_skill_memory: (req.quotas?.skill ?? 0) > 0,
      skill_mem_top_k: req.quotas?.skill ?? 0,
      ...(req.query_embedding.length
        ? { query_embedding: { vector: req.query_embedding, embedder_id: req.embedder_id } }
        : {}),
    });
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
      filter: parseFilter(parseFilterJson(req.filter_json)),
      ...(req.page !== undefined ? { page: req.page } : {}),
      ...(req.page_size !== undefined ? { page_size: req.page_size } : {}),
    });
    return { memories: r.items.map(toMemoryItem), total: r.total };
  }
}
