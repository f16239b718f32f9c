import { ValidationError, type FilterNode } from '@engram/domain';
import type { DeleteCommand } from './commands';
import { allOf, requiredFilter } from './filter-rules';

/** A delete request as the REST and gRPC APIs receive it (absent fields undefined). */
export interface DeleteSpec {
  memory_ids?: string[] | undefined;
  file_ids?: string[] | undefined;
  filter: FilterNode | null;
  user_id?: string | undefined;
  session_id?: string | undefined;
  /** MemOS REST alias: a session to delete. */
  conversation_id?: string | undefined;
  writable_cube_ids?: string[] | undefined;
}

/**
 * A delete request's filter dict: none when absent or null; a given but empty one (`{}`) is refused, as
 * is anything malformed: a delete never reads a filter as "every memory of the cubes".
 */
export function parseDeleteFilter(raw: unknown, path = 'filter'): FilterNode | null {
  return raw === undefined || raw === null ? null : requiredFilter(raw, path);
}

/**
 * Exactly one mode: ids; or file ids / filter / user / session, AND-merged within the writable cubes
 * (default `[user_id]`). With ids, writable cubes (when given) restrict the deletion to them.
 */
export function toDeleteCommand(s: DeleteSpec, tenant: string): DeleteCommand {
  const byIds = s.memory_ids !== undefined;
  const byFiles = s.file_ids !== undefined;
  if ((byIds && (byFiles || s.filter)) || (byFiles && s.filter)) {
    throw new ValidationError('give exactly one of memory_ids, file_ids, or filter');
  }
  if (byIds) {
    return {
      tenant_id: tenant,
      kind: 'ids',
      ids: s.memory_ids!,
      ...(s.writable_cube_ids ? { cube_ids: s.writable_cube_ids } : {}),
    };
  }
  if (byFiles && s.file_ids!.length === 0)
    throw new ValidationError('file_ids is empty: give at least one file id');
  const parts: FilterNode[] = [];
  if (s.filter) parts.push(s.filter);
  if (byFiles) parts.push({ kind: 'cmp', field: 'info.file_id', op: 'in', value: s.file_ids });
  if (s.user_id) parts.push({ kind: 'cmp', field: 'user_id', op: '=', value: s.user_id });
  if (s.session_id) parts.push({ kind: 'cmp', field: 'session_id', op: '=', value: s.session_id });
  if (s.conversation_id) parts.push({ kind: 'cmp', field: 'session_id', op: '=', value: s.conversation_id });
  const filter = allOf(parts);
  // an empty filter would delete every memory of the cubes
  if (!filter)
    throw new ValidationError('give one of memory_ids, file_ids, or filter / user_id / session_id');
  const cubes = s.writable_cube_ids?.length ? s.writable_cube_ids : s.user_id ? [s.user_id] : undefined;
  if (!cubes) throw new ValidationError('a filter delete needs writable_cube_ids or user_id');
  return { tenant_id: tenant, kind: 'filter', filter, cube_ids: cubes };
}
