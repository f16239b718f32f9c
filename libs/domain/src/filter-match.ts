import type { FilterNode, FilterOp } from './filter';
import { filterFieldType, numberOf, parseInstant, type FilterFieldType } from './filter-values';
import { FILTERABLE_FIELDS, type MemoryItem } from './memory-item';

/**
 * The filter semantics every store applies (the record stores list candidates by scope and test each
 * with this), so one parsed filter gives the same answer everywhere.
 */

/** Resolves a filter field on an item: known metadata fields first, then `info.*` keys. */
export function fieldValue(item: MemoryItem, field: string): unknown {
  if (field.startsWith('info.')) return item.info[field.slice(5)];
  if (field.startsWith('metadata.')) return fieldValue(item, field.slice(9));
  if (FILTERABLE_FIELDS.has(field)) return (item as unknown as Record<string, unknown>)[field];
  return item.info[field];
}

/** No filter matches everything; an empty `and` is true and an empty `or` false (never built by the parser). */
export function matchesFilter(item: MemoryItem, node: FilterNode | null): boolean {
  if (!node) return true;
  switch (node.kind) {
    case 'and':
      return node.children.every((c) => matchesFilter(item, c));
    case 'or':
      return node.children.some((c) => matchesFilter(item, c));
    case 'cmp':
      return compare(fieldValue(item, node.field), node.op, node.value, filterFieldType(node.field));
  }
}

function compare(actual: unknown, op: FilterOp, expected: unknown, type: FilterFieldType): boolean {
  if (Array.isArray(actual) && op !== 'contains') {
    return actual.some((a) => compare(a, op, expected, type));
  }
  switch (op) {
    case '=':
      return equals(actual, expected, type);
    case 'in':
      return Array.isArray(expected) && expected.some((e) => equals(actual, e, type));
    case 'contains':
      if (Array.isArray(actual)) return actual.some((a) => looseEquals(a, expected));
      return typeof actual === 'string' && actual.includes(String(expected));
    case 'like':
      return typeof actual === 'string' && likeToRegExp(String(expected)).test(actual);
    default: {
      const c = order(actual, expected, type);
      if (c === null) return false;
      return op === 'gt' ? c > 0 : op === 'gte' ? c >= 0 : op === 'lt' ? c < 0 : c <= 0;
    }
  }
}

function equals(actual: unknown, expected: unknown, type: FilterFieldType): boolean {
  if (type === 'date') {
    const a = instantOf(actual);
    const e = instantOf(expected);
    if (a !== null && e !== null) return a === e;
  }
  return looseEquals(actual, expected);
}

function looseEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || a === undefined || b === null || b === undefined) return false;
  if (typeof a === 'number' || typeof b === 'number') return Number(a) === Number(b);
  return String(a) === String(b);
}

/**
 * Dates compare as instants and numbers numerically, by the field's type; an `info` key by its operand
 * (the parser makes it a number or a canonical instant). Other strings compare lexically. Null when the
 * two cannot be ordered (a missing value, or one of another kind): the condition is then false.
 */
function order(a: unknown, b: unknown, type: FilterFieldType): number | null {
  if (a === null || a === undefined || b === null || b === undefined) return null;
  if (type === 'number' || (type === 'info' && typeof b === 'number')) {
    const na = numberOf(a);
    const nb = numberOf(b);
    return na === null || nb === null ? null : na - nb;
  }
  if (type === 'date' || type === 'info') {
    const da = instantOf(a);
    const db = instantOf(b);
    return da === null || db === null ? null : da - db;
  }
  if (typeof a === 'boolean' || typeof b === 'boolean') return null;
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/** Epoch milliseconds of an ISO 8601 date or date-time, read as the parser reads operands. */
function instantOf(v: unknown): number | null {
  const iso = typeof v === 'string' ? parseInstant(v) : null;
  return iso === null ? null : Date.parse(iso);
}

const likeCache = new Map<string, RegExp>();
export function likeToRegExp(pattern: string): RegExp {
  let re = likeCache.get(pattern);
  if (!re) {
    const body = pattern
      .split('')
      .map((ch) => (ch === '%' ? '.*' : ch === '_' ? '.' : ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('');
    re = new RegExp(`^${body}$`, 'is');
    likeCache.set(pattern, re);
  }
  return re;
}
