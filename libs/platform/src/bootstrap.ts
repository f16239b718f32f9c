import type { DynamicModule, INestApplication } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import type { MicroserviceOptions } from '@nestjs/microservices';
import { loadServiceConfig, type ServiceConfig, type ServiceName } from './config';
import { ServiceLifecycle } from './lifecycle';
import { useServiceLogger } from './logging';
import { createServiceApp } from './nest';
import { createServiceMetrics, type ServiceMetrics } from './service-metrics';

/** What a service's setup gets: its config, logger, lifecycle (signals wired) and metrics. */
export interface ServiceContext {
  cfg: ServiceConfig;
  log: Logger;
  lifecycle: ServiceLifecycle;
  metrics: ServiceMetrics;
}

/** What a service is made of; the rest of its boot is the same for every service. */
export interface ServicePlan {
  /** Its Nest modules (REST routes, gRPC controllers); the probes and /metrics are added. */
  modules: DynamicModule[];
  /** `health: false` when a module of its own serves /health (the REST gateway). */
  probe: { health: boolean; describe: () => Record<string, unknown> };
  /** A gRPC server on the same app (`grpcServerOptions(…)`), started before HTTP listens. */
  microservice?: MicroserviceOptions;
  /**
   * Runs once the app exists and before it serves: start consumers, boot recovery, OpenAPI. Register
   * shutdown steps here, in the order they should run after "stop intake" (the app's close, always
   * the first step): stop consumers, drain, close the bus, close the stores.
   */
  start?(app: INestApplication): Promise<void> | void;
  /** The line logged once the service is ready, given the HTTP URL. */
  banner(url: string): string;
}

/**
 * The boot every cluster service shares: config from ENGRAM_* → logger → lifecycle with SIGTERM/SIGINT
 * → metrics → the service's own `setup` → Nest app (+ probes, /metrics) → `start` → gRPC server →
 * HTTP listen → ready. Any failure on the way is printed and exits 1.
 */
export function bootstrapService(
  service: ServiceName,
  setup: (ctx: ServiceContext) => Promise<ServicePlan> | ServicePlan,
): void {
  const boot = async () => {
    const cfg = loadServiceConfig(service, process.env);
    useServiceLogger(cfg);
    const log = new Logger(service);
    const lifecycle = new ServiceLifecycle(service);
    lifecycle.exitOnSignals(cfg.shutdownTimeoutMs);
    const metrics = createServiceMetrics(cfg);
    const plan = await setup({ cfg, log, lifecycle, metrics });
    const app = await createServiceApp(cfg, lifecycle, plan.modules, plan.probe, metrics);
    await plan.start?.(app);
    if (plan.microservice) {
      app.connectMicroservice(plan.microservice);
      await app.startAllMicroservices();
    }
    await app.listen(cfg.port, cfg.host);
    lifecycle.markReady();
    log.log(plan.banner(await app.getUrl()));
  };
  boot().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
