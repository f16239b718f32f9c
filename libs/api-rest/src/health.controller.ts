import { Controller, Get, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { GATEWAY_OPTIONS, type GatewayOptions } from './tokens';

@ApiTags('health')
@Controller()
export class HealthController {
  constructor(@Inject(GATEWAY_OPTIONS) private readonly opts: GatewayOptions) {}

  @Get('health')
  health() {
    return { status: 'healthy', service: this.opts.service, version: this.opts.version, ...this.opts.describe() };
  }
}
