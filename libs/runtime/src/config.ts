import { z } from 'zod';

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/**
 * The one config object every cluster service builds at boot from ENGRAM_* (validated; boot fails
 * listing every problem). Services share it so that stores, embedder and bus agree across processes.
 */
export const ServiceConfigSchema = z.object({
  service: z.enum(['gateway', 'ingestion', 'mem-reader', 'scheduler', 'retrieval']),
  host: z.string().min(1).default('127.0.0.1'),
  /** HTTP port: the REST API (gateway) or only /health + /ready (the others). */
  port: z.coerce.number().int().min(0).max(65535),
  /** gRPC port (gateway: engram.v1.MemoryService; ingestion/retrieval: their internal service). */
  grpcPort: z.coerce.number().int().min(1).max(65535).optional(),
  defaultTenant: z
    .string()
    .regex(/^[A-Za-z0-9._:-]{1,128}$/)
    .default('default'),
  windowTokens: z.coerce.number().int().min(32).max(8192).default(256),
  windowOverlap: z.coerce.number().int().min(0).max(4096).default(64),
  embedder: z.enum(['auto', 'onnx', 'openai', 'hashing']).default('auto'),
  embeddingModelDir: z.string().optional(),
  embeddingBaseUrl: z.string().url().optional(),
  embeddingApiKey: z.string().optional(),
  embeddingModel: z.string().optional(),
  embeddingDimensions: z.coerce.number().int().min(8).max(8192).optional(),
  bodyLimit: z.string().default('20mb'),
  swagger: bool.default('true'),
  logLevel: z.enum(['error', 'warn', 'log', 'debug', 'verbose']).default('log'),
  /** `text` for humans, `json` for one JSON object per line (log shippers). */
  logFormat: z.enum(['text', 'json']).default('text'),
  opensearchUrl: z.string().url(),
  milvusAddress: z.string().min(1),
  neo4jUri: z.string().min(1),
  neo4jUser: z.string().optional(),
  neo4jPassword: z.string().optional(),
  clusterNamespace: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,62}$/, 'lowercase letters, digits and _')
    .default('engram'),
  kafkaBrokers: z.string().min(1),
  /** Prefix of consumer group ids, so two topologies can share one Kafka. */
  groupPrefix: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,100}$/)
    .default('engram'),
  /**
   * Gateway only: `host:port` of the ingestion and retrieval services' gRPC. Both set = adds and
   * searches go there; unset = the gateway runs them on its own memory core.
   */
  ingestionAddress: z.string().min(1).optional(),
  retrievalAddress: z.string().min(1).optional(),
  /** Async adds publish raw-input events for the mem-reader (fine mode); off = fast mode only. */
  fineMode: bool.default('true'),
  /**
   * Gateway: how long an `async_mode=sync` + `mode=fine` add waits for the mem-reader (through Kafka)
   * before answering with the accepted raw memories and the task still running.
   */
  syncFineTimeoutMs: z.coerce.number().int().min(1).default(120_000),
  /** Longest graceful shutdown waits for in-flight work before exiting anyway. */
  shutdownTimeoutMs: z.coerce.number().int().min(0).default(30_000),
});
export type ServiceConfig = z.infer<typeof ServiceConfigSchema>;
export type ServiceName = ServiceConfig['service'];

const ENV: Record<string, keyof ServiceConfig> = {
  ENGRAM_HOST: 'host',
  ENGRAM_PORT: 'port',
  ENGRAM_GRPC_PORT: 'grpcPort',
  ENGRAM_DEFAULT_TENANT: 'defaultTenant',
  ENGRAM_WINDOW_TOKENS: 'windowTokens',
  ENGRAM_WINDOW_OVERLAP: 'windowOverlap',
  ENGRAM_EMBEDDER: 'embedder',
  ENGRAM_EMBEDDING_MODEL_DIR: 'embeddingModelDir',
  ENGRAM_EMBEDDING_BASE_URL: 'embeddingBaseUrl',
  ENGRAM_EMBEDDING_API_KEY: 'embeddingApiKey',
  ENGRAM_EMBEDDING_MODEL: 'embeddingModel',
  ENGRAM_EMBEDDING_DIMENSIONS: 'embeddingDimensions',
  ENGRAM_BODY_LIMIT: 'bodyLimit',
  ENGRAM_SWAGGER: 'swagger',
  ENGRAM_LOG_LEVEL: 'logLevel',
  ENGRAM_LOG_FORMAT: 'logFormat',
  ENGRAM_OPENSEARCH_URL: 'opensearchUrl',
  ENGRAM_MILVUS_ADDRESS: 'milvusAddress',
  ENGRAM_NEO4J_URI: 'neo4jUri',
  ENGRAM_NEO4J_USER: 'neo4jUser',
  ENGRAM_NEO4J_PASSWORD: 'neo4jPassword',
  ENGRAM_CLUSTER_NAMESPACE: 'clusterNamespace',
  ENGRAM_KAFKA_BROKERS: 'kafkaBrokers',
  ENGRAM_GROUP_PREFIX: 'groupPrefix',
  ENGRAM_FINE_MODE: 'fineMode',
  ENGRAM_INGESTION_ADDRESS: 'ingestionAddress',
  ENGRAM_RETRIEVAL_ADDRESS: 'retrievalAddress',
  ENGRAM_SHUTDOWN_TIMEOUT_MS: 'shutdownTimeoutMs',
  ENGRAM_SYNC_FINE_TIMEOUT_MS: 'syncFineTimeoutMs',
};

/** Default HTTP ports, so `services.sh` and a developer can run the topology on one host. */
export const DEFAULT_PORTS: Record<ServiceName, number> = {
  gateway: 8001,
  ingestion: 8011,
  'mem-reader': 8012,
  scheduler: 8013,
  retrieval: 8014,
};

/** Default gRPC ports of the services that serve an internal.proto service. */
export const DEFAULT_GRPC_PORTS: Partial<Record<ServiceName, number>> = { ingestion: 9011, retrieval: 9014 };

/** Builds a service's config from env; throws with every problem listed. */
export function loadServiceConfig(service: ServiceName, env: NodeJS.ProcessEnv): ServiceConfig {
  const raw: Record<string, string | number> = { service, port: DEFAULT_PORTS[service] };
  const grpc = DEFAULT_GRPC_PORTS[service];
  if (grpc !== undefined) raw['grpcPort'] = grpc;
  for (const [k, field] of Object.entries(ENV))
    if (env[k] !== undefined && env[k] !== '') raw[field] = env[k]!;
  const r = ServiceConfigSchema.refine((c) => c.windowOverlap < c.windowTokens, {
    message: 'windowOverlap must be smaller than windowTokens',
    path: ['windowOverlap'],
  })
    .refine(
      (c) => c.embedder !== 'openai' || (c.embeddingBaseUrl && c.embeddingModel && c.embeddingDimensions),
      {
        message:
          'embedder=openai needs ENGRAM_EMBEDDING_BASE_URL, ENGRAM_EMBEDDING_MODEL and ENGRAM_EMBEDDING_DIMENSIONS',
        path: ['embedder'],
      },
    )
    .refine((c) => !c.ingestionAddress === !c.retrievalAddress, {
      message: 'set both ENGRAM_INGESTION_ADDRESS and ENGRAM_RETRIEVAL_ADDRESS, or neither',
      path: ['ingestionAddress'],
    })
    .safeParse(raw);
  if (!r.success) {
    const issues = r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid ${service} configuration: ${issues}`);
  }
  return r.data;
}
