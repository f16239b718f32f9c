import { ValidationError } from '@engram/domain';

/** Unit-length copy (cosine then equals the dot product); a zero vector stays zero. */
export function normalize(v: Float32Array): Float32Array {
  let sum = 0;
  for (const x of v) sum += x * x;
  const out = new Float32Array(v.length);
  if (sum === 0) return out;
  const inv = 1 / Math.sqrt(sum);
  for (let i = 0; i < v.length; i++) out[i] = v[i]! * inv;
  return out;
}

export function checkVector(v: Float32Array, dimension: number, what: string): void {
  if (v.length !== dimension) {
    throw new ValidationError(`${what}: vector has ${v.length} dimensions, the index expects ${dimension}`);
  }
  if (!v.every(Number.isFinite)) throw new ValidationError(`${what}: vector contains NaN or Infinity`);
}

export const toBlob = (v: Float32Array): Buffer => Buffer.from(v.buffer, v.byteOffset, v.byteLength);

/** Copies out of the row buffer: SQLite blobs need not be 4-byte aligned for a Float32Array view. */
export const fromBlob = (b: Buffer): Float32Array =>
  new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
