import { assertSafeText, ValidationError } from '@engram/domain';
import type { Request } from 'express';

const TENANT_RE = /^[A-Za-z0-9._:-]{1,128}$/;

/** The tenant of a request: header `x-engram-tenant`, else the configured default. */
export function tenantOf(req: Request, fallback: string): string {
  const h = req.headers['x-engram-tenant'];
  const t = Array.isArray(h) ? h[0] : h;
  if (t === undefined || t === '') return fallback;
  if (!TENANT_RE.test(t)) throw new ValidationError('x-engram-tenant must be 1-128 characters of [A-Za-z0-9._:-]');
  return t;
}

export function idempotencyKeyOf(req: Request, bodyKey?: string): string | undefined {
  const h = req.headers['idempotency-key'];
  const k = (Array.isArray(h) ? h[0] : h) ?? bodyKey;
  if (k === undefined) return undefined;
  if (!k.trim() || k.length > 256) throw new ValidationError('idempotency key must be 1-256 characters');
  assertSafeText(k, 'idempotency key');
  return k;
}
