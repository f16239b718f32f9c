import 'reflect-metadata';
import { type DynamicModule, type INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type EngramMetrics, MetricsModule } from '@engram/observability';
import { useJsonBody } from './http-body';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { ServiceConfig } from './config';
import type { ServiceLifecycle } from './lifecycle';
import { useServiceLogger } from './logging';
import { ProbesModule } from './probes';
import { createServiceMetrics } from './service-metrics';

export const VERSION = '0.1.0';

@Module({})
class ServiceRootModule {}

/**
 * The service's Nest app: its modules plus the probes, /metrics, JSON body limit, logger. The app's
 * close (HTTP + connected gRPC servers, finishing in-flight calls) is the lifecycle's first step:
 * stop intake. Pass the metrics the bus observer feeds (`createServiceMetrics`), or a bare one is made.
 */
export async function createServiceApp(
  cfg: ServiceConfig,
  lifecycle: ServiceLifecycle,
  modules: DynamicModule[],
  probe: { health: boolean; describe: () => Record<string, unknown> },
  metrics: EngramMetrics = createServiceMetrics(cfg),
): Promise<INestApplication> {
  const root: DynamicModule = {
    module: ServiceRootModule,
    imports: [
      ...modules,
      ProbesModule.register({ lifecycle, version: VERSION, ...probe }),
      // GET /metrics and request ids on every service; /ready stays the lifecycle-aware probe above
      MetricsModule.forRoot({ metrics, serveReady: false }),
    ],
  };
  const app = await NestFactory.create<NestExpressApplication>(root, {
    bodyParser: false,
    logger: useServiceLogger(cfg),
  });
  useJsonBody(app, cfg.bodyLimit);
  lifecycle.onShutdown('stop intake (http/grpc servers)', () => app.close());
  return app;
}
