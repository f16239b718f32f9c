import { MEMORY_TYPES, ValidationError, type MemoryType } from '@engram/domain';

/**
 * MemOS's `search_memory_type` as the memory types to search: `All` (or nothing) searches every type,
 * `AllSummaryMemory` is MemOS's name for long-term memories. One rule for REST and gRPC.
 */
export function resolveSearchMemoryTypes(value: string | null | undefined): MemoryType[] | undefined {
  if (!value || value === 'All') return undefined;
  const wanted = value === 'AllSummaryMemory' ? 'LongTermMemory' : value;
  if (!(MEMORY_TYPES as readonly string[]).includes(wanted)) {
    throw new ValidationError(`search_memory_type must be All or one of ${MEMORY_TYPES.join(', ')}`);
  }
  return [wanted as MemoryType];
}
