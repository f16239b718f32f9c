import { parseFilter, ValidationError } from '@engram/domain';
import { parseDeleteFilter, toDeleteCommand } from './delete-rules';

describe('delete rules', () => {
  it('an absent or null filter is none; a given empty one is refused', () => {
    expect(parseDeleteFilter(undefined)).toBeNull();
    expect(parseDeleteFilter(null)).toBeNull();
    expect(() => parseDeleteFilter({})).toThrow(ValidationError);
    expect(() => parseDeleteFilter({})).toThrow('filter is empty');
  });

  it.each([
    [{ created_at: { lt: 'not-a-date' } }, 'filter.created_at.lt: "not-a-date" is not a date'],
    [{ confidence: { lt: 'abc' } }, 'filter.confidence.lt: "abc" is not a number'],
    [{ updated_at: { gte: '' } }, 'filter.updated_at.gte: "" is not a date'],
    [{ or: [] }, 'filter.or is empty'],
    [{ and: [] }, 'filter.and is empty'],
    [{ and: [{}] }, 'filter.and[0] is empty'],
    [{ user_id: null }, 'filter.user_id: null is not a value'],
    [{ between: [1, 2] }, "unknown filter operator 'between'"],
  ])('the probes from issue 10 are refused before any delete: %j', (raw, message) => {
    expect(() => parseDeleteFilter(raw)).toThrow(message);
  });

  it('a filter delete is scoped to the writable cubes (default [user_id])', () => {
    const filter = parseDeleteFilter({ session_id: 's1' });
    expect(toDeleteCommand({ filter, writable_cube_ids: ['c2'] }, 't')).toEqual({
      tenant_id: 't',
      kind: 'filter',
      filter: { kind: 'cmp', field: 'session_id', op: '=', value: 's1' },
      cube_ids: ['c2'],
    });
    expect(toDeleteCommand({ filter: null, user_id: 'u' }, 't')).toMatchObject({ cube_ids: ['u'] });
  });

  it('refuses a delete with nothing to select by', () => {
    expect(() => toDeleteCommand({ filter: null, writable_cube_ids: ['c2'] }, 't')).toThrow(
      'give one of memory_ids',
    );
    expect(() => toDeleteCommand({ filter: parseFilter({}), writable_cube_ids: ['c2'] }, 't')).toThrow(
      ValidationError,
    );
    expect(() => toDeleteCommand({ filter: null, file_ids: [], writable_cube_ids: ['c2'] }, 't')).toThrow(
      'file_ids is empty',
    );
  });
});
