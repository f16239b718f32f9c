import { ValidationError } from './errors';
import { FILTERABLE_FIELDS, type MemoryItem } from './memory-item';

/** MemOS filter dicts: `{and: [...]}`, `{or: [...]}`, `{field: value}`, `{field: {op: value}}`. */
export const FILTER_OPS = ['=', 'gt', 'gte', 'lt', 'lte', 'in', 'contains', 'like'] as const;
export type FilterOp = (typeof FILTER_OPS)[number];

export type FilterNode =
  | { kind: 'and'; children: FilterNode[] }
  | { kind: 'or'; children: FilterNode[] }
  | { kind: 'cmp'; field: string; op: FilterOp; value: unknown };

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses a filter dict; returns null for an empty filter. Throws ValidationError with a clear message. */
export function parseFilter(raw: unknown, path = 'filter'): FilterNode | null {
  if (raw === undefined || raw === null) return null;
  if (!isPlainObject(raw)) throw new ValidationError(`${path} must be an object`);
  const entries = Object.entries(raw);
  if (entries.length === 0) return null;
  const children: FilterNode[] = [];
  for (const [key, value] of entries) {
    if (key === 'and' || key === 'or') {
      if (!Array.isArray(value)) throw new ValidationError(`${path}.${key} must be a list of conditions`);
      const sub = value
        .map((v, i) => parseFilter(v, `${path}.${key}[${i}]`))
        .filter((n): n is FilterNode => n !== null);
      children.push({ kind: key, children: sub });
      continue;
    }
    children.push(parseCondition(key, value, `${path}.${key}`));
  }
  return children.length === 1 ? children[0]! : { kind: 'and', children };
}

function parseCondition(field: string, value: unknown, path: string): FilterNode {
  if (!field.trim()) throw new ValidationError(`${path}: empty field name`);
  if (!isPlainObject(value)) {
    return Array.isArray(value) ? { kind: 'cmp', field, op: 'in', value } : { kind: 'cmp', field, op: '=', value };
  }
  const ops = Object.entries(value);
  if (ops.length === 0) throw new ValidationError(`${path}: no operator given`);
  const nodes: FilterNode[] = ops.map(([op, operand]) => {
    if (!(FILTER_OPS as readonly string[]).includes(op)) {
      throw new ValidationError(
        `${path}: unknown filter operator '${op}'; expected one of ${FILTER_OPS.join(', ')}`,
      );
    }
    if (op === 'in' && !Array.isArray(operand)) throw new ValidationError(`${path}.in must be a list`);
    if (op === 'like' && typeof operand !== 'string') throw new ValidationError(`${path}.like must be a string`);
    return { kind: 'cmp', field, op: op as FilterOp, value: operand };
  });
  return nodes.length === 1 ? nodes[0]! : { kind: 'and', children: nodes };
}

/** Resolves a filter field on an item: known metadata fields first, then `info.*` keys. */
export function fieldValue(item: MemoryItem, field: string): unknown {
  if (field.startsWith('info.')) return item.info[field.slice(5)];
  if (field.startsWith('metadata.')) return fieldValue(item, field.slice(9));
  if (FILTERABLE_FIELDS.has(field)) return (item as unknown as Record<string, unknown>)[field];
  return item.info[field];
}

export function matchesFilter(item: MemoryItem, node: FilterNode | null): boolean {
  if (!node) return true;
  switch (node.kind) {
    case 'and':
      return node.children.every((c) => matchesFilter(item, c));
    case 'or':
      return node.children.length === 0 || node.children.some((c) => matchesFilter(item, c));
    case 'cmp':
      return compare(fieldValue(item, node.field), node.op, node.value);
  }
}

function compare(actual: unknown, op: FilterOp, expected: unknown): boolean {
  if (Array.isArray(actual) && op !== 'contains') {
    return actual.some((a) => compare(a, op, expected));
  }
  switch (op) {
    case '=':
      return looseEquals(actual, expected);
    case 'in':
      return (expected as unknown[]).some((e) => looseEquals(actual, e));
    case 'contains':
      if (Array.isArray(actual)) return actual.some((a) => looseEquals(a, expected));
      return typeof actual === 'string' && actual.includes(String(expected));
    case 'like':
      return typeof actual === 'string' && likeToRegExp(String(expected)).test(actual);
    default: {
      const c = order(actual, expected);
      if (c === null) return false;
      return op === 'gt' ? c > 0 : op === 'gte' ? c >= 0 : op === 'lt' ? c < 0 : c <= 0;
    }
  }
}

function looseEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || a === undefined || b === null || b === undefined) return false;
  if (typeof a === 'number' || typeof b === 'number') return Number(a) === Number(b);
  return String(a) === String(b);
}

/** Numbers compare numerically; dates compare as instants; other strings lexically. */
function order(a: unknown, b: unknown): number | null {
  if (a === null || a === undefined || b === null || b === undefined) return null;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const na = Number(a);
  const nb = Number(b);
  if (typeof a !== 'boolean' && a !== '' && b !== '' && !Number.isNaN(na) && !Number.isNaN(nb)) return na - nb;
  const da = Date.parse(String(a));
  const db = Date.parse(String(b));
  if (!Number.isNaN(da) && !Number.isNaN(db)) return da - db;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
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
