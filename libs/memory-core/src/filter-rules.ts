import { parseFilter, ValidationError, type FilterNode } from '@engram/domain';
import type { SearchCommand } from './commands';

type Dict = Record<string, unknown>;

/**
 * A MemOS filter dict sent as JSON text (gRPC `filter_json`, internal.proto); null when empty.
 * One rule for every API so the same input is refused with the same words.
 */
export function parseFilterJson(text: string, field = 'filter_json'): Dict | null {
  const trimmed = text.trim();
  if (!trimmed) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch (err) {
    throw new ValidationError(`${field} is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ValidationError(`${field} must be a JSON object (a MemOS filter dict)`);
  }
  return Object.keys(parsed).length ? (parsed as Dict) : null;
}

/**
 * Search filters are one dict for every cube or `{cube_id: dict}` per cube; mixing is rejected
 * (as MemOS does). The per-cube form names every readable cube with a non-empty filter: a cube left
 * out, or given `{}`, would be searched unfiltered.
 */
export function resolveSearchFilter(raw: Dict | null | undefined, cubes: string[]): SearchCommand['filter'] {
  if (!raw || Object.keys(raw).length === 0) return null;
  const keys = Object.keys(raw);
  const perCube = keys.filter((k) => cubes.includes(k));
  if (perCube.length === 0) return parseFilter(raw);
  if (perCube.length !== keys.length) {
    throw new ValidationError('filter mixes per-cube filters with a global filter; use one form');
  }
  const missing = cubes.filter((c) => !keys.includes(c));
  if (missing.length) {
    throw new ValidationError(
      `filter has per-cube filters but none for ${missing.map((c) => `'${c}'`).join(', ')}; ` +
        'give one for every readable cube, or one filter for all',
    );
  }
  return new Map(keys.map((k) => [k, requiredFilter(raw[k], `filter.${k}`)]));
}

/** A filter that must say something: absent, null or `{}` is refused (it would match everything). */
export function requiredFilter(raw: unknown, path: string): FilterNode {
  const filter = parseFilter(raw, path);
  if (!filter) throw new ValidationError(`${path} is empty: give at least one condition`);
  return filter;
}

/** The AND of some conditions: null for none, the condition itself for one. */
export function allOf(parts: FilterNode[]): FilterNode | null {
  if (parts.length === 0) return null;
  return parts.length === 1 ? parts[0]! : { kind: 'and', children: parts };
}
