import { AddRequest, DeleteRequest, FeedbackRequest, ListRequest, SearchRequest } from '@engram/contracts';
import { ValidationError } from '@engram/domain';
import { filterDictOf, searchFilterOf } from './filters';
import {
  messageToRaw,
  toAddCommand,
  toDeleteCommand,
  toFeedbackAddCommand,
  toListCommand,
  toSearchCommand,
} from './requests';

describe('gRPC request mapping', () => {
  it('hands messages to the core in their REST shape, parts after the text', () => {
    expect(messageToRaw({ role: '', content: 'hi', parts: [], chat_time: 't', message_id: 'm1' })).toEqual({
      role: 'user',
      content: 'hi',
      chat_time: 't',
      message_id: 'm1',
    });
    expect(
      messageToRaw({
        role: 'user',
        content: 'look',
        parts: [{ image_url: { url: 'http://x/cat.png', detail: 'low' } }, { file: { file_id: 'f1' } }, {}],
      }),
    ).toEqual({
      role: 'user',
      content: [
        { type: 'text', text: 'look' },
        { type: 'image_url', image_url: { url: 'http://x/cat.png', detail: 'low' } },
        { type: 'file', file: { file_id: 'f1', filename: undefined, file_data: undefined } },
        { type: undefined },
      ],
    });
  });

  it('applies the REST defaults to an add', () => {
    const cmd = toAddCommand(
      AddRequest.fromPartial({ user_id: 'u', memory_content: 'x', mode: 'fine' }),
      't',
      undefined,
    );
    expect(cmd).toEqual({
      tenant_id: 't',
      user_id: 'u',
      session_id: 'default_session',
      cube_ids: ['u'],
      messages: 'x',
      info: {},
      mode: 'fast', // fine is honoured only for sync adds
      async_mode: 'async',
    });
    const sync = toAddCommand(
      AddRequest.fromPartial({
        user_id: 'u',
        writable_cube_ids: ['a', 'a', 'b'],
        messages: [{ content: 'x' }],
        mode: 'fine',
        async_mode: 'sync',
      }),
      't',
      'key-1',
    );
    expect(sync).toMatchObject({
      cube_ids: ['a', 'b'],
      mode: 'fine',
      async_mode: 'sync',
      idempotency_key: 'key-1',
    });
  });

  it('applies the REST defaults to a search and keeps explicit zeros', () => {
    const d = toSearchCommand(SearchRequest.fromPartial({ user_id: 'u', query: 'q' }), 't');
    expect(d).toMatchObject({
      cube_ids: ['u'],
      top_k: 10,
      relativity: 0.45,
      dedup: 'mmr',
      filter: null,
      pref_top_k: 6,
      skill_mem_top_k: 3,
    });
    const z = toSearchCommand(
      SearchRequest.fromPartial({
        user_id: 'u',
        query: 'q',
        relativity: 0,
        include_preference: false,
        dedup: 'no',
      }),
      't',
    );
    expect(z).toMatchObject({ relativity: 0, include_preference: false, dedup: 'no' });
    const typed = toSearchCommand(
      SearchRequest.fromPartial({ user_id: 'u', query: 'q', search_memory_type: 'AllSummaryMemory' }),
      't',
    );
    expect(typed.memory_types).toEqual(['LongTermMemory']);
    expect(() =>
      toSearchCommand(
        SearchRequest.fromPartial({ user_id: 'u', query: 'q', search_memory_type: 'Nope' }),
        't',
      ),
    ).toThrow(/search_memory_type must be All or one of/);
  });

  it('reads filters from a Struct or JSON text, global or per cube', () => {
    expect(filterDictOf({ filter: undefined, filter_json: '' })).toBeNull();
    expect(filterDictOf({ filter: {}, filter_json: ' {} ' })).toBeNull();
    expect(filterDictOf({ filter: { a: 1 }, filter_json: '' })).toEqual({ a: 1 });
    expect(filterDictOf({ filter: undefined, filter_json: '{"a": 1}' })).toEqual({ a: 1 });
    expect(() => filterDictOf({ filter: undefined, filter_json: '[1]' })).toThrow(
      'filter_json must be a JSON object',
    );
    const perCube = searchFilterOf(
      { filter: { c1: { session_id: 's' }, c2: { session_id: 't' } }, filter_json: '' },
      ['c1', 'c2'],
    );
    expect(perCube).toBeInstanceOf(Map);
    // a cube left out of the per-cube form would be searched unfiltered
    expect(() =>
      searchFilterOf({ filter: { c1: { session_id: 's' } }, filter_json: '' }, ['c1', 'c2']),
    ).toThrow("none for 'c2'");
    expect(() => searchFilterOf({ filter: { c1: {}, session_id: 's' }, filter_json: '' }, ['c1'])).toThrow(
      /mixes per-cube/,
    );
  });

  it('lists with memory types and a filter AND-ed', () => {
    const cmd = toListCommand(
      ListRequest.fromPartial({
        mem_cube_id: 'c',
        memory_types: ['UserMemory'],
        filter: { session_id: 's' },
        page: 2,
      }),
      't',
    );
    expect(cmd).toEqual({
      tenant_id: 't',
      cube_ids: ['c'],
      filter: {
        kind: 'and',
        children: [
          { kind: 'cmp', field: 'memory_type', op: 'in', value: ['UserMemory'] },
          { kind: 'cmp', field: 'session_id', op: '=', value: 's' },
        ],
      },
      page: 2,
    });
    expect(toListCommand(ListRequest.fromPartial({ mem_cube_id: 'c' }), 't').filter).toBeNull();
  });

  it('deletes in exactly one mode', () => {
    expect(toDeleteCommand(DeleteRequest.fromPartial({ memory_ids: ['m'] }), 't')).toEqual({
      tenant_id: 't',
      kind: 'ids',
      ids: ['m'],
    });
    expect(toDeleteCommand(DeleteRequest.fromPartial({ user_id: 'u', session_id: 's' }), 't')).toEqual({
      tenant_id: 't',
      kind: 'filter',
      cube_ids: ['u'],
      filter: {
        kind: 'and',
        children: [
          { kind: 'cmp', field: 'user_id', op: '=', value: 'u' },
          { kind: 'cmp', field: 'session_id', op: '=', value: 's' },
        ],
      },
    });
    const bad = (r: Partial<DeleteRequest>) => () => toDeleteCommand(DeleteRequest.fromPartial(r), 't');
    expect(bad({ memory_ids: ['m'], filter_json: '{"a":1}' })).toThrow(
      'give exactly one of memory_ids, file_ids, or filter',
    );
    expect(bad({})).toThrow(ValidationError);
    expect(bad({ filter: { session_id: 's' } })).toThrow(
      'a filter delete needs writable_cube_ids or user_id',
    );
  });

  it('turns feedback into one tagged fast-mode memory', () => {
    const cmd = toFeedbackAddCommand(
      FeedbackRequest.fromPartial({
        user_id: 'u',
        feedback_content: 'wrong',
        feedback_time: '2026-01-01T00:00:00Z',
        info: { k: 'v' },
      }),
      't',
      undefined,
    );
    expect(cmd).toMatchObject({
      messages: [{ role: 'user', content: 'wrong', chat_time: '2026-01-01T00:00:00Z' }],
      custom_tags: ['feedback'],
      info: { k: 'v', feedback: true },
      mode: 'fast',
    });
  });
});

describe('gRPC request mapping refuses text that cannot be stored', () => {
  it.each([
    ['user_id', () => toAddCommand(AddRequest.fromPartial({ user_id: 'u\u0000', memory_content: 'x' }), 't', undefined)],
    ['writable_cube_ids[1]', () => toAddCommand(AddRequest.fromPartial({ user_id: 'u', writable_cube_ids: ['a', 'b\ud800'], memory_content: 'x' }), 't', undefined)],
    ['info.k', () => toAddCommand(AddRequest.fromPartial({ user_id: 'u', info: { k: 'v\u0001' }, memory_content: 'x' }), 't', undefined)],
    ['idempotency_key', () => toAddCommand(AddRequest.fromPartial({ user_id: 'u', memory_content: 'x' }), 't', 'k\u0000')],
    ['readable_cube_ids[0]', () => toSearchCommand(SearchRequest.fromPartial({ user_id: 'u', query: 'q', readable_cube_ids: ['\udc00'] }), 't')],
    ['mem_cube_id', () => toListCommand(ListRequest.fromPartial({ mem_cube_id: 'c\u0000' }), 't')],
    ['memory_ids[0]', () => toDeleteCommand(DeleteRequest.fromPartial({ memory_ids: ['m\u0000'] }), 't')],
    ['session_id', () => toFeedbackAddCommand(FeedbackRequest.fromPartial({ user_id: 'u', session_id: 's\u0000', feedback_content: 'f' }), 't', undefined)],
  ])('%s', (field, map) => {
    expect(map).toThrow(ValidationError);
    expect(map).toThrow(new RegExp(`^${field.replace(/[[\].]/g, '\\$&')} contains`));
  });
});
