import { ValidationError } from './errors';
import { MEMORY_STATUSES, MEMORY_TYPES } from './memory-item';

/**
 * The type of every filterable memory field (FILTERABLE_FIELDS); `info` keys are untyped JSON scalars.
 * Operands are checked and normalised against it when a filter is parsed, so a malformed value is a 400
 * naming it instead of a condition that silently matches nothing (or, in a delete, everything).
 */
export type FilterFieldType = 'string' | 'enum' | 'tags' | 'date' | 'number' | 'boolean' | 'info';

export const FILTER_FIELD_TYPES: Readonly<Record<string, Exclude<FilterFieldType, 'info'>>> = {
  id: 'string',
  user_id: 'string',
  session_id: 'string',
  cube_id: 'string',
  memory_type: 'enum',
  status: 'enum',
  key: 'string',
  tags: 'tags',
  source: 'string',
  created_at: 'date',
  updated_at: 'date',
  valid_from: 'date',
  valid_to: 'date',
  confidence: 'number',
  memory: 'string',
  is_fast: 'boolean',
};

const ENUM_VALUES: Readonly<Record<string, readonly string[]>> = {
  memory_type: MEMORY_TYPES,
  status: MEMORY_STATUSES,
};

/** A canonical field name (a memory field, or `info.<key>`) → its type. */
export function filterFieldType(field: string): FilterFieldType {
  return FILTER_FIELD_TYPES[field] ?? 'info';
}

// ISO 8601 calendar date, optionally with a time (`T` or a space) and an offset; no offset means UTC.
const INSTANT_RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*([Zz]|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * An ISO 8601 date or date-time → the canonical instant every store holds (`Date#toISOString`, UTC,
 * milliseconds), or null when it is not one (impossible days such as Feb 30 included). A date-time
 * without an offset is read as UTC, whatever the server's time zone.
 */
export function parseInstant(text: string): string | null {
  const m = INSTANT_RE.exec(text.trim());
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map((part) => Number(part ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const millis = m[7] ? Number(m[7].padEnd(3, '0').slice(0, 3)) : 0;
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  const at = new Date(0);
  at.setUTCFullYear(year, month - 1, day);
  if (at.getUTCMonth() !== month - 1 || at.getUTCDate() !== day) return null;
  at.setUTCHours(hour, minute, second, millis);
  const offset = offsetMinutes(m[8]);
  if (offset === null) return null;
  return new Date(at.getTime() - offset * 60_000).toISOString();
}

function offsetMinutes(zone: string | undefined): number | null {
  if (!zone || zone === 'Z' || zone === 'z') return 0;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2) || 0);
  if (hours > 23 || minutes > 59) return null;
  return (zone[0] === '-' ? -1 : 1) * (hours * 60 + minutes);
}

const DECIMAL_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A finite number, or a string written as a decimal number → that number; anything else null. */
export function numberOf(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && DECIMAL_RE.test(value.trim())) {
    const n = Number(value);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

/** The caller's value, quoted and cut short, for an error message. */
export function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function fail(path: string, why: string): never {
  throw new ValidationError(`${path}: ${why}`);
}

/** One value of `=` / `in` for a field of this type, normalised (dates canonical, numbers numeric). */
export function equalityOperand(type: FilterFieldType, field: string, value: unknown, path: string): unknown {
  if (value === null || value === undefined) fail(path, 'null is not a value a filter can compare with');
  if (typeof value === 'object') fail(path, `${shown(value)} is not a single value`);
  switch (type) {
    case 'date':
      return dateOperand(value, path);
    case 'number':
      return numberOperand(value, path);
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === 'false') return value === 'true';
      return fail(path, `${shown(value)} is not true or false`);
    case 'enum': {
      const allowed = ENUM_VALUES[field]!;
      if (typeof value === 'string' && allowed.includes(value)) return value;
      return fail(path, `${shown(value)} is not one of ${allowed.join(', ')}`);
    }
    case 'string':
    case 'tags':
      if (typeof value === 'string') return value;
      if (typeof value === 'number') return String(value);
      return fail(path, `${shown(value)} is not a string`);
    case 'info':
      return value;
  }
}

/** The operand of `gt` / `gte` / `lt` / `lte`: dates and numbers by their field, either for `info` keys. */
export function rangeOperand(type: FilterFieldType, field: string, value: unknown, path: string): unknown {
  if (value === null || value === undefined) fail(path, 'null is not a value a filter can compare with');
  if (typeof value === 'object') fail(path, `${shown(value)} is not a single value`);
  switch (type) {
    case 'date':
      return dateOperand(value, path);
    case 'number':
      return numberOperand(value, path);
    case 'string':
    case 'tags':
      return equalityOperand(type, field, value, path);
    case 'info': {
      const n = numberOf(value);
      if (n !== null) return n;
      const instant = typeof value === 'string' ? parseInstant(value) : null;
      if (instant) return instant;
      return fail(path, `${shown(value)} is neither a number nor a date (ISO 8601)`);
    }
    case 'enum':
    case 'boolean':
      return fail(path, `${field} cannot be ordered; use = or in`);
  }
}

/**
 * The operand of `contains` / `like`: non-empty text (an empty one would match every memory); `contains`
 * on an `info` key also takes a number or boolean (an element of a list).
 */
export function textOperand(
  type: FilterFieldType,
  field: string,
  op: 'contains' | 'like',
  value: unknown,
  path: string,
): unknown {
  if (type === 'number' || type === 'boolean') fail(path, `${field} is not text; use =, in or a range`);
  if (type === 'info' && op === 'contains' && (typeof value === 'number' || typeof value === 'boolean')) {
    return value;
  }
  if (typeof value !== 'string') return fail(path, `${shown(value)} is not a string`);
  if (value === '') return fail(path, 'is empty (it would match every memory)');
  return value;
}

function dateOperand(value: unknown, path: string): string {
  const instant = typeof value === 'string' ? parseInstant(value) : null;
  if (instant === null)
    fail(path, `${shown(value)} is not a date (ISO 8601, e.g. 2026-01-31 or 2026-01-31T12:00:00Z)`);
  return instant;
}

function numberOperand(value: unknown, path: string): number {
  const n = numberOf(value);
  if (n === null) fail(path, `${shown(value)} is not a number`);
  return n;
}
