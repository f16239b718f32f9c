import { type ArgumentsHost, Catch, Logger, type RpcExceptionFilter } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { NotFoundError, PayloadTooLargeError, UnavailableError, ValidationError } from '@engram/domain';
import { status } from '@grpc/grpc-js';
import { type Observable, throwError } from 'rxjs';

/** What grpc-js sends as the call's status: `code` and `message` (as `details`). */
export interface GrpcError {
  code: status;
  message: string;
}

const log = new Logger('grpc');

/** Domain errors to gRPC status codes: the caller's fault keeps its message, ours says only "internal". */
export function toGrpcError(err: unknown): GrpcError {
  if (err instanceof PayloadTooLargeError) return { code: status.RESOURCE_EXHAUSTED, message: err.message };
  if (err instanceof ValidationError) return { code: status.INVALID_ARGUMENT, message: err.message };
  if (err instanceof NotFoundError) return { code: status.NOT_FOUND, message: err.message };
  if (err instanceof UnavailableError) return { code: status.FAILED_PRECONDITION, message: err.message };
  if (err instanceof RpcException) {
    const e = err.getError();
    if (typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'number') {
      const { code, message } = e as { code: status; message?: unknown };
      return { code, message: typeof message === 'string' ? message : err.message };
    }
    return { code: status.UNKNOWN, message: typeof e === 'string' ? e : err.message };
  }
  log.error((err as Error)?.stack ?? String(err));
  return { code: status.INTERNAL, message: 'internal error' };
}

/** Every error a gRPC handler throws leaves as a proper status (Nest's default would send UNKNOWN). */
@Catch()
export class GrpcErrorFilter implements RpcExceptionFilter<unknown, never> {
  catch(err: unknown, _host: ArgumentsHost): Observable<never> {
    return throwError(() => toGrpcError(err));
  }
}
