import { ValidationError } from './errors';
import { FILTER_OPS, parseFilter } from './filter';
import { matchesFilter } from './filter-match';
import { LIMITS } from './limits';
import type { MemoryItem } from './memory-item';

const item = (over: Partial<MemoryItem>): MemoryItem =>
  ({
    id: 'x',
    tenant_id: 't',
    cube_id: 'c',
    user_id: 'u1',
    session_id: 's1',
    memory: 'I like green tea',
    key: 'tea',
    tags: ['drink', 'mode:fast'],
    memory_type: 'UserMemory',
    status: 'activated',
    info: { topic: 'food', score: 5 },
    created_at: '2026-01-05T00:00:00.000Z',
    updated_at: '2026-01-05T00:00:00.000Z',
    confidence: 0.9,
    ...over,
  }) as MemoryItem;

describe('MemOS filters', () => {
  it('empty filters match everything', () => {
    expect(parseFilter(undefined)).toBeNull();
    expect(parseFilter({})).toBeNull();
    expect(matchesFilter(item({}), null)).toBe(true);
  });

  it.each([
    [{ user_id: 'u1' }, true],
    [{ user_id: 'u2' }, false],
    [{ and: [{ user_id: 'u1' }, { session_id: 's1' }] }, true],
    [{ and: [{ user_id: 'u1' }, { session_id: 's2' }] }, false],
    [{ or: [{ user_id: 'u2' }, { session_id: 's1' }] }, true],
    [{ created_at: { gt: '2026-01-01' } }, true],
    [{ created_at: { lt: '2026-01-01' } }, false],
    [{ created_at: { gte: '2026-01-05T00:00:00.000Z', lte: '2026-01-05T00:00:00.000Z' } }, true],
    [{ score: { gt: 4 } }, true],
    [{ 'info.score': { lte: 4 } }, false],
    [{ topic: { in: ['food', 'travel'] } }, true],
    [{ topic: { in: ['travel'] } }, false],
    [{ tags: { contains: 'drink' } }, true],
    [{ memory: { contains: 'green' } }, true],
    [{ memory: { like: '%GREEN%' } }, true],
    [{ memory: { like: 'I like _reen tea' } }, true],
    [{ memory: { like: 'green%' } }, false],
    [{ confidence: { '=': 0.9 } }, true],
    [{ memory_type: ['UserMemory', 'LongTermMemory'] }, true],
  ])('%j → %s', (f, expected) => {
    expect(matchesFilter(item({}), parseFilter(f))).toBe(expected);
  });

  it.each([
    [{ created_at: { between: [1, 2] } }, /unknown filter operator 'between'/],
    [{ and: { user_id: 'x' } }, /must be a list/],
    [{ topic: { in: 'food' } }, /must be a list/],
    [{ topic: {} }, /no operator/],
    ['nope', /must be an object/],
  ])('rejects %j', (f, re) => {
    expect(() => parseFilter(f)).toThrow(ValidationError);
    expect(() => parseFilter(f)).toThrow(re);
  });
});

describe('typed filter values (issue 10: a malformed filter must never match everything)', () => {
  const rejects = (f: unknown, message: string | RegExp) => {
    expect(() => parseFilter(f)).toThrow(ValidationError);
    expect(() => parseFilter(f)).toThrow(message);
  };

  it.each([
    [{ created_at: { lt: 'not-a-date' } }, 'filter.created_at.lt: "not-a-date" is not a date'],
    [{ confidence: { lt: 'abc' } }, 'filter.confidence.lt: "abc" is not a number'],
    [{ updated_at: { gte: '' } }, 'filter.updated_at.gte: "" is not a date'],
    [{ or: [] }, 'filter.or is empty'],
    [{ and: [] }, 'filter.and is empty'],
    [{ valid_from: { gt: '2026-02-30' } }, 'filter.valid_from.gt: "2026-02-30" is not a date'],
    [{ valid_to: { lte: 1767225600000 } }, 'filter.valid_to.lte: 1767225600000 is not a date'],
    [{ created_at: 'yesterday' }, 'filter.created_at: "yesterday" is not a date'],
    [{ confidence: true }, 'filter.confidence: true is not a number'],
    [{ is_fast: 'yes' }, 'filter.is_fast: "yes" is not true or false'],
    [{ memory_type: 'Memory' }, 'filter.memory_type: "Memory" is not one of WorkingMemory'],
    [{ status: { in: ['activated', 'gone'] } }, 'filter.status.in[1]: "gone" is not one of activated'],
    [{ status: { gt: 'a' } }, 'filter.status.gt: status cannot be ordered'],
    [{ user_id: { '=': { a: 1 } } }, 'filter.user_id.=: {"a":1} is not a single value'],
    [{ user_id: false }, 'filter.user_id: false is not a string'],
    [{ score: { gt: 'abc' } }, 'filter.score.gt: "abc" is neither a number nor a date'],
    [{ 'info.score': { lt: '' } }, 'filter.info.score.lt: "" is neither a number nor a date'],
    [{ confidence: { contains: '0.9' } }, 'filter.confidence.contains: confidence is not text'],
    [{ memory: { like: '' } }, 'filter.memory.like: is empty'],
    [{ memory: { contains: '' } }, 'filter.memory.contains: is empty'],
    [{ topic: { in: [] } }, 'filter.topic.in is empty'],
    [{ topic: [] }, 'filter.topic is empty'],
  ])('%j → 400 %s', (f, message) => rejects(f, message));

  it.each([
    [{ user_id: null }, 'filter.user_id: null is not a value'],
    [{ topic: { '=': null } }, 'filter.topic.=: null is not a value'],
    [{ topic: { in: ['a', null] } }, 'filter.topic.in[1]: null is not a value'],
    [{ created_at: { gt: null } }, 'filter.created_at.gt: null is not a value'],
    [{ and: [{}] }, 'filter.and[0] is empty'],
    [{ or: [{ user_id: 'u1' }, {}] }, 'filter.or[1] is empty'],
    [{ and: [null] }, 'filter.and[0] must be an object'],
    [{ and: ['user_id'] }, 'filter.and[0] must be an object'],
    [{ and: [{ or: [] }] }, 'filter.and[0].or is empty'],
    [{ topic: {} }, 'filter.topic: no operator given'],
    [{ 'info.': 1 }, 'filter.info.: empty info key'],
    [{ ' ': 1 }, 'empty field name'],
  ])('null values and empty groups are refused: %j', (f, message) => rejects(f, message));

  it.each([
    'between',
    'not',
    'nin',
    'ne',
    'eq',
    'exists',
    'regex',
    'NOT',
    'AND',
    '$and',
    '$gt',
    '!=',
    ...FILTER_OPS,
  ])("an operator word used as a field is refused: '%s'", (word) => {
    rejects({ [word]: [1, 2] }, `unknown filter operator '${word}'`);
    rejects({ and: [{ user_id: 'u1' }, { [word]: 1 }] }, `filter.and[1].${word}: unknown filter operator`);
  });

  it('the probe from the issue: {"between": [1, 2]} at the top', () => {
    rejects({ between: [1, 2] }, "filter.between: unknown filter operator 'between'");
  });

  it('an info key named like an operator is still reachable as info.<word>', () => {
    const f = parseFilter({ 'info.between': 'x', 'metadata.info.not': 1 });
    expect(f).toEqual({
      kind: 'and',
      children: [
        { kind: 'cmp', field: 'info.between', op: '=', value: 'x' },
        { kind: 'cmp', field: 'info.not', op: '=', value: 1 },
      ],
    });
    expect(matchesFilter(item({ info: { between: 'x', not: 1 } }), f)).toBe(true);
  });

  it('normalises operands: dates to canonical instants, numbers to numbers, fields to canonical names', () => {
    expect(parseFilter({ created_at: { gt: '2026-01-01' } })).toEqual({
      kind: 'cmp',
      field: 'created_at',
      op: 'gt',
      value: '2026-01-01T00:00:00.000Z',
    });
    expect(parseFilter({ 'metadata.updated_at': { lte: '2026-01-05 10:30:00+02:00' } })).toEqual({
      kind: 'cmp',
      field: 'updated_at',
      op: 'lte',
      value: '2026-01-05T08:30:00.000Z',
    });
    expect(parseFilter({ confidence: { gte: '0.5' } })).toMatchObject({ value: 0.5 });
    expect(parseFilter({ score: { gt: '4' } })).toEqual({
      kind: 'cmp',
      field: 'info.score',
      op: 'gt',
      value: 4,
    });
    expect(parseFilter({ due: { lt: '2026-03-01T00:00:00+01:00' } })).toMatchObject({
      field: 'info.due',
      value: '2026-02-28T23:00:00.000Z',
    });
    expect(parseFilter({ is_fast: 'true' })).toMatchObject({ value: true });
    expect(parseFilter({ user_id: 42 })).toMatchObject({ value: '42' });
    expect(parseFilter({ created_at: ['2026-01-05', '2026-01-06T00:00:00Z'] })).toMatchObject({
      op: 'in',
      value: ['2026-01-05T00:00:00.000Z', '2026-01-06T00:00:00.000Z'],
    });
  });

  it.each([
    // dates compare as instants, whatever ISO form the caller wrote
    [{ created_at: '2026-01-05' }, true],
    [{ created_at: '2026-01-05T02:00:00+02:00' }, true],
    [{ created_at: { gte: '2026-01-05T00:00:00', lt: '2026-01-05T00:00:00.001Z' } }, true],
    [{ created_at: { gt: '2026-01-04T23:59:59.999-00:00' } }, true],
    [{ created_at: { gt: '2026-01-05T01:00:00+00:30' } }, false],
    [{ created_at: { gt: '2026-01-05T01:00:00+01:30' } }, true],
    [{ created_at: { gt: '2026-01-05T00:00:00.001Z' } }, false],
    [{ valid_from: { gt: '2000-01-01' } }, false],
    [{ created_at: { like: '2026-01-%' } }, true],
    // info: numbers numerically, dates as instants, and never a string against a number
    [{ score: { gt: '4.5' } }, true],
    [{ score: { lt: 10 } }, true],
    [{ due: { gt: '2026-02-01' } }, true],
    [{ due: { gt: '2026-03-01' } }, false],
    [{ topic: { gt: '2026-01-01' } }, false],
    [{ topic: { lt: 10 } }, false],
    [{ label: { gt: 5 } }, true],
    [{ label: 10 }, true],
    [{ flag: true }, true],
    [{ flag: 'true' }, true],
    [{ list: { contains: 2 } }, true],
    [{ is_fast: false }, true],
    [{ is_fast: true }, false],
    [{ confidence: { gt: 0.5, lte: '0.9' } }, true],
    [{ status: { in: ['activated', 'archived'] } }, true],
    [{ memory_type: { like: '%memory' } }, true],
  ])('%j → %s', (f, expected) => {
    const it0 = item({
      info: { topic: 'food', score: 5, due: '2026-02-15T12:00:00Z', label: '10', flag: true, list: [1, 2] },
    });
    expect(matchesFilter({ ...it0, is_fast: false, valid_from: null }, parseFilter(f))).toBe(expected);
  });

  it('an empty or, built by code rather than parsed, matches nothing', () => {
    expect(matchesFilter(item({}), { kind: 'or', children: [] })).toBe(false);
  });
});

describe('filter nesting depth (issue 10: 2,000 nested and was a stack overflow)', () => {
  const nestedAnd = (levels: number): unknown => {
    let f: unknown = { user_id: 'u1' };
    for (let i = 0; i < levels; i++) f = { and: [f] };
    return f;
  };

  it('2,000 nested and → a ValidationError, not a RangeError', () => {
    expect(() => parseFilter(nestedAnd(2000))).toThrow(ValidationError);
    expect(() => parseFilter(nestedAnd(2000))).toThrow(
      `filter is nested more than ${LIMITS.maxJsonDepth} levels deep`,
    );
  });

  it('nesting within the limit parses and matches', () => {
    const levels = Math.floor((LIMITS.maxJsonDepth - 2) / 2);
    expect(matchesFilter(item({}), parseFilter(nestedAnd(levels)))).toBe(true);
  });
});
