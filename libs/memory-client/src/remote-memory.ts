import { credentials, status, type ServiceError } from '@grpc/grpc-js';
import { filterToProto, IngestionServiceClient, RetrievalServiceClient } from '@engram/contracts';
import {
  assertJsonDepth,
  contentHash,
  UnavailableError,
  ValidationError,
  type ChatMessage,
  type MemoryItem,
  type MemoryType,
} from '@engram/domain';
import {
  awaitExtraction,
  type AddCommand,
  type AddResult,
  type DeleteCommand,
  type GetMemoriesCommand,
  type GetMemoriesResult,
  type MemoryApi,
  type SearchCommand,
  type SearchOutcome,
  type TaskStatus,
  type TaskTracker,
} from '@engram/memory-core';
import { normalizeMessages } from '@engram/reader';
import {
  callWithRetry,
  INTERNAL_CHANNEL_OPTIONS,
  READ_RETRY,
  WRITE_RETRY,
  type RetryPolicy,
  type UnaryMethod,
} from './grpc-retry';
import { fromWireBucket, fromWireItem, toIngestRequest, toSearchRequest } from './wire';

export interface RemoteMemoryOptions {
  /** Budget per call, retries included. */
  deadlineMs?: number;
  /** Budget per read attempt (a hung read is retried within the call's budget). */
  readAttemptMs?: number;
  backoff?: { baseMs: number; maxMs: number };
  /**
   * `async_mode=sync` + `mode=fine`: the add is ingested async and the gateway waits this long for the
   * mem-reader's task (its tracker follows task events). Default 120 s.
   */
  syncFineTimeoutMs?: number;
}

/** A downstream gRPC error as the gateway's own: invalid input stays a 400, the rest a 5xx. */
function fromGrpc(service: string, err: ServiceError): Error {
  if (err.code === status.INVALID_ARGUMENT) return new ValidationError(err.details || err.message);
  if (err.code === status.FAILED_PRECONDITION) return new UnavailableError(err.details || err.message);
  return new Error(`${service}: ${err.details || err.message}`);
}

/**
 * The cluster gateway's memory API, holding no stores: writes (add, delete) go to the ingestion service
 * and reads (search, get, list) to the retrieval service over internal.proto; task status comes from
 * a tracker fed by the task-events topic.
 */
export class RemoteMemory implements MemoryApi {
  private readonly ingestion: InstanceType<typeof IngestionServiceClient>;
  private readonly retrieval: InstanceType<typeof RetrievalServiceClient>;
  private readonly write: RetryPolicy;
  private readonly read: RetryPolicy;
  private readonly syncFineTimeoutMs: number;

  constructor(
    readonly tasks: TaskTracker,
    addresses: { ingestion: string; retrieval: string },
    opts: RemoteMemoryOptions = {},
  ) {
    const insecure = credentials.createInsecure();
    this.ingestion = new IngestionServiceClient(addresses.ingestion, insecure, INTERNAL_CHANNEL_OPTIONS);
    this.retrieval = new RetrievalServiceClient(addresses.retrieval, insecure, INTERNAL_CHANNEL_OPTIONS);
    const deadlineMs = opts.deadlineMs ?? 60_000;
    const backoff = { baseDelayMs: opts.backoff?.baseMs ?? 100, maxDelayMs: opts.backoff?.maxMs ?? 2_000 };
    this.write = { deadlineMs, retryOn: WRITE_RETRY, ...backoff };
    this.read = { deadlineMs, attemptMs: opts.readAttemptMs ?? 20_000, retryOn: READ_RETRY, ...backoff };
    this.syncFineTimeoutMs = opts.syncFineTimeoutMs ?? 120_000;
  }

  async add(cmd: AddCommand): Promise<AddResult> {
    // validated and given ids here, so a bad request is a 400 at the gateway and ids are the caller's
    assertJsonDepth(cmd.info ?? {}, 'info');
    const messages = normalizeMessages(cmd.messages, cmd.idempotency_key ?? contentHash(cmd.messages));
    if (cmd.mode !== 'fine' || cmd.async_mode !== 'sync') return this.ingest(cmd, messages);
    // sync fine: extraction runs in the mem-reader; accept it like an async add, then wait for the task
    const accepted = await this.ingest({ ...cmd, async_mode: 'async' }, messages);
    return awaitExtraction(accepted, {
      tasks: this.tasks,
      getByIds: (tenantId, ids) => this.getByIds(tenantId, ids),
      tenantId: cmd.tenant_id,
      timeoutMs: this.syncFineTimeoutMs,
    });
  }

  /** IngestionService.Ingest; retried on UNAVAILABLE: memory and task ids are deterministic. */
  private async ingest(cmd: AddCommand, messages: ChatMessage[]): Promise<AddResult> {
    const r = await this.call(
      'ingestion',
      this.ingestion.ingest.bind(this.ingestion),
      this.write,
      toIngestRequest(cmd, messages),
    );
    return {
      memories: r.memories.map((m) => ({ ...m, memory_type: m.memory_type as MemoryType })),
      task_id: r.task_id,
      task_status: r.task_status as TaskStatus,
      replayed: r.replayed,
      ...(r.refused_ids.length ? { refused_ids: r.refused_ids } : {}),
    };
  }

  async search(cmd: SearchCommand): Promise<SearchOutcome> {
    const started = performance.now();
    const r = await this.call(
      'retrieval',
      this.retrieval.search.bind(this.retrieval),
      this.read,
      toSearchRequest(cmd),
    );
    return { buckets: r.buckets.map(fromWireBucket), took_ms: performance.now() - started };
  }

  async getMemories(cmd: GetMemoriesCommand): Promise<GetMemoriesResult> {
    const r = await this.call('retrieval', this.retrieval.list.bind(this.retrieval), this.read, {
      tenant_id: cmd.tenant_id,
      cube_ids: cmd.cube_ids,
      filter: cmd.filter ? filterToProto(cmd.filter) : undefined,
      ...(cmd.page !== undefined ? { page: cmd.page } : {}),
      ...(cmd.page_size !== undefined ? { page_size: cmd.page_size } : {}),
    });
    return { items: r.memories.map(fromWireItem), total: r.total };
  }

  async getByIds(tenantId: string, ids: string[]): Promise<MemoryItem[]> {
    const r = await this.call('retrieval', this.retrieval.getByIds.bind(this.retrieval), this.read, {
      tenant_id: tenantId,
      memory_ids: ids,
    });
    return r.memories.map(fromWireItem);
  }

  /** IngestionService.Delete; retried on UNAVAILABLE (a repeat finds fewer ids, deletes nothing more). */
  async delete(cmd: DeleteCommand): Promise<string[]> {
    // proto3 cannot tell "no cubes given" from "none": an explicit empty restriction matches nothing
    if (cmd.kind === 'ids' && cmd.ids.length && cmd.cube_ids?.length === 0) return [];
    const r = await this.call('ingestion', this.ingestion.delete.bind(this.ingestion), this.write, {
      tenant_id: cmd.tenant_id,
      memory_ids: cmd.kind === 'ids' ? cmd.ids : [],
      filter: cmd.kind === 'filter' ? filterToProto(cmd.filter) : undefined,
      cube_ids: cmd.cube_ids ?? [],
    });
    return r.memory_ids;
  }

  private async call<Req, Res>(
    service: string,
    method: UnaryMethod<Req, Res>,
    policy: RetryPolicy,
    req: Req,
  ): Promise<Res> {
    try {
      return await callWithRetry(method, req, policy);
    } catch (err) {
      throw fromGrpc(service, err as ServiceError);
    }
  }

  close(): void {
    this.ingestion.close();
    this.retrieval.close();
  }
}
