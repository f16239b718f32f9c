import { createHash } from 'node:crypto';

/**
 * Deterministic UUID (v8 layout, SHA-256 based) from its parts. The same tenant, cube and source ids
 * always give the same memory id, so a retried add overwrites instead of duplicating.
 */
export function deterministicId(...parts: string[]): string {
  const h = createHash('sha256');
  for (const p of parts) {
    h.update(String(p.length));
    h.update(':');
    h.update(p);
  }
  const b = h.digest();
  b[6] = (b[6]! & 0x0f) | 0x80; // version 8 (custom)
  b[8] = (b[8]! & 0x3f) | 0x80; // RFC 4122 variant
  const hex = b.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** Stable content hash used as the idempotency key when the caller gives none. */
export function contentHash(value: unknown): string {
  return createHash('sha256').update(stableStringify(value)).digest('hex');
}

/** One step of stableStringify: literal text, a value to write, or the end of a container being written. */
type StringifyStep = string | { value: unknown } | { leave: object };

/**
 * JSON with object keys sorted and undefined members left out, so equal values always hash the same.
 * Iterative (a caller's JSON can nest deeper than the call stack); a cyclic value is a TypeError.
 */
export function stableStringify(value: unknown): string {
  const out: string[] = [];
  const open = new Set<object>();
  const todo: StringifyStep[] = [{ value }];
  while (todo.length) {
    const step = todo.pop()!;
    if (typeof step === 'string') {
      out.push(step);
      continue;
    }
    if ('leave' in step) {
      open.delete(step.leave);
      continue;
    }
    const v = step.value;
    if (v === null || typeof v !== 'object') {
      out.push(JSON.stringify(v) ?? 'null');
      continue;
    }
    if (open.has(v)) throw new TypeError('stableStringify: the value contains itself');
    open.add(v);
    const steps: StringifyStep[] = [];
    if (Array.isArray(v)) {
      steps.push('[');
      for (let i = 0; i < v.length; i++) {
        if (i) steps.push(',');
        if (i in v) steps.push({ value: v[i] });
      }
      steps.push(']');
    } else {
      const obj = v as Record<string, unknown>;
      const keys = Object.keys(obj)
        .filter((k) => obj[k] !== undefined)
        .sort();
      steps.push('{');
      keys.forEach((k, i) => {
        steps.push(`${i ? ',' : ''}${JSON.stringify(k)}:`);
        steps.push({ value: obj[k] });
      });
      steps.push('}');
    }
    steps.push({ leave: v });
    for (let i = steps.length - 1; i >= 0; i--) todo.push(steps[i]!);
  }
  return out.join('');
}

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
