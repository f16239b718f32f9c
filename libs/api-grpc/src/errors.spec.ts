import { Logger } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { NotFoundError, UnavailableError, ValidationError } from '@engram/domain';
import { Metadata, status } from '@grpc/grpc-js';
import { lastValueFrom } from 'rxjs';
import { GrpcErrorFilter, toGrpcError } from './errors';
import { idempotencyKeyOf, tenantOf } from './metadata';
import { AddRequestRules, check, SearchRequestRules } from './validation';
import { AddRequest, SearchRequest } from '@engram/contracts';

describe('gRPC errors', () => {
  it('maps domain errors to status codes, keeping the caller-facing message', () => {
    expect(toGrpcError(new ValidationError('bad field'))).toEqual({
      code: status.INVALID_ARGUMENT,
      message: 'bad field',
    });
    expect(toGrpcError(new NotFoundError('gone'))).toEqual({ code: status.NOT_FOUND, message: 'gone' });
    expect(toGrpcError(new UnavailableError('no LLM'))).toEqual({
      code: status.FAILED_PRECONDITION,
      message: 'no LLM',
    });
    expect(toGrpcError(new RpcException({ code: status.ABORTED, message: 'busy' }))).toEqual({
      code: status.ABORTED,
      message: 'busy',
    });
  });

  it('hides internal errors behind INTERNAL and logs them', () => {
    const spy = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    expect(toGrpcError(new Error('disk on fire at /secret/path'))).toEqual({
      code: status.INTERNAL,
      message: 'internal error',
    });
    expect(spy).toHaveBeenCalled();
    spy.mockRestore();
  });

  it('the filter turns a thrown error into an errored observable grpc-js understands', async () => {
    const out = new GrpcErrorFilter().catch(new ValidationError('nope'), {} as never);
    await expect(lastValueFrom(out)).rejects.toEqual({ code: status.INVALID_ARGUMENT, message: 'nope' });
  });
});

describe('gRPC metadata', () => {
  const md = (kv: Record<string, string>) => {
    const m = new Metadata();
    for (const [k, v] of Object.entries(kv)) m.set(k, v);
    return m;
  };

  it('reads the tenant, falling back to the default', () => {
    expect(tenantOf(undefined, 'default')).toBe('default');
    expect(tenantOf(md({ 'x-engram-tenant': 'acme' }), 'default')).toBe('acme');
    expect(() => tenantOf(md({ 'x-engram-tenant': 'a/b' }), 'default')).toThrow(ValidationError);
  });

  it('prefers the idempotency-key metadata over the field', () => {
    expect(idempotencyKeyOf(md({ 'idempotency-key': 'h' }), 'f')).toBe('h');
    expect(idempotencyKeyOf(md({}), 'f')).toBe('f');
    expect(idempotencyKeyOf(undefined, undefined)).toBeUndefined();
    expect(() => idempotencyKeyOf(md({ 'idempotency-key': ' ' }), undefined)).toThrow(
      'idempotency key must be 1-256 characters',
    );
  });
});

describe('gRPC request rules', () => {
  it('name every offending field', () => {
    expect(() => check(AddRequestRules, AddRequest.fromPartial({ user_id: '', mode: 'slow' }))).toThrow(
      'invalid request: user_id: must not be empty; mode: must be one of fast, fine; messages: messages is required',
    );
    expect(() =>
      check(SearchRequestRules, SearchRequest.fromPartial({ user_id: 'u', query: ' ', relativity: 1.5 })),
    ).toThrow(
      'invalid request: query: must not be empty; relativity: Number must be less than or equal to 1',
    );
  });

  it('accept "" as the default of a string enumeration', () => {
    expect(() =>
      check(SearchRequestRules, SearchRequest.fromPartial({ user_id: 'u', query: 'q' })),
    ).not.toThrow();
  });
});
