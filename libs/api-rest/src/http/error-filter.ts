import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger, NotFoundException } from '@nestjs/common';
import { NotFoundError, PayloadTooLargeError, UnavailableError, ValidationError } from '@engram/domain';
import type { Request, Response } from 'express';
import { allowedMethods } from './allowed-methods';

/** Every error leaves as the MemOS envelope with a status that says whose fault it was. */
@Catch()
export class EnvelopeErrorFilter implements ExceptionFilter {
  private readonly log = new Logger('http');

  catch(err: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const req = host.switchToHttp().getRequest<Request>();
    // Nest's "no route" is a NotFoundException; a path that exists under other methods is a 405
    const allow = err instanceof NotFoundException ? allowedMethods(req) : [];
    if (allow.length) {
      res.status(405).set('allow', allow.join(', ')).json({ code: 405, message: `${req.method} is not served at ${req.path}; allowed: ${allow.join(', ')}`, data: null });
      return;
    }
    const [status, message] = classify(err);
    if (status >= 500) this.log.error((err as Error)?.stack ?? String(err));
    res.status(status).json({ code: status, message, data: null });
  }
}

function classify(err: unknown): [number, string] {
  if (err instanceof PayloadTooLargeError) return [413, err.message];
  if (err instanceof ValidationError) return [400, err.message];
  if (err instanceof NotFoundError) return [404, err.message];
  if (err instanceof UnavailableError) return [422, err.message];
  if (err instanceof HttpException) {
    const r = err.getResponse();
    const m = typeof r === 'string' ? r : ((r as { message?: unknown }).message ?? err.message);
    const text = Array.isArray(m) ? m.join('; ') : String(m);
    // Nest re-throws body-parser's JSON syntax errors as a bare 400
    if (err.getStatus() === 400 && /JSON/.test(text) && !text.startsWith('invalid request')) return [400, `malformed JSON body: ${text}`];
    return [err.getStatus(), text];
  }
  // body-parser errors (malformed JSON, too large) carry a status
  const e = err as { status?: number; statusCode?: number; message?: string; type?: string };
  const status = e?.status ?? e?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return [status, e.type === 'entity.parse.failed' ? `malformed JSON body: ${e.message}` : (e.message ?? 'bad request')];
  }
  return [500, 'internal error'];
}
