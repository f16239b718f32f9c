import { Controller, Inject, UseFilters } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { NotFoundError } from '@engram/domain';
import { addMessage, type MemoryApi } from '@engram/memory-core';
import type { Metadata } from '@grpc/grpc-js';
import type {
  AddRequest,
  AddResponse,
  DeleteRequest,
  DeleteResponse,
  FeedbackRequest,
  FeedbackResponse,
  GetByIdsRequest,
  GetByIdsResponse,
  GetRequest,
  GetResponse,
  GetTaskStatusRequest,
  GetTaskStatusResponse,
  ListRequest,
  ListResponse,
  SearchRequest,
  SearchResponse,
} from '@engram/contracts';
import { GrpcErrorFilter } from './errors';
import { toMemoryItem, toSearchResponse, toTaskStatus } from './format';
import { idempotencyKeyOf, tenantOf } from './metadata';
import {
  toAddCommand,
  toDeleteCommand,
  toFeedbackAddCommand,
  toListCommand,
  toSearchCommand,
} from './requests';
import { GRPC_GATEWAY_OPTIONS, GRPC_MEMORY_SERVICE, type GrpcGatewayOptions } from './tokens';
import {
  AddRequestRules,
  check,
  DeleteRequestRules,
  FeedbackRequestRules,
  GetByIdsRequestRules,
  GetRequestRules,
  GetTaskStatusRequestRules,
  ListRequestRules,
  SearchRequestRules,
} from './validation';

const FEEDBACK_NOTE =
  'Feedback stored as a memory (fast mode); the feedback pipeline that updates memories is not built yet';

/** `engram.v1.MemoryService` over the memory core: validate, map, call, map back. */
@Controller()
@UseFilters(GrpcErrorFilter)
export class MemoryGrpcController {
  constructor(
    @Inject(GRPC_MEMORY_SERVICE) private readonly memory: MemoryApi,
    @Inject(GRPC_GATEWAY_OPTIONS) private readonly opts: GrpcGatewayOptions,
  ) {}

  private tenant(md: Metadata | undefined): string {
    return tenantOf(md, this.opts.defaultTenant);
  }

  @GrpcMethod('MemoryService', 'Add')
  async add(req: AddRequest, md?: Metadata): Promise<AddResponse> {
    check(AddRequestRules, req);
    const r = await this.memory.add(
      toAddCommand(req, this.tenant(md), idempotencyKeyOf(md, req.idempotency_key)),
    );
    return {
      memories: r.memories,
      task_id: r.task_id,
      task_status: r.task_status,
      replayed: r.replayed,
      message: addMessage(r),
      refused_ids: r.refused_ids ?? [],
    };
  }

  @GrpcMethod('MemoryService', 'Search')
  async search(req: SearchRequest, md?: Metadata): Promise<SearchResponse> {
    check(SearchRequestRules, req);
    const outcome = await this.memory.search(toSearchCommand(req, this.tenant(md)));
    const mode = req.mode || 'fast';
    const note =
      mode === 'fast'
        ? 'Search completed successfully'
        : `Search completed successfully (mode ${mode} served as fast)`;
    return toSearchResponse(outcome, note);
  }

  @GrpcMethod('MemoryService', 'Get')
  async get(req: GetRequest, md?: Metadata): Promise<GetResponse> {
    check(GetRequestRules, req);
    const [item] = await this.memory.getByIds(this.tenant(md), [req.memory_id]);
    if (!item) throw new NotFoundError(`Memory with ID ${req.memory_id} not found`);
    return { memory: toMemoryItem(item) };
  }

  @GrpcMethod('MemoryService', 'GetByIds')
  async getByIds(req: GetByIdsRequest, md?: Metadata): Promise<GetByIdsResponse> {
    check(GetByIdsRequestRules, req);
    const items = await this.memory.getByIds(this.tenant(md), req.memory_ids);
    return { memories: items.map(toMemoryItem) };
  }

  @GrpcMethod('MemoryService', 'List')
  async list(req: ListRequest, md?: Metadata): Promise<ListResponse> {
    check(ListRequestRules, req);
    const r = await this.memory.getMemories(toListCommand(req, this.tenant(md)));
    return { memories: r.items.map(toMemoryItem), total: r.total };
  }

  @GrpcMethod('MemoryService', 'Delete')
  async delete(req: DeleteRequest, md?: Metadata): Promise<DeleteResponse> {
    check(DeleteRequestRules, req);
    const ids = await this.memory.delete(toDeleteCommand(req, this.tenant(md)));
    return { memory_ids: ids, deleted: ids.length };
  }

  @GrpcMethod('MemoryService', 'Feedback')
  async feedback(req: FeedbackRequest, md?: Metadata): Promise<FeedbackResponse> {
    check(FeedbackRequestRules, req);
    const r = await this.memory.add(
      toFeedbackAddCommand(req, this.tenant(md), idempotencyKeyOf(md, req.idempotency_key)),
    );
    return { added: r.memories, updated_ids: [], answer: '', task_id: r.task_id, message: FEEDBACK_NOTE };
  }

  @GrpcMethod('MemoryService', 'GetTaskStatus')
  getTaskStatus(req: GetTaskStatusRequest, md?: Metadata): GetTaskStatusResponse {
    check(GetTaskStatusRequestRules, req);
    const tasks = this.memory.tasks.list(this.tenant(md), {
      ...(req.task_id ? { task_id: req.task_id } : {}),
      ...(req.user_id ? { user_id: req.user_id } : {}),
    });
    if (req.task_id && !tasks.length) throw new NotFoundError(`task ${req.task_id} not found`);
    return { tasks: tasks.map(toTaskStatus) };
  }
}
