import { parseFilter, type FilterNode } from '@engram/domain';
import { toMemoryItem } from '@engram/api-grpc';
import { makeMemory } from '@engram/testing';
import { filterJson, filterToDict, fromWireItem } from './wire';

describe('internal gRPC wire mapping', () => {
  it('a parsed filter goes back to a dict that parses to the same filter', () => {
    const raw = {
      and: [
        { session_id: 's1' },
        { created_at: { lt: '2027-01-01' } },
        { or: [{ tags: { contains: 'pet' } }, { 'info.app': { in: ['a', 'b'] } }] },
      ],
    };
    const node = parseFilter(raw)!;
    expect(parseFilter(filterToDict(node))).toEqual(node);
    const perCube = new Map<string, FilterNode | null>([
      ['alice', node],
      ['bob', null],
    ]);
    expect(JSON.parse(filterJson(perCube))).toEqual({ alice: filterToDict(node), bob: {} });
    expect(filterJson(null)).toBe('');
  });

  it('a memory survives the trip through the wire type', () => {
    const item = makeMemory({
      memory: 'The user likes tea.',
      valid_from: '2026-05-01T00:00:00.000Z',
      preceding_id: null,
      evolve_to: ['f1'],
    });
    expect(fromWireItem(toMemoryItem(item))).toEqual(item);
  });
});
