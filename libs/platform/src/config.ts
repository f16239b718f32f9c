import { z } from 'zod';
import {
  checkCommonConfig,
  COMMON_ENV,
  commonConfigShape,
  configError,
  envBool,
  readEnv,
} from './common-config';

/**
 * The one config object every cluster service builds at boot from ENGRAM_* (validated; boot fails
 * listing every problem). Services share it so that stores, embedder and bus agree across processes.
 */
export const ServiceConfigSchema = z.object({
  service: z.enum(['gateway', 'ingestion', 'mem-reader', 'scheduler', 'retrieval']),
  // the common ENGRAM_* settings; grpcPort serves engram.v1.MemoryService (gateway) or the internal
  // service (ingestion, retrieval)
  ...commonConfigShape({ tokens: 256, overlap: 64 }),
  /** HTTP port: the REST API (gateway) or only /health + /ready (the others). */
  port: z.coerce.number().int().min(0).max(65535),
  /** The cluster stores; required by the services that open them (see `opensStores`). */
  opensearchUrl: z.string().url().optional(),
  milvusAddress: z.string().min(1).optional(),
  neo4jUri: z.string().min(1).optional(),
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
  fineMode: envBool.default('true'),
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
  ...COMMON_ENV,
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
  readEnv(ENV, env, raw);
  const r = ServiceConfigSchema.superRefine(checkCommonConfig)
    .refine((c) => !c.ingestionAddress === !c.retrievalAddress, {
      message: 'set both ENGRAM_INGESTION_ADDRESS and ENGRAM_RETRIEVAL_ADDRESS, or neither',
      path: ['ingestionAddress'],
    })
    .superRefine((c, ctx) => {
      if (!opensStores(c)) return;
      for (const [field, env] of STORE_ENV)
        if (!c[field])
          ctx.addIssue({ code: 'custom', path: [field], message: `${env} is required by the ${c.service}` });
    })
    .safeParse(raw);
  if (!r.success) throw configError(`${service} configuration`, r.error);
  return r.data;
}

const STORE_ENV = [
  ['opensearchUrl', 'ENGRAM_OPENSEARCH_URL'],
  ['milvusAddress', 'ENGRAM_MILVUS_ADDRESS'],
  ['neo4jUri', 'ENGRAM_NEO4J_URI'],
] as const;

/**
 * Whether a service works on the stores itself: the scheduler never does, nor a gateway that sends
 * reads and writes to the retrieval and ingestion services.
 */
export function opensStores(c: Pick<ServiceConfig, 'service' | 'ingestionAddress'>): boolean {
  return c.service !== 'scheduler' && !(c.service === 'gateway' && c.ingestionAddress);
}
