import { parseFilter, ValidationError, type FilterNode } from '@engram/domain';
import type { SearchCommand } from '@engram/memory-core';

type Dict = Record<string, unknown>;

/** The MemOS filter dict of a request: `filter` (Struct) or `filter_json` (JSON text), not both. */
export function filterDictOf(req: { filter?: Dict | undefined; filter_json: string }): Dict | null {
  const hasStruct = req.filter !== undefined && Object.keys(req.filter).length > 0;
  const text = req.filter_json.trim();
  if (hasStruct && text) throw new ValidationError('give filter or filter_json, not both');
  if (hasStruct) return req.filter!;
  if (!text) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ValidationError(`filter_json is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ValidationError('filter_json must be a JSON object (a MemOS filter dict)');
  }
  return Object.keys(parsed).length ? (parsed as Dict) : null;
}

/** A parsed filter, or null for none. */
export function filterOf(req: { filter?: Dict | undefined; filter_json: string }): FilterNode | null {
  return parseFilter(filterDictOf(req));
}

/**
 * Search filters are one dict for every cube or `{cube_id: dict}` per cube; mixing is rejected
 * (the REST gateway's rule, as MemOS).
 */
export function searchFilterOf(
  req: { filter?: Dict | undefined; filter_json: string },
  cubes: string[],
): SearchCommand['filter'] {
  const raw = filterDictOf(req);
  if (!raw) return null;
  const keys = Object.keys(raw);
  const perCube = keys.filter((k) => cubes.includes(k));
  if (perCube.length === 0) return parseFilter(raw);
  if (perCube.length !== keys.length)
    throw new ValidationError('filter mixes per-cube filters with a global filter; use one form');
  return new Map(keys.map((k) => [k, parseFilter(raw[k], `filter.${k}`)]));
}
