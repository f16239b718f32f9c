import type { Server } from 'node:http';
import request from 'supertest';
import { loadServiceConfig } from './config';
import { ServiceLifecycle } from './lifecycle';
import { createServiceApp } from './nest';

describe('createServiceApp', () => {
  it('every service serves /health, /ready (lifecycle-aware) and Prometheus /metrics', async () => {
    const cfg = loadServiceConfig('scheduler', {
      ENGRAM_LOG_LEVEL: 'error',
      // addresses are validated, not dialled, by createServiceApp
      ENGRAM_OPENSEARCH_URL: 'http://127.0.0.1:9',
      ENGRAM_MILVUS_ADDRESS: '127.0.0.1:9',
      ENGRAM_NEO4J_URI: 'bolt://127.0.0.1:9',
      ENGRAM_KAFKA_BROKERS: '127.0.0.1:9',
    });
    const lc = new ServiceLifecycle('scheduler');
    const app = await createServiceApp(cfg, lc, [], { health: true, describe: () => ({}) });
    await app.init();
    try {
      const http = request(app.getHttpServer() as Server);
      await http.get('/health').expect(200);
      lc.markReady();
      await http.get('/ready').expect(200);
      const m = await http.get('/metrics').expect(200);
      expect(m.text).toContain('engram_http_request_duration_seconds');
      expect(m.text).toContain('process_resident_memory_bytes');
    } finally {
      await app.close();
    }
  });
});
