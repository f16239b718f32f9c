/**
 * Document vectors of the benchmark corpus, cached by content so a re-run, a resumed run or a changed
 * corpus (e.g. other window settings) embeds only texts it has never seen. One append-only file of
 * fixed-size records, [sha256(text) | dimension × float32]; a torn last record is dropped on open.
 */
import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import type { Embedder } from '@engram/ports';

const HASH_BYTES = 32;
/** Texts per embedder call: large, so the embedder's length-sorted batches waste little on padding. */
const CHUNK = 1024;

interface Sidecar {
  embedder: string;
  dimension: number;
  format: 'sha256-f32';
}

const hashOf = (text: string): Buffer => createHash('sha256').update(text).digest();

export interface EmbedProgress {
  done: number;
  total: number;
  docsPerSec: number;
}

export interface EmbedStats {
  cached: number;
  embedded: number;
  seconds: number;
  docsPerSec: number;
}

export class VectorCache {
  private readonly byHash = new Map<string, Float32Array>();
  private readonly recordBytes: number;

  private constructor(
    private readonly path: string,
    readonly dimension: number,
  ) {
    this.recordBytes = HASH_BYTES + dimension * 4;
  }

  /** Opens (or starts) the cache at `path` for this embedder; a cache of another embedder is discarded. */
  static open(path: string, embedder: { id: string; dimension: number }): VectorCache {
    mkdirSync(dirname(path), { recursive: true });
    const meta: Sidecar = { embedder: embedder.id, dimension: embedder.dimension, format: 'sha256-f32' };
    const prev = existsSync(`${path}.json`)
      ? (JSON.parse(readFileSync(`${path}.json`, 'utf8')) as Partial<Sidecar>)
      : null;
    const same =
      prev &&
      prev.embedder === meta.embedder &&
      prev.dimension === meta.dimension &&
      prev.format === meta.format;
    if (!same) {
      writeFileSync(path, Buffer.alloc(0));
      writeFileSync(`${path}.json.tmp`, JSON.stringify(meta));
      renameSync(`${path}.json.tmp`, `${path}.json`);
    }
    const cache = new VectorCache(path, embedder.dimension);
    cache.load();
    return cache;
  }

  get size(): number {
    return this.byHash.size;
  }

  /** Embeds and appends every text not cached yet. */
  async ensure(
    texts: string[],
    embedder: Embedder,
    onProgress?: (p: EmbedProgress) => void,
  ): Promise<EmbedStats> {
    const missing = [...new Set(texts)].filter((t) => !this.byHash.has(hashOf(t).toString('hex')));
    const started = performance.now();
    for (let i = 0; i < missing.length; i += CHUNK) {
      const chunk = missing.slice(i, i + CHUNK);
      this.append(chunk, await embedder.embed(chunk, 'document'));
      const done = i + chunk.length;
      onProgress?.({
        done,
        total: missing.length,
        docsPerSec: done / ((performance.now() - started) / 1000),
      });
    }
    const seconds = (performance.now() - started) / 1000;
    return {
      cached: texts.length - missing.length,
      embedded: missing.length,
      seconds,
      docsPerSec: missing.length ? missing.length / seconds : 0,
    };
  }

  /** The cached vectors of `texts`, in order; throws on a text that was never embedded. */
  vectors(texts: string[]): Float32Array[] {
    return texts.map((t) => {
      const v = this.byHash.get(hashOf(t).toString('hex'));
      if (!v) throw new Error(`no cached vector for ${JSON.stringify(t.slice(0, 80))}`);
      return v;
    });
  }

  private load(): void {
    const size = statSync(this.path).size;
    const whole = Math.floor(size / this.recordBytes);
    if (whole * this.recordBytes !== size) {
      const fd = openSync(this.path, 'r+');
      try {
        ftruncateSync(fd, whole * this.recordBytes); // a record torn by a crash mid-append
      } finally {
        closeSync(fd);
      }
    }
    const raw = readFileSync(this.path);
    // Float32Array views need 4-byte alignment; copy in the unlikely case the Buffer is not aligned.
    const buf = raw.byteOffset % 4 === 0 ? raw : Buffer.from(raw);
    for (let r = 0; r < whole; r++) {
      const off = r * this.recordBytes;
      const hash = buf.subarray(off, off + HASH_BYTES).toString('hex');
      this.byHash.set(hash, new Float32Array(buf.buffer, buf.byteOffset + off + HASH_BYTES, this.dimension));
    }
  }

  private append(texts: string[], vectors: Float32Array[]): void {
    const out = Buffer.alloc(texts.length * this.recordBytes);
    texts.forEach((t, i) => {
      const off = i * this.recordBytes;
      const hash = hashOf(t);
      hash.copy(out, off);
      const v = vectors[i]!;
      Buffer.from(v.buffer, v.byteOffset, v.byteLength).copy(out, off + HASH_BYTES);
      this.byHash.set(
        hash.toString('hex'),
        new Float32Array(out.buffer, out.byteOffset + off + HASH_BYTES, this.dimension),
      );
    });
    const fd = openSync(this.path, 'a');
    try {
      writeSync(fd, out);
    } finally {
      closeSync(fd);
    }
  }
}
