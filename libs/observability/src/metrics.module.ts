import {
  type BeforeApplicationShutdown,
  Controller,
  type DynamicModule,
  Get,
  Inject,
  Injectable,
  Logger,
  type MiddlewareConsumer,
  Module,
  type NestMiddleware,
  type NestModule,
  RequestMethod,
  Res,
} from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import { EngramMetrics, type MetricsOptions } from './metrics';
import { checkReadiness, type ReadinessProbe } from './readiness';
import { REQUEST_ID_HEADER, requestIdFrom, runWithRequestContext } from './request-context';

export interface ObservabilityOptions extends MetricsOptions {
  /** Use this metrics instance (e.g. one the bus observer already feeds) instead of a new one. */
  metrics?: EngramMetrics;
  /** What GET /ready checks. None: ready whenever the process serves HTTP. */
  probes?: readonly ReadinessProbe[] | (() => readonly ReadinessProbe[]);
  /**
   * Level of the one-line access log per request (method, route, status, duration, request id);
   * default `debug`, `off` for none.
   */
  accessLog?: 'off' | 'log' | 'debug' | 'verbose';
  /** Serve `GET /ready` here; false when the app already has its own readiness route. Default true. */
  serveReady?: boolean;
}

export const OBSERVABILITY_OPTIONS = Symbol('OBSERVABILITY_OPTIONS');

/** Request ids, latency histogram and access log for every HTTP request. */
@Injectable()
export class HttpObservabilityMiddleware implements NestMiddleware {
  private readonly log = new Logger('http');

  constructor(
    private readonly metrics: EngramMetrics,
    @Inject(OBSERVABILITY_OPTIONS) private readonly opts: ObservabilityOptions,
  ) {}

  use(req: Request, res: Response, next: NextFunction): void {
    const requestId = requestIdFrom(req.headers[REQUEST_ID_HEADER]);
    res.setHeader(REQUEST_ID_HEADER, requestId);
    const started = process.hrtime.bigint();
    // Nest mounts this middleware as a wildcard route: if req.route is still that one when the
    // response finishes, no controller route matched
    const own = req.route as unknown;
    res.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = req.route === own ? 'unmatched' : routeOf(req);
      this.metrics.observeHttp(req.method, route, res.statusCode, seconds);
      const level = this.opts.accessLog ?? 'debug';
      if (level !== 'off') {
        runWithRequestContext({ requestId }, () =>
          this.log[level]({
            msg: 'request',
            method: req.method,
            route,
            status: res.statusCode,
            duration_ms: Math.round(seconds * 1e4) / 10,
            request_id: requestId,
          }),
        );
      }
    });
    runWithRequestContext({ requestId }, () => next());
  }
}

/**
 * The route template Express matched (`/product/get_memory/:id`), never the raw path, so the label
 * set stays small. Requests no route matched are `unmatched`.
 */
function routeOf(req: Request): string {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof path !== 'string') return 'unmatched';
  return `${req.baseUrl ?? ''}${path}` || '/';
}

@Injectable()
export class ShutdownState implements BeforeApplicationShutdown {
  shuttingDown = false;
  beforeApplicationShutdown(): void {
    this.shuttingDown = true;
  }
}

@ApiTags('operations')
@Controller()
export class MetricsController {
  constructor(private readonly metrics: EngramMetrics) {}

  @Get('metrics')
  @ApiExcludeEndpoint()
  async scrape(@Res() res: Response): Promise<void> {
    const { contentType, body } = await this.metrics.scrape();
    res.setHeader('content-type', contentType);
    res.setHeader('cache-control', 'no-store');
    res.status(200).send(body);
  }
}

@ApiTags('operations')
@Controller()
export class ObservabilityController {
  constructor(
    private readonly shutdown: ShutdownState,
    @Inject(OBSERVABILITY_OPTIONS) private readonly opts: ObservabilityOptions,
  ) {}

  @Get('ready')
  @ApiOkResponse({
    description: 'Every readiness probe passed: `{status: "ready", checks: {name: {status, duration_ms}}}`',
  })
  @ApiServiceUnavailableResponse({
    description: 'A probe failed or the service is shutting down (`status: "not_ready"`)',
  })
  async ready(@Res() res: Response): Promise<void> {
    const probes = typeof this.opts.probes === 'function' ? this.opts.probes() : (this.opts.probes ?? []);
    const report = await checkReadiness(probes, this.shutdown.shuttingDown);
    res.setHeader('cache-control', 'no-store');
    res.status(report.status === 'ready' ? 200 : 503).json(report);
  }
}

/**
 * Observability for a NestJS app: `GET /metrics` (Prometheus), `GET /ready` (readiness probes), a
 * request id on every request (`x-request-id`, taken from the caller or generated, echoed in the
 * response and attached to log lines) and the HTTP latency histogram. Global: import it once.
 */
@Module({})
export class MetricsModule implements NestModule {
  static forRoot(options: ObservabilityOptions = {}): DynamicModule {
    const metrics = options.metrics ?? new EngramMetrics(options);
    return {
      module: MetricsModule,
      global: true,
      controllers:
        options.serveReady === false ? [MetricsController] : [MetricsController, ObservabilityController],
      providers: [
        { provide: EngramMetrics, useValue: metrics },
        { provide: OBSERVABILITY_OPTIONS, useValue: options },
        ShutdownState,
        HttpObservabilityMiddleware,
      ],
      exports: [EngramMetrics],
    };
  }

  /** `root` and this module together, for a composition root that builds its module tree as a value. */
  static around(
    root: DynamicModule | (new (...args: never[]) => unknown),
    options: ObservabilityOptions = {},
  ): DynamicModule {
    return { module: ObservedAppModule, imports: [root, MetricsModule.forRoot(options)] };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpObservabilityMiddleware).forRoutes({ path: '*path', method: RequestMethod.ALL });
  }
}

@Module({})
class ObservedAppModule {}
