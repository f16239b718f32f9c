import { startTestServer, type TestServer } from './harness';

jest.setTimeout(60_000);

/** Reads one sample of a metric from Prometheus text, matching the given labels. */
const sample = (text: string, name: string, labels: Record<string, string>): number | undefined => {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`)))
      return Number(line.split(' ').pop());
  }
  return undefined;
};

describe('observability on the standalone server', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ ENGRAM_EMBEDDER: 'hashing' });
  });
  afterAll(async () => s.stop());

  it('a search shows up in the latency histogram under its route, with the request id echoed', async () => {
    await s.http
      .post('/product/add')
      .send({
        user_id: 'obs',
        async_mode: 'sync',
        messages: [{ role: 'user', content: 'I keep bees on the roof.', message_id: 'o1' }],
      })
      .expect(200);
    const before = await s.http.get('/metrics').expect(200);
    const count = (text: string) =>
      sample(text, 'engram_http_request_duration_seconds_count', {
        method: 'POST',
        route: '/product/search',
        status: '200',
      }) ?? 0;

    const r = await s.http
      .post('/product/search')
      .set('x-request-id', 'e2e-search-1')
      .send({ user_id: 'obs', query: 'bees', relativity: 0 })
      .expect(200);
    expect(r.headers['x-request-id']).toBe('e2e-search-1');
    expect(r.body.code).toBe(200);

    const after = await s.http.get('/metrics').expect(200);
    expect(after.headers['content-type']).toMatch(/^text\/plain/);
    expect(count(after.text) - count(before.text)).toBe(1);
    expect(
      sample(after.text, 'engram_http_request_duration_seconds_bucket', {
        route: '/product/search',
        status: '200',
        le: '+Inf',
      }),
    ).toBeGreaterThanOrEqual(1);
    expect(sample(after.text, 'engram_tasks_total', { status: 'completed' })).toBeGreaterThanOrEqual(1);
    expect(after.text).toContain('process_resident_memory_bytes');
    expect(after.text).toMatch(/engram_http_request_duration_seconds_count\{[^}]*service="engram"/);
  });

  it('GET /ready answers 200 with the record store probe, and every response carries a request id', async () => {
    const r = await s.http.get('/ready').expect(200);
    expect(r.body).toMatchObject({ status: 'ready', checks: { 'record-store': { status: 'ok' } } });
    expect(r.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const health = await s.http.get('/health').expect(200);
    expect(health.headers['x-request-id']).toBeDefined();
  });
});

describe('ENGRAM_LOG_FORMAT=json on the standalone server', () => {
  it('writes every log line, from boot to the access log, as one JSON object', async () => {
    const out: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out.push(String(chunk));
      return true;
    });
    let s: TestServer | undefined;
    try {
      s = await startTestServer({ ENGRAM_EMBEDDER: 'hashing', ENGRAM_LOG_FORMAT: 'json', ENGRAM_LOG_LEVEL: 'debug' });
      await s.http.get('/health').set('x-request-id', 'json-log-1').expect(200);
    } finally {
      await s?.stop();
      spy.mockRestore();
    }
    const lines = out.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.every((l) => l.service === 'engram' && typeof l.level === 'string')).toBe(true);
    expect(lines).toContainEqual(
      expect.objectContaining({ msg: 'request', route: '/health', status: 200, request_id: 'json-log-1' }),
    );
  });
});
