import { ValidationError } from '@engram/domain';
import { parseFilterJson, resolveSearchFilter } from './filter-rules';

describe('resolveSearchFilter', () => {
  it('no filter, or {}, is no filter', () => {
    expect(resolveSearchFilter(undefined, ['c1'])).toBeNull();
    expect(resolveSearchFilter({}, ['c1'])).toBeNull();
  });

  it('one dict for every cube, or one per cube', () => {
    expect(resolveSearchFilter({ user_id: 'u' }, ['c1', 'c2'])).toEqual({
      kind: 'cmp',
      field: 'user_id',
      op: '=',
      value: 'u',
    });
    const perCube = resolveSearchFilter({ c1: { user_id: 'u' }, c2: { topic: 'x' } }, ['c1', 'c2']);
    expect(perCube).toBeInstanceOf(Map);
    expect([...(perCube as Map<string, unknown>).entries()]).toEqual([
      ['c1', { kind: 'cmp', field: 'user_id', op: '=', value: 'u' }],
      ['c2', { kind: 'cmp', field: 'info.topic', op: '=', value: 'x' }],
    ]);
  });

  it.each([
    [{ c1: { user_id: 'u' }, user_id: 'u' }, 'mixes per-cube filters with a global filter'],
    [{ c1: {}, c2: { user_id: 'u' } }, 'filter.c1 is empty'],
    [{ c1: { user_id: 'u' }, c2: null }, 'filter.c2 is empty'],
    [{ c1: { user_id: 'u' } }, "none for 'c2'"],
    [
      { c1: { created_at: { lt: 'not-a-date' } }, c2: { user_id: 'u' } },
      'filter.c1.created_at.lt: "not-a-date" is not a date',
    ],
    [{ c1: { or: [] }, c2: { user_id: 'u' } }, 'filter.c1.or is empty'],
    [{ between: [1, 2] }, "unknown filter operator 'between'"],
  ])('refuses forms that would match everything or nothing silently: %j', (raw, message) => {
    const run = () => resolveSearchFilter(raw as Record<string, unknown>, ['c1', 'c2']);
    expect(run).toThrow(ValidationError);
    expect(run).toThrow(message);
  });
});

describe('parseFilterJson', () => {
  it('parses a dict, {} is none, anything else is refused', () => {
    expect(parseFilterJson(' ')).toBeNull();
    expect(parseFilterJson('{}')).toBeNull();
    expect(parseFilterJson('{"a":1}')).toEqual({ a: 1 });
    expect(() => parseFilterJson('[1]')).toThrow('filter_json must be a JSON object');
    expect(() => parseFilterJson('{')).toThrow('filter_json is not valid JSON');
  });
});
