import { ApiError } from './errors';
import { parseAddData, parseSearchData, unwrapEnvelope } from './parse';

describe('unwrapEnvelope', () => {
  it('returns data of a code-200 envelope', () => {
    expect(unwrapEnvelope(200, { code: 200, message: 'ok', data: [1] }, 'x')).toEqual([1]);
  });

  it('rejects a non-200 body code and a body that is not an envelope', () => {
    expect(() => unwrapEnvelope(200, { code: 400, message: 'bad cube', data: null }, 'search')).toThrow(/code 400: bad cube/);
    expect(() => unwrapEnvelope(200, 'oops', 'search')).toThrow(ApiError);
  });
});

describe('parseSearchData', () => {
  const data = {
    text_mem: [
      {
        cube_id: 'c1',
        memories: [
          {
            id: 'm1',
            memory: 'Ann went hiking.',
            metadata: {
              sources: [
                { message_id: 'D1:1', role: 'user', chat_time: '2023-05-01T13:56:00Z' },
                { message_id: 'D1:1', role: 'user', chat_time: '2023-05-01T13:56:00Z' },
                { message_id: 'D1:2', chat_time: '2023-05-01T13:55:00Z' },
                'plain string source',
                { role: 'user' },
              ],
              relativity: 0.8,
              memory_type: 'LongTermMemory',
              extra: { kept: true },
            },
          },
          { id: 'm2', memory: 'No provenance.', metadata: null },
        ],
        total_nodes: 2,
      },
      { cube_id: 'c2', memories: [{ id: 'm3', memory: 'Other bucket.' }] },
    ],
    pref_mem: [{ cube_id: 'c1', memories: [{ id: 'p1', memory: 'Prefers tea.', metadata: { sources: [{ message_id: 'D2:1' }] } }] }],
    act_mem: [],
  };

  it('flattens buckets in server order with deduplicated message ids', () => {
    const r = parseSearchData(data);
    expect(r.text.map((m) => m.id)).toEqual(['m1', 'm2', 'm3']);
    expect(r.text[0]).toEqual({
      id: 'm1',
      text: 'Ann went hiking.',
      sources: ['D1:1', 'D1:2'],
      time: '2023-05-01T13:55:00Z',
      relativity: 0.8,
      memoryType: 'LongTermMemory',
      cubeId: 'c1',
    });
    expect(r.text[1]?.sources).toEqual([]);
    expect(r.text[2]?.cubeId).toBe('c2');
    expect(r.pref.map((m) => m.sources)).toEqual([['D2:1']]);
  });

  it('accepts missing buckets and rejects a malformed memory', () => {
    expect(parseSearchData({})).toEqual({ text: [], pref: [] });
    expect(() => parseSearchData({ text_mem: [{ memories: [{ id: 1, memory: 'x' }] }] })).toThrow(/text_mem\.0\.memories\.0\.id/);
  });
});

describe('parseAddData', () => {
  it('reads added items and treats null data as none', () => {
    expect(parseAddData([{ memory: 'm', memory_id: 'id1', memory_type: 'LongTermMemory', cube_id: 'c' }])).toEqual([
      { memory: 'm', memory_id: 'id1', memory_type: 'LongTermMemory', cube_id: 'c' },
    ]);
    expect(parseAddData(null)).toEqual([]);
    expect(() => parseAddData({ not: 'a list' })).toThrow(ApiError);
  });
});
