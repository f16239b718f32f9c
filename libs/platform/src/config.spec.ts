import { loadServiceConfig, opensStores } from './config';

const BASE = { ENGRAM_KAFKA_BROKERS: '127.0.0.1:9092' };
const STORES = {
  ENGRAM_OPENSEARCH_URL: 'http://127.0.0.1:9200',
  ENGRAM_MILVUS_ADDRESS: '127.0.0.1:19530',
  ENGRAM_NEO4J_URI: 'bolt://127.0.0.1:7687',
};

describe('service config: which services need the store addresses', () => {
  it('services that work on the stores refuse to boot without them, naming every missing one', () => {
    for (const svc of ['ingestion', 'mem-reader', 'retrieval', 'gateway'] as const) {
      expect(() => loadServiceConfig(svc, BASE)).toThrow(
        /ENGRAM_OPENSEARCH_URL is required[\s\S]*ENGRAM_MILVUS_ADDRESS is required[\s\S]*ENGRAM_NEO4J_URI is required/,
      );
      expect(loadServiceConfig(svc, { ...BASE, ...STORES }).neo4jUri).toBe('bolt://127.0.0.1:7687');
    }
  });

  it('the scheduler and a remote-mode gateway boot without store addresses', () => {
    expect(opensStores(loadServiceConfig('scheduler', BASE))).toBe(false);
    const gw = loadServiceConfig('gateway', {
      ...BASE,
      ENGRAM_INGESTION_ADDRESS: '127.0.0.1:9011',
      ENGRAM_RETRIEVAL_ADDRESS: '127.0.0.1:9014',
    });
    expect(opensStores(gw)).toBe(false);
    expect(gw.opensearchUrl).toBeUndefined();
  });

  it('sync fine timeout defaults to 120 s and must be positive', () => {
    expect(loadServiceConfig('scheduler', BASE).syncFineTimeoutMs).toBe(120_000);
    expect(() => loadServiceConfig('scheduler', { ...BASE, ENGRAM_SYNC_FINE_TIMEOUT_MS: '0' })).toThrow(
      /syncFineTimeoutMs/,
    );
  });
});

describe('loadServiceConfig', () => {
  const servers = {
    ENGRAM_KAFKA_BROKERS: '127.0.0.1:9092',
    ENGRAM_OPENSEARCH_URL: 'http://127.0.0.1:9200',
    ENGRAM_MILVUS_ADDRESS: '127.0.0.1:19530',
    ENGRAM_NEO4J_URI: 'bolt://127.0.0.1:7687',
  };

  it('gives each service its default ports', () => {
    const gw = loadServiceConfig('gateway', servers);
    expect(gw).toMatchObject({ port: 8001, fineMode: true });
    expect(gw.grpcPort).toBeUndefined();
    expect(loadServiceConfig('ingestion', servers)).toMatchObject({ port: 8011, grpcPort: 9011 });
    expect(loadServiceConfig('retrieval', { ...servers, ENGRAM_GRPC_PORT: '9999' })).toMatchObject({
      grpcPort: 9999,
    });
  });

  it('fails at boot naming every missing or bad setting', () => {
    expect(() => loadServiceConfig('scheduler', { ENGRAM_PORT: 'x' })).toThrow(
      /invalid scheduler configuration: .*port.*kafkaBrokers: Required/,
    );
  });
});
