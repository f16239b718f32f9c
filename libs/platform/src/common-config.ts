import { z } from 'zod';

/** `true` / `false` / `1` / `0` from an environment variable. */
export const envBool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/**
 * The settings the standalone server and every cluster service read the same way (listen address,
 * tenant, token windows, embedder, HTTP body, Swagger, logging, cluster-store credentials). Each
 * shape spreads this into its own schema; only the window defaults differ between them.
 */
export function commonConfigShape(windows: { tokens: number; overlap: number }) {
  return {
    host: z.string().min(1).default('127.0.0.1'),
    /** gRPC port on the same host (standalone: the public API, off when unset). */
    grpcPort: z.coerce.number().int().min(1).max(65535).optional(),
    defaultTenant: z
      .string()
      .regex(/^[A-Za-z0-9._:-]{1,128}$/)
      .default('default'),
    windowTokens: z.coerce.number().int().min(32).max(8192).default(windows.tokens),
    windowOverlap: z.coerce.number().int().min(0).max(4096).default(windows.overlap),
    embedder: z.enum(['auto', 'onnx', 'openai', 'hashing']).default('auto'),
    embeddingModelDir: z.string().optional(),
    embeddingBaseUrl: z.string().url().optional(),
    embeddingApiKey: z.string().optional(),
    embeddingModel: z.string().optional(),
    embeddingDimensions: z.coerce.number().int().min(8).max(8192).optional(),
    bodyLimit: z.string().default('20mb'),
    swagger: envBool.default('true'),
    logLevel: z.enum(['error', 'warn', 'log', 'debug', 'verbose']).default('log'),
    /** `text` for humans, `json` for one JSON object per line (log shippers). */
    logFormat: z.enum(['text', 'json']).default('text'),
    neo4jUser: z.string().optional(),
    neo4jPassword: z.string().optional(),
    /** Prefix of every index, collection and node namespace on the cluster stores. */
    clusterNamespace: z
      .string()
      .regex(/^[a-z][a-z0-9_]{0,62}$/, 'lowercase letters, digits and _')
      .default('engram'),
  };
}

/** ENGRAM_* variables every shape reads, and the config field each one sets. */
export const COMMON_ENV = {
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
} as const;

/** Copies the variables of `table` that are set (and not blank) onto `raw`, under their field names. */
export function readEnv(
  table: Record<string, string>,
  env: NodeJS.ProcessEnv,
  raw: Record<string, string | number> = {},
): Record<string, string | number> {
  for (const [k, field] of Object.entries(table))
    if (env[k] !== undefined && env[k] !== '') raw[field] = env[k]!;
  return raw;
}

/** The checks across common fields (for a schema's superRefine): windows fit, embedder=openai is complete. */
export function checkCommonConfig(
  c: {
    windowTokens: number;
    windowOverlap: number;
    embedder: string;
    embeddingBaseUrl?: string;
    embeddingModel?: string;
    embeddingDimensions?: number;
  },
  ctx: z.RefinementCtx,
): void {
  if (!(c.windowOverlap < c.windowTokens))
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      message: 'windowOverlap must be smaller than windowTokens',
      path: ['windowOverlap'],
    });
  if (c.embedder === 'openai' && !(c.embeddingBaseUrl && c.embeddingModel && c.embeddingDimensions))
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      message:
        'embedder=openai needs ENGRAM_EMBEDDING_BASE_URL, ENGRAM_EMBEDDING_MODEL and ENGRAM_EMBEDDING_DIMENSIONS',
      path: ['embedder'],
    });
}

/** `invalid <what>: path: message; …` from a failed parse. */
export function configError(what: string, error: z.ZodError): Error {
  return new Error(
    `invalid ${what}: ${error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
  );
}
