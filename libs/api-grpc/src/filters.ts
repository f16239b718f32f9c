import { parseFilter, ValidationError, type FilterNode } from '@engram/domain';
import { parseFilterJson, resolveSearchFilter, type SearchCommand } from '@engram/memory-core';

type Dict = Record<string, unknown>;

/** The MemOS filter dict of a request: `filter` (Struct) or `filter_json` (JSON text), not both. */
export function filterDictOf(req: { filter?: Dict | undefined; filter_json: string }): Dict | null {
  const hasStruct = req.filter !== undefined && Object.keys(req.filter).length > 0;
  if (hasStruct && req.filter_json.trim()) throw new ValidationError('give filter or filter_json, not both');
  return hasStruct ? req.filter! : parseFilterJson(req.filter_json);
}

/** A parsed filter, or null for none. */
export function filterOf(req: { filter?: Dict | undefined; filter_json: string }): FilterNode | null {
  return parseFilter(filterDictOf(req));
}

/** Search filters: one dict for every cube or `{cube_id: dict}` per cube (the shared rule). */
export function searchFilterOf(
  req: { filter?: Dict | undefined; filter_json: string },
  cubes: string[],
): SearchCommand['filter'] {
  return resolveSearchFilter(filterDictOf(req), cubes);
}
