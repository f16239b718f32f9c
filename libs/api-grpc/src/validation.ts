import { MEMORY_TYPES, SEARCH_DEFAULTS, ValidationError } from '@engram/domain';
import { z } from 'zod';

/**
 * Bounds on decoded gRPC requests: the same limits as the REST schemas (libs/api-rest product/schemas.ts).
 * Proto3 sends "" for an unset string, so enumerations accept "" as "the default".
 */

const id = z.string().trim().min(1, 'must not be empty').max(256, 'must be at most 256 characters');
const cubeIds = z.array(id).max(100, 'at most 100 cubes');
const ids = z.array(id).max(10_000, 'at most 10000 ids');
const oneOf = (values: readonly string[]) =>
  z
    .string()
    .refine((v) => v === '' || values.includes(v), { message: `must be one of ${values.join(', ')}` });
const int = (min: number, max: number) => z.number().int().min(min).max(max);
const idempotencyKey = z.string().trim().min(1).max(256).optional();

export const AddRequestRules = z
  .object({
    user_id: id,
    session_id: id.optional(),
    task_id: id.optional(),
    writable_cube_ids: cubeIds,
    custom_tags: z.array(z.string().min(1).max(100)).max(50),
    idempotency_key: idempotencyKey,
    mode: oneOf(['fast', 'fine']),
    async_mode: oneOf(['async', 'sync']),
    messages: z.array(z.unknown()),
    memory_content: z.string().optional(),
  })
  .refine((r) => r.messages.length > 0 || r.memory_content !== undefined, {
    message: 'messages is required',
    path: ['messages'],
  });

export const SearchRequestRules = z.object({
  query: z.string().trim().min(1, 'must not be empty').max(10_000),
  user_id: id,
  readable_cube_ids: cubeIds,
  session_id: id.optional(),
  top_k: int(1, 1000).optional(),
  relativity: z.number().min(0).max(1).optional(),
  dedup: oneOf(['no', 'sim', 'mmr']),
  pref_top_k: int(0, 100).optional(),
  tool_mem_top_k: int(0, 100).optional(),
  skill_mem_top_k: int(0, 100).optional(),
  mode: oneOf(['fast', 'fine', 'mixture']),
});

export const GetRequestRules = z.object({ memory_id: id });
export const GetByIdsRequestRules = z.object({ memory_ids: ids });

export const ListRequestRules = z.object({
  mem_cube_id: id,
  page: int(1, 1_000_000).optional(),
  page_size: int(1, 10_000).optional(),
  memory_types: z.array(z.enum(MEMORY_TYPES)),
});

export const DeleteRequestRules = z.object({
  memory_ids: ids,
  file_ids: ids,
  user_id: id.optional(),
  session_id: id.optional(),
  writable_cube_ids: cubeIds,
});

export const FeedbackRequestRules = z.object({
  user_id: id,
  session_id: id.optional(),
  task_id: id.optional(),
  feedback_content: z.string().trim().min(1, 'must not be empty').max(100_000),
  writable_cube_ids: cubeIds,
  async_mode: oneOf(['async', 'sync']),
  idempotency_key: idempotencyKey,
});

export const GetTaskStatusRequestRules = z.object({ task_id: id.optional(), user_id: id.optional() });

/** Checks a request; the error names every offending field, as the REST gateway's does. */
export function check(rules: z.ZodTypeAny, request: unknown): void {
  const r = rules.safeParse(request);
  if (r.success) return;
  const msg = r.error.issues
    .map((i) => `${i.path.length ? i.path.join('.') : 'request'}: ${i.message}`)
    .join('; ');
  throw new ValidationError(`invalid request: ${msg}`, r.error.issues);
}

/** internal.proto requests: already resolved by the gateway, so the tenant and cubes are explicit. */
export const InternalGetByIdsRules = z.object({ tenant_id: id, memory_ids: ids });

export const InternalListRules = z.object({
  tenant_id: id,
  cube_ids: cubeIds.min(1, 'must name at least one cube'),
  page: int(1, 1_000_000).optional(),
  page_size: int(1, 10_000).optional(),
});

/** The internal Ingest's command: its shape only (the gateway validated the caller's request). */
export const InternalIngestRules = z.object({
  tenant_id: id,
  user_id: id,
  cube_ids: cubeIds.min(1, 'must name at least one cube'),
});

/** The internal Search's command: resolved by the gateway, so only what the core cannot check itself. */
export const InternalSearchRules = z.object({
  tenant_id: id,
  cube_ids: cubeIds.min(1, 'must name at least one cube'),
  top_k: int(1, SEARCH_DEFAULTS.maxTopK),
});

export const InternalDeleteRules = z.object({ tenant_id: id, memory_ids: ids, cube_ids: cubeIds });
