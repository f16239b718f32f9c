import { Inject, Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import { HealthCheckResponse_ServingStatus as Status } from '@engram/contracts';
import { concat, defer, distinctUntilChanged, filter, map, Observable, of, Subject, takeUntil } from 'rxjs';
import { GRPC_HEALTH_OPTIONS, type GrpcHealthOptions } from '../tokens';

/**
 * Serving status per service for `grpc.health.v1.Health`. "" is the server as a whole. Everything starts
 * SERVING; on shutdown everything turns NOT_SERVING and Watch streams end, so load balancers stop
 * routing here and a graceful gRPC shutdown is not held open by watchers.
 */
@Injectable()
export class GrpcHealthRegistry implements BeforeApplicationShutdown {
  private readonly statuses = new Map<string, Status>();
  private readonly changes = new Subject<{ service: string; status: Status }>();
  private readonly closed = new Subject<void>();

  constructor(@Inject(GRPC_HEALTH_OPTIONS) opts: GrpcHealthOptions) {
    for (const s of ['', ...opts.services]) this.statuses.set(s, Status.SERVING);
  }

  /** Undefined for a service this process does not serve. */
  get(service: string): Status | undefined {
    return this.statuses.get(service);
  }

  set(service: string, status: Status): void {
    this.statuses.set(service, status);
    this.changes.next({ service, status });
  }

  all(): Map<string, Status> {
    return new Map(this.statuses);
  }

  /** The current status (SERVICE_UNKNOWN if unknown), then every change, until shutdown. */
  watch(service: string): Observable<Status> {
    const now = defer(() => of(this.statuses.get(service) ?? Status.SERVICE_UNKNOWN));
    const later = this.changes.pipe(
      filter((c) => c.service === service),
      map((c) => c.status),
    );
    return concat(now, later).pipe(distinctUntilChanged(), takeUntil(this.closed));
  }

  beforeApplicationShutdown(): void {
    for (const s of this.statuses.keys()) this.set(s, Status.NOT_SERVING);
    this.closed.next();
    this.closed.complete();
  }
}
