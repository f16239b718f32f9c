import { ValidationError } from '@engram/domain';
import { resolveSearchMemoryTypes } from './search-rules';

describe('resolveSearchMemoryTypes', () => {
  it('All or nothing searches every type', () => {
    expect(resolveSearchMemoryTypes(undefined)).toBeUndefined();
    expect(resolveSearchMemoryTypes('')).toBeUndefined();
    expect(resolveSearchMemoryTypes('All')).toBeUndefined();
  });

  it("MemOS's AllSummaryMemory is long-term memory; a type names itself", () => {
    expect(resolveSearchMemoryTypes('AllSummaryMemory')).toEqual(['LongTermMemory']);
    expect(resolveSearchMemoryTypes('UserMemory')).toEqual(['UserMemory']);
  });

  it('an unknown type is a 400 that lists the accepted ones', () => {
    expect(() => resolveSearchMemoryTypes('Everything')).toThrow(ValidationError);
    expect(() => resolveSearchMemoryTypes('Everything')).toThrow(/^search_memory_type must be All or one of WorkingMemory, /);
  });
});
