import type { Server } from 'node:http';
import { Logger } from '@nestjs/common';
import request from 'supertest';
import { loadServiceConfig } from './config';
import { ServiceLifecycle } from './lifecycle';
import { useServiceLogger } from './logging';
import { createServiceApp } from './nest';

const ENV = {
  ENGRAM_OPENSEARCH_URL: 'http://127.0.0.1:9',
  ENGRAM_MILVUS_ADDRESS: '127.0.0.1:9',
  ENGRAM_NEO4J_URI: 'bolt://127.0.0.1:9',
  ENGRAM_KAFKA_BROKERS: '127.0.0.1:9',
};

describe('ENGRAM_LOG_FORMAT', () => {
  afterEach(() => {
    jest.restoreAllMocks();
    Logger.overrideLogger(['error']); // the static logger is process-wide: leave it quiet
  });

  it('defaults to text', () => {
    expect(loadServiceConfig('ingestion', ENV).logFormat).toBe('text');
    expect(() => loadServiceConfig('ingestion', { ...ENV, ENGRAM_LOG_FORMAT: 'xml' })).toThrow(/logFormat/);
  });

  it('json: boot lines and the access log are one parseable JSON object per line', async () => {
    const out: string[] = [];
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out.push(String(chunk));
      return true;
    });
    const cfg = loadServiceConfig('mem-reader', {
      ...ENV,
      ENGRAM_LOG_FORMAT: 'json',
      ENGRAM_LOG_LEVEL: 'debug',
    });
    useServiceLogger(cfg);
    new Logger('boot').log('connecting stores');
    const lc = new ServiceLifecycle('mem-reader');
    const app = await createServiceApp(cfg, lc, [], { health: true, describe: () => ({}) });
    await app.init();
    try {
      await request(app.getHttpServer() as Server)
        .get('/health')
        .set('x-request-id', 'log-test-1')
        .expect(200);
    } finally {
      await app.close();
    }
    const lines = out.join('').split('\n').filter(Boolean);
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(parsed.every((p) => p.service === 'mem-reader' && typeof p.time === 'string')).toBe(true);
    expect(parsed).toContainEqual(
      expect.objectContaining({ level: 'info', context: 'boot', msg: 'connecting stores' }),
    );
    expect(parsed).toContainEqual(
      expect.objectContaining({
        level: 'debug',
        msg: 'request',
        route: '/health',
        status: 200,
        request_id: 'log-test-1',
      }),
    );
  });
});
