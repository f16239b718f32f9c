import { resolve } from 'node:path';
import { z } from 'zod';

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/** The standalone app's one config object, from env (ENGRAM_*) and CLI flags, validated at boot. */
export const StandaloneConfigSchema = z
  .object({
    dataDir: z.string().min(1).default('.data'),
    host: z.string().min(1).default('127.0.0.1'),
    port: z.coerce.number().int().min(0).max(65535).default(8001),
    /** gRPC API port on the same host; unset = no gRPC server (off by default). */
    grpcPort: z.coerce.number().int().min(1).max(65535).optional(),
    defaultTenant: z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/).default('default'),
    windowTokens: z.coerce.number().int().min(32).max(8192).default(128),
    windowOverlap: z.coerce.number().int().min(0).max(4096).default(32),
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
    /** Where memories live: embedded SQLite/HNSW in dataDir, or the cluster servers (OpenSearch, Milvus, Neo4j). */
    stores: z.enum(['embedded', 'cluster']).default('embedded'),
    opensearchUrl: z.string().url().optional(),
    milvusAddress: z.string().min(1).optional(),
    neo4jUri: z.string().min(1).optional(),
    neo4jUser: z.string().optional(),
    neo4jPassword: z.string().optional(),
    /** Prefix of every index, collection and node namespace on the cluster stores. */
    clusterNamespace: z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, 'lowercase letters, digits and _').default('engram'),
  })
  .refine((c) => c.stores !== 'cluster' || (c.opensearchUrl && c.milvusAddress && c.neo4jUri), {
    message: 'stores=cluster needs ENGRAM_OPENSEARCH_URL, ENGRAM_MILVUS_ADDRESS and ENGRAM_NEO4J_URI',
    path: ['stores'],
  })
  .refine((c) => c.windowOverlap < c.windowTokens, { message: 'windowOverlap must be smaller than windowTokens', path: ['windowOverlap'] })
  .refine((c) => c.embedder !== 'openai' || (c.embeddingBaseUrl && c.embeddingModel && c.embeddingDimensions), {
    message: 'embedder=openai needs ENGRAM_EMBEDDING_BASE_URL, ENGRAM_EMBEDDING_MODEL and ENGRAM_EMBEDDING_DIMENSIONS',
    path: ['embedder'],
  });
export type StandaloneConfig = z.infer<typeof StandaloneConfigSchema>;

const ENV: Record<string, keyof StandaloneConfig> = {
  ENGRAM_DATA_DIR: 'dataDir',
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
  ENGRAM_STORES: 'stores',
  ENGRAM_OPENSEARCH_URL: 'opensearchUrl',
  ENGRAM_MILVUS_ADDRESS: 'milvusAddress',
  ENGRAM_NEO4J_URI: 'neo4jUri',
  ENGRAM_NEO4J_USER: 'neo4jUser',
  ENGRAM_NEO4J_PASSWORD: 'neo4jPassword',
  ENGRAM_CLUSTER_NAMESPACE: 'clusterNamespace',
};

const FLAGS: Record<string, keyof StandaloneConfig> = {
  '--data-dir': 'dataDir',
  '--host': 'host',
  '--port': 'port',
  '--grpc-port': 'grpcPort',
  '--embedder': 'embedder',
  '--stores': 'stores',
};

/** Builds the config; throws with every problem listed. */
export function loadConfig(env: NodeJS.ProcessEnv, argv: string[] = []): StandaloneConfig {
  const raw: Record<string, string> = {};
  for (const [k, field] of Object.entries(ENV)) if (env[k] !== undefined && env[k] !== '') raw[field] = env[k]!;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.split('=', 2) as [string, string | undefined];
    const field = FLAGS[flag];
    if (!field) throw new Error(`unknown option ${flag}; known: ${Object.keys(FLAGS).join(', ')}`);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`option ${flag} needs a value`);
    raw[field] = value;
  }
  const r = StandaloneConfigSchema.safeParse(raw);
  if (!r.success) {
    throw new Error(`invalid configuration: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return { ...r.data, dataDir: resolve(r.data.dataDir) };
}
