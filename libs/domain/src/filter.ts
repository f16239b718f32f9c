import { ValidationError } from './errors';
import { equalityOperand, filterFieldType, rangeOperand, shown, textOperand } from './filter-values';
import { assertJsonDepth } from './json-depth';
import { FILTERABLE_FIELDS } from './memory-item';

/** MemOS filter dicts: `{and: [...]}`, `{or: [...]}`, `{field: value}`, `{field: {op: value}}`. */
export const FILTER_OPS = ['=', 'gt', 'gte', 'lt', 'lte', 'in', 'contains', 'like'] as const;
export type FilterOp = (typeof FILTER_OPS)[number];

/**
 * A parsed filter. Fields are canonical (a memory field, or `info.<key>`) and operands normalised
 * (dates as `toISOString` instants, numbers as numbers), so every store compares them the same way.
 */
export type FilterNode =
  | { kind: 'and'; children: FilterNode[] }
  | { kind: 'or'; children: FilterNode[] }
  | { kind: 'cmp'; field: string; op: FilterOp; value: unknown };

/**
 * Words that are operators in this or another filter dialect (MongoDB, SQL, MemOS forks). Used as a
 * field they are a mistake, not an `info` key: read as one, the condition would silently match nothing
 * (or be dropped). An `info` key of that name is written `info.<word>`.
 */
const OPERATOR_WORDS = new Set<string>([
  ...FILTER_OPS,
  'and',
  'or',
  'not',
  'nor',
  'between',
  'nin',
  'not_in',
  'notin',
  'ne',
  'neq',
  'eq',
  'exists',
  'regex',
  'ilike',
  'not_like',
  'isnull',
  'is_null',
  'startswith',
  'endswith',
  'starts_with',
  'ends_with',
  '==',
  '!=',
  '<>',
  '<',
  '<=',
  '>',
  '>=',
]);

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Parses a filter dict; null for none (absent, null or `{}`). Anything that is not a well-formed
 * condition is a ValidationError naming it: a filter never degrades to "match everything".
 */
export function parseFilter(raw: unknown, path = 'filter'): FilterNode | null {
  if (raw === undefined || raw === null) return null;
  // before any recursion: a filter nested thousands deep must be a 400, not a stack overflow
  assertJsonDepth(raw, path);
  if (!isPlainObject(raw)) throw new ValidationError(`${path} must be an object`);
  if (Object.keys(raw).length === 0) return null;
  return parseConditions(raw, path);
}

/** The AND of every entry of a non-empty dict. */
function parseConditions(dict: Record<string, unknown>, path: string): FilterNode {
  const children = Object.entries(dict).map(([key, value]) =>
    key === 'and' || key === 'or'
      ? parseGroup(key, value, `${path}.${key}`)
      : parseCondition(key, value, `${path}.${key}`),
  );
  return children.length === 1 ? children[0]! : { kind: 'and', children };
}

function parseGroup(kind: 'and' | 'or', value: unknown, path: string): FilterNode {
  if (!Array.isArray(value)) throw new ValidationError(`${path} must be a list of conditions`);
  if (value.length === 0) throw new ValidationError(`${path} is empty: give at least one condition`);
  const children = value.map((child, i) => {
    const at = `${path}[${i}]`;
    if (!isPlainObject(child)) throw new ValidationError(`${at} must be an object (a condition)`);
    if (Object.keys(child).length === 0)
      throw new ValidationError(`${at} is empty: give at least one condition`);
    return parseConditions(child, at);
  });
  return { kind, children };
}

/** A dict key → the canonical field it names; refuses operator words and empty names. */
function canonicalField(key: string, path: string): string {
  const name = key.startsWith('metadata.') ? key.slice('metadata.'.length) : key;
  if (name.startsWith('info.')) {
    if (!name.slice('info.'.length).trim()) throw new ValidationError(`${path}: empty info key`);
    return name;
  }
  if (!name.trim()) throw new ValidationError(`${path}: empty field name`);
  if (FILTERABLE_FIELDS.has(name)) return name;
  if (OPERATOR_WORDS.has(name.toLowerCase()) || name.startsWith('$')) {
    throw new ValidationError(
      `${path}: unknown filter operator '${name}' in place of a field; operators are ${FILTER_OPS.join(', ')} ` +
        `inside {"<field>": {"<op>": value}}, groups are and / or (an info key of that name is written info.${name})`,
    );
  }
  return `info.${name}`;
}

function parseCondition(key: string, value: unknown, path: string): FilterNode {
  const field = canonicalField(key, path);
  if (!isPlainObject(value)) {
    return Array.isArray(value) ? operation(field, 'in', value, path) : operation(field, '=', value, path);
  }
  const ops = Object.entries(value);
  if (ops.length === 0) throw new ValidationError(`${path}: no operator given`);
  const nodes = ops.map(([op, operand]) => {
    if (!(FILTER_OPS as readonly string[]).includes(op)) {
      throw new ValidationError(
        `${path}: unknown filter operator '${op}'; expected one of ${FILTER_OPS.join(', ')}`,
      );
    }
    return operation(field, op as FilterOp, operand, `${path}.${op}`);
  });
  return nodes.length === 1 ? nodes[0]! : { kind: 'and', children: nodes };
}

/** One comparison with its operand checked and normalised for the field's type. */
function operation(field: string, op: FilterOp, operand: unknown, path: string): FilterNode {
  const type = filterFieldType(field);
  switch (op) {
    case '=':
      return { kind: 'cmp', field, op, value: equalityOperand(type, field, operand, path) };
    case 'in': {
      if (!Array.isArray(operand)) throw new ValidationError(`${path} must be a list, not ${shown(operand)}`);
      if (operand.length === 0) throw new ValidationError(`${path} is empty: give at least one value`);
      const values = operand.map((v, i) => equalityOperand(type, field, v, `${path}[${i}]`));
      return { kind: 'cmp', field, op, value: values };
    }
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return { kind: 'cmp', field, op, value: rangeOperand(type, field, operand, path) };
    case 'contains':
    case 'like':
      return { kind: 'cmp', field, op, value: textOperand(type, field, op, operand, path) };
  }
}
