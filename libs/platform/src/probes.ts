import { Controller, type DynamicModule, Get, HttpException, Inject, Module } from '@nestjs/common';
import type { ServiceLifecycle } from './lifecycle';

const PROBES = Symbol('PROBES');

interface ProbeOptions {
  lifecycle: ServiceLifecycle;
  version: string;
  describe: () => Record<string, unknown>;
}

/** `/ready`: 200 once the service has its stores/bus/consumers up, 503 before and while stopping. */
@Controller()
class ReadyController {
  constructor(@Inject(PROBES) private readonly o: ProbeOptions) {}

  @Get('ready')
  ready() {
    if (!this.o.lifecycle.ready)
      throw new HttpException({ status: 'not_ready', service: this.o.lifecycle.service }, 503);
    return { status: 'ready', service: this.o.lifecycle.service };
  }
}

/** `/health`: liveness (the process serves HTTP), with what the service runs on. */
@Controller()
class LiveController {
  constructor(@Inject(PROBES) private readonly o: ProbeOptions) {}

  @Get('health')
  health() {
    return {
      status: 'healthy',
      service: this.o.lifecycle.service,
      version: this.o.version,
      ...this.o.describe(),
    };
  }
}

@Module({})
export class ProbesModule {
  /** `health: false` when another module (the REST gateway) already serves /health. */
  static register(o: ProbeOptions & { health: boolean }): DynamicModule {
    return {
      module: ProbesModule,
      controllers: o.health ? [LiveController, ReadyController] : [ReadyController],
      providers: [{ provide: PROBES, useValue: o }],
    };
  }
}
