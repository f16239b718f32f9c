import { credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import {
  IngestionServiceClient,
  RetrievalServiceClient,
  type IngestResponse,
  type RetrievalServiceSearchResponse,
} from '@engram/contracts';
import { contentHash, UnavailableError, ValidationError, type MemoryType } from '@engram/domain';
import type {
  AddCommand,
  AddResult,
  MemoryApi,
  MemoryService,
  SearchCommand,
  SearchOutcome,
  TaskStatus,
} from '@engram/memory-core';
import { normalizeMessages } from '@engram/reader';
import { filterJson, fromWireBucket, toWireAdd } from './wire';

const DEADLINE_MS = 60_000;

/** A downstream gRPC error as the gateway's own: invalid input stays a 400, the rest a 5xx. */
function fromGrpc(service: string, err: ServiceError): Error {
  if (err.code === status.INVALID_ARGUMENT) return new ValidationError(err.details || err.message);
  if (err.code === status.FAILED_PRECONDITION) return new UnavailableError(err.details || err.message);
  return new Error(`${service}: ${err.details || err.message}`);
}

/**
 * The cluster gateway's memory API: adds go to the ingestion service and searches to the retrieval
 * service over internal.proto; reads and deletes by id or filter, and task status (fed from task
 * events), stay on the gateway's own memory core over the same stores.
 */
export class RemoteMemory implements MemoryApi {
  private readonly ingestion: InstanceType<typeof IngestionServiceClient>;
  private readonly retrieval: InstanceType<typeof RetrievalServiceClient>;

  constructor(
    private readonly local: MemoryService,
    addresses: { ingestion: string; retrieval: string },
  ) {
    this.ingestion = new IngestionServiceClient(addresses.ingestion, credentials.createInsecure());
    this.retrieval = new RetrievalServiceClient(addresses.retrieval, credentials.createInsecure());
  }

  get tasks(): MemoryService['tasks'] {
    return this.local.tasks;
  }

  async add(cmd: AddCommand): Promise<AddResult> {
    // validated and given ids here, so a bad request is a 400 at the gateway and ids are the caller's
    const messages = normalizeMessages(cmd.messages, cmd.idempotency_key ?? contentHash(cmd.messages));
    const r = await new Promise<IngestResponse>((resolve, reject) =>
      this.ingestion.ingest(
        {
          tenant_id: cmd.tenant_id,
          request: toWireAdd(cmd, messages),
          ...(cmd.idempotency_key ? { idempotency_key: cmd.idempotency_key } : {}),
        },
        new Metadata(),
        { deadline: Date.now() + DEADLINE_MS },
        (err, res) => (err ? reject(fromGrpc('ingestion', err)) : resolve(res)),
      ),
    );
    return {
      memories: r.memories.map((m) => ({ ...m, memory_type: m.memory_type as MemoryType })),
      task_id: r.task_id,
      task_status: r.task_status as TaskStatus,
      replayed: r.replayed,
    };
  }

  async search(cmd: SearchCommand): Promise<SearchOutcome> {
    const started = performance.now();
    if (!cmd.query.trim()) throw new ValidationError('query must not be empty');
    const r = await new Promise<RetrievalServiceSearchResponse>((resolve, reject) =>
      this.retrieval.search(
        {
          tenant_id: cmd.tenant_id,
          query: cmd.query,
          cube_ids: cmd.cube_ids,
          top_k: cmd.top_k,
          relativity: cmd.relativity,
          dedup: cmd.dedup,
          filter_json: filterJson(cmd.filter),
          ...(cmd.session_id ? { session_id: cmd.session_id } : {}),
          memory_types: cmd.memory_types ?? [],
          quotas: {
            pref: cmd.include_preference ? cmd.pref_top_k : 0,
            tool: cmd.search_tool_memory ? cmd.tool_mem_top_k : 0,
            skill: cmd.include_skill_memory ? cmd.skill_mem_top_k : 0,
          },
          query_embedding: [],
          embedder_id: '',
        },
        new Metadata(),
        { deadline: Date.now() + DEADLINE_MS },
        (err, res) => (err ? reject(fromGrpc('retrieval', err)) : resolve(res)),
      ),
    );
    return { buckets: r.buckets.map(fromWireBucket), took_ms: performance.now() - started };
  }

  getMemories: MemoryService['getMemories'] = (cmd) => this.local.getMemories(cmd);
  getByIds: MemoryService['getByIds'] = (tenantId, ids) => this.local.getByIds(tenantId, ids);
  delete: MemoryService['delete'] = (cmd) => this.local.delete(cmd);

  close(): void {
    this.ingestion.close();
    this.retrieval.close();
  }
}
