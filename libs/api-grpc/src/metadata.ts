import { ValidationError } from '@engram/domain';
import type { Metadata } from '@grpc/grpc-js';

const TENANT_RE = /^[A-Za-z0-9._:-]{1,128}$/;

function first(md: Metadata | undefined, key: string): string | undefined {
  const v = md?.get(key)[0];
  return v === undefined ? undefined : String(v);
}

/** The tenant of a call: metadata `x-engram-tenant` (as the REST header), else the default. */
export function tenantOf(md: Metadata | undefined, fallback: string): string {
  const t = first(md, 'x-engram-tenant');
  if (t === undefined || t === '') return fallback;
  if (!TENANT_RE.test(t))
    throw new ValidationError('x-engram-tenant must be 1-128 characters of [A-Za-z0-9._:-]');
  return t;
}

/** Metadata `idempotency-key` wins over the request field, as the REST header does over the body. */
export function idempotencyKeyOf(md: Metadata | undefined, fieldKey: string | undefined): string | undefined {
  const k = first(md, 'idempotency-key') ?? fieldKey;
  if (k === undefined) return undefined;
  if (!k.trim() || k.length > 256) throw new ValidationError('idempotency key must be 1-256 characters');
  return k;
}
