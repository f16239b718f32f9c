import { Controller, UseFilters } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { NotFoundError } from '@engram/domain';
import type { HealthCheckRequest, HealthCheckResponse, HealthListResponse } from '@engram/contracts';
import { map, type Observable } from 'rxjs';
import { GrpcErrorFilter } from '../errors';
import { GrpcHealthRegistry } from './health-registry';

/** The standard gRPC health protocol (Kubernetes gRPC probes, grpc_health_probe, load balancers). */
@Controller()
@UseFilters(GrpcErrorFilter)
export class GrpcHealthController {
  constructor(private readonly registry: GrpcHealthRegistry) {}

  @GrpcMethod('Health', 'Check')
  check(req: HealthCheckRequest): HealthCheckResponse {
    const status = this.registry.get(req.service);
    if (status === undefined) throw new NotFoundError(`unknown service '${req.service}'`);
    return { status };
  }

  @GrpcMethod('Health', 'List')
  list(): HealthListResponse {
    const statuses: HealthListResponse['statuses'] = {};
    for (const [service, status] of this.registry.all()) statuses[service] = { status };
    return { statuses };
  }

  @GrpcMethod('Health', 'Watch')
  watch(req: HealthCheckRequest): Observable<HealthCheckResponse> {
    return this.registry.watch(req.service).pipe(map((status) => ({ status })));
  }
}
