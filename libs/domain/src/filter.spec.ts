import { ValidationError } from './errors';
import { matchesFilter, parseFilter } from './filter';
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
