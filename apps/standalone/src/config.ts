import { resolve } from 'node:path';
import { z } from 'zod';
import { checkCommonConfig, COMMON_ENV, commonConfigShape, configError, readEnv } from '@engram/platform';

/** The standalone app's one config object, from env (ENGRAM_*) and CLI flags, validated at boot. */
export const StandaloneConfigSchema = z
  .object({
    // the ENGRAM_* settings shared with the cluster services (grpcPort unset = no gRPC server)
    ...commonConfigShape({ tokens: 128, overlap: 32 }),
    dataDir: z.string().min(1).default('.data'),
    port: z.coerce.number().int().min(0).max(65535).default(8001),
    /** Where memories live: embedded SQLite/HNSW in dataDir, or the cluster servers (OpenSearch, Milvus, Neo4j). */
    stores: z.enum(['embedded', 'cluster']).default('embedded'),
    opensearchUrl: z.string().url().optional(),
    milvusAddress: z.string().min(1).optional(),
    neo4jUri: z.string().min(1).optional(),
  })
  .refine((c) => c.stores !== 'cluster' || (c.opensearchUrl && c.milvusAddress && c.neo4jUri), {
    message: 'stores=cluster needs ENGRAM_OPENSEARCH_URL, ENGRAM_MILVUS_ADDRESS and ENGRAM_NEO4J_URI',
    path: ['stores'],
  })
  .superRefine(checkCommonConfig);
export type StandaloneConfig = z.infer<typeof StandaloneConfigSchema>;

const ENV: Record<string, keyof StandaloneConfig> = {
  ...COMMON_ENV,
  ENGRAM_DATA_DIR: 'dataDir',
  ENGRAM_STORES: 'stores',
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
  const raw = readEnv(ENV, env);
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.split('=', 2) as [string, string | undefined];
    const field = FLAGS[flag];
    if (!field) throw new Error(`unknown option ${flag}; known: ${Object.keys(FLAGS).join(', ')}`);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`option ${flag} needs a value`);
    raw[field] = value;
  }
  const r = StandaloneConfigSchema.safeParse(raw);
  if (!r.success) throw configError('configuration', r.error);
  return { ...r.data, dataDir: resolve(r.data.dataDir) };
}
