import { LIMITS } from '@engram/domain';
import { startTestServer, type TestServer } from './harness';

jest.setTimeout(60_000);

/**
 * Issue 10 items 2, 4 and the filter part of 5, probed over HTTP as the issue did: a malformed filter was
 * read as "match everything" and a delete with it emptied the cube (200); a filter or `info` nested
 * thousands deep was a 500 (stack overflow); `{"between": [1, 2]}` was read as an `info` key. Each probe
 * is sent as a delete, search and get_memory filter: a 400 naming the field, and every memory still there.
 */
describe('malformed filters are refused, never read as "everything" (issue 10)', () => {
  let s: TestServer;
  const cube = 'c2';
  let seeded: string[] = [];

  beforeAll(async () => {
    s = await startTestServer();
    for (const [i, text] of [
      'I like green tea.',
      'Paris is the capital of France.',
      'Bob plays chess on Mondays.',
    ].entries()) {
      const r = await s.http
        .post('/product/add')
        .send({
          user_id: 'u2',
          writable_cube_ids: [cube],
          async_mode: 'sync',
          info: { probe: `p${i}`, score: i },
          messages: [{ role: 'user', content: text, message_id: `m${i}` }],
        })
        .expect(200);
      seeded.push(...(r.body.data as { memory_id: string }[]).map((m) => m.memory_id));
    }
    seeded = seeded.sort();
    expect(seeded).toHaveLength(3);
  });
  afterAll(async () => s.stop());

  const storedIds = async (): Promise<string[]> => {
    const r = await s.http.post('/product/get_memory').send({ user_id: 'u2', mem_cube_id: cube }).expect(200);
    return (r.body.data.text_mem[0].memories as { id: string }[]).map((m) => m.id).sort();
  };

  const expect400 = (r: { status: number; body: { code: number; message: string } }, message: string) => {
    expect({ status: r.status, message: r.body.message }).toEqual({
      status: 400,
      message: expect.stringContaining(message),
    });
    expect(r.body.code).toBe(400);
  };

  const asDelete = (filter: unknown) =>
    s.http.post('/product/delete_memory').send({ writable_cube_ids: [cube], filter });
  const asSearch = (filter: unknown) =>
    s.http
      .post('/product/search')
      .send({ user_id: 'u2', readable_cube_ids: [cube], query: 'tea', relativity: 0, filter });
  const asList = (filter: unknown) =>
    s.http.post('/product/get_memory').send({ user_id: 'u2', mem_cube_id: cube, filter });

  const nestedAnd = (levels: number): unknown => {
    let f: unknown = { user_id: 'u2' };
    for (let i = 0; i < levels; i++) f = { and: [f] };
    return f;
  };
  const depthMessage = `filter is nested more than ${LIMITS.maxJsonDepth} levels deep`;

  const probes: [string, unknown, string][] = [
    [
      'an unparsable date',
      { created_at: { lt: 'not-a-date' } },
      'filter.created_at.lt: "not-a-date" is not a date',
    ],
    ['a string for a number', { confidence: { lt: 'abc' } }, 'filter.confidence.lt: "abc" is not a number'],
    ['an empty date', { updated_at: { gte: '' } }, 'filter.updated_at.gte: "" is not a date'],
    ['an empty or', { or: [] }, 'filter.or is empty'],
    ['an empty and', { and: [] }, 'filter.and is empty'],
    ['an empty condition in a group', { and: [{}] }, 'filter.and[0] is empty'],
    ['a null in a group', { or: [null] }, 'filter.or[0] must be an object'],
    ['a null value', { session_id: null }, 'filter.session_id: null is not a value'],
    ['an empty in', { probe: { in: [] } }, 'filter.probe.in is empty'],
    [
      'an info range that is neither a number nor a date',
      { probe: { gt: 'p1' } },
      'filter.probe.gt: "p1" is neither a number nor a date',
    ],
    ['an operator word as a field', { between: [1, 2] }, "filter.between: unknown filter operator 'between'"],
    [
      'another operator word as a field',
      { and: [{ user_id: 'u2' }, { nin: ['x'] }] },
      "filter.and[1].nin: unknown filter operator 'nin'",
    ],
    ['2,000 nested and', nestedAnd(2000), depthMessage],
  ];

  it.each(probes)(
    '%s: 400 as a delete, search and get_memory filter; nothing deleted',
    async (_name, filter, message) => {
      expect400(await asDelete(filter), message);
      expect400(await asSearch(filter), message);
      expect400(await asList(filter), message);
      expect(await storedIds()).toEqual(seeded);
    },
  );

  it('an empty filter on a delete is refused (with or without user_id), not read as the whole cube', async () => {
    expect400(await asDelete({}), 'filter is empty');
    expect400(
      await s.http
        .post('/product/delete_memory')
        .send({ user_id: 'u2', writable_cube_ids: [cube], filter: {} }),
      'filter is empty',
    );
    expect400(await s.http.post('/delete/memory').send({ user_id: cube, filter: {} }), 'filter is empty');
    expect400(
      await s.http
        .post('/delete/memory')
        .send({ user_id: cube, filter: { created_at: { lt: 'not-a-date' } } }),
      'filter.created_at.lt: "not-a-date" is not a date',
    );
    expect(await storedIds()).toEqual(seeded);
  });

  it('per-cube search filters name every readable cube with a non-empty filter', async () => {
    const search = (filter: unknown) =>
      s.http
        .post('/product/search')
        .send({ user_id: 'u2', readable_cube_ids: [cube, 'u2'], query: 'tea', relativity: 0, filter });
    expect400(await search({ [cube]: {}, u2: { probe: 'p0' } }), `filter.${cube} is empty`);
    expect400(await search({ [cube]: { probe: 'p0' } }), "none for 'u2'");
    const ok = await search({ [cube]: { probe: 'p0' }, u2: { probe: 'p0' } }).expect(200);
    const found = (ok.body.data.text_mem as { memories: { id: string }[] }[]).flatMap((b) => b.memories);
    expect(found).toHaveLength(1);
  });

  it('info nested 4,000 levels deep is a 400 on add, not a 500, and stores nothing', async () => {
    let info: unknown = 'leaf';
    for (let i = 0; i < 4000; i++) info = { k: info };
    const r = await s.http.post('/product/add').send({
      user_id: 'u2',
      writable_cube_ids: [cube],
      async_mode: 'sync',
      info,
      messages: [{ role: 'user', content: 'deeply nested info', message_id: 'deep-1' }],
    });
    expect400(r, `info is nested more than ${LIMITS.maxJsonDepth} levels deep`);
    expect(await storedIds()).toEqual(seeded);
  });

  it('well-formed filters still select what they say (and a filter delete deletes only that)', async () => {
    const list = async (filter: unknown) =>
      ((await asList(filter).expect(200)).body.data.text_mem[0].memories as { id: string }[]).length;
    expect(await list({ created_at: { lt: '2100-01-01' } })).toBe(3);
    expect(await list({ created_at: { gt: '2100-01-01T00:00:00+02:00' } })).toBe(0);
    expect(await list({ score: { gte: '1' } })).toBe(2);
    expect(await list({ or: [{ probe: 'p0' }, { 'info.probe': { in: ['p2'] } }] })).toBe(2);
    expect(await list({ 'info.between': 'x' })).toBe(0);
    const r = await asDelete({ and: [{ probe: 'p1' }, { confidence: { gte: 0 } }] }).expect(200);
    expect(r.body.data.deleted).toBe(1);
    expect((await storedIds()).length).toBe(2);
  });
});
