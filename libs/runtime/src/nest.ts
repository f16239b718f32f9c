import 'reflect-metadata';
import { type DynamicModule, type INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MetricsModule } from '@engram/observability';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { ServiceConfig } from './config';
import type { ServiceLifecycle } from './lifecycle';
import { ProbesModule } from './probes';

export const VERSION = '0.1.0';

@Module({})
class ServiceRootModule {}

/**
 * The service's Nest app: its modules plus the probes, JSON body limit, log level. The app's close
 * (HTTP + connected gRPC servers, finishing in-flight calls) is the lifecycle's first step: stop intake.
 */
export async function createServiceApp(
  cfg: ServiceConfig,
  lifecycle: ServiceLifecycle,
  modules: DynamicModule[],
  probe: { health: boolean; describe: () => Record<string, unknown> },
): Promise<INestApplication> {
  const root: DynamicModule = {
    module: ServiceRootModule,
    imports: [
      ...modules,
      ProbesModule.register({ lifecycle, version: VERSION, ...probe }),
      // GET /metrics and request ids on every service; /ready stays the lifecycle-aware probe above
      MetricsModule.forRoot({ serveReady: false }),
    ],
  };
  const app = await NestFactory.create<NestExpressApplication>(root, {
    bodyParser: false,
    logger: levels(cfg.logLevel),
  });
  app.useBodyParser('json', { limit: cfg.bodyLimit });
  lifecycle.onShutdown('stop intake (http/grpc servers)', () => app.close());
  return app;
}

export function levels(level: ServiceConfig['logLevel']): ('error' | 'warn' | 'log' | 'debug' | 'verbose')[] {
  const all = ['error', 'warn', 'log', 'debug', 'verbose'] as const;
  return all.slice(0, all.indexOf(level) + 1);
}
