import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CachedEmbedder } from './cached-embedder';
import { createEmbedder, DEGRADED_WARNING, resolveDefaultEmbedder } from './factory';
import { HashingEmbedder } from './hashing-embedder';
import { describeWithModel } from './model-gate.spec-helper';
import { defaultModelDir } from './model-files';
import { OnnxEmbedder } from './onnx-embedder';
import { OpenAiEmbedder } from './openai-embedder';

describe('createEmbedder', () => {
  it('builds the hashing and openai providers', async () => {
    expect(await createEmbedder({ provider: 'hashing', hashing: { dimension: 64 } })).toBeInstanceOf(
      HashingEmbedder,
    );
    const openai = await createEmbedder({
      provider: 'openai',
      openai: { baseUrl: 'http://127.0.0.1:1/v1', apiKey: 'k', model: 'm', dimensions: 8 },
    });
    expect(openai).toBeInstanceOf(OpenAiEmbedder);
    expect(openai.dimension).toBe(8);
  });

  it('wraps in a query cache when asked', async () => {
    expect(await createEmbedder({ provider: 'hashing', queryCacheSize: 10 })).toBeInstanceOf(CachedEmbedder);
  });

  it('fails clearly for onnx without a model and openai without options', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'engram-nomodel-'));
    try {
      await expect(createEmbedder({ provider: 'onnx', modelDir: empty })).rejects.toThrow(
        /install-model\.mjs/,
      );
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
    await expect(createEmbedder({ provider: 'openai' })).rejects.toThrow(/openai options/);
  });
});

describe('resolveDefaultEmbedder', () => {
  it('falls back to hashing with a loud warning when the model is missing', async () => {
    const warnings: string[] = [];
    const e = await resolveDefaultEmbedder({
      modelDir: join(tmpdir(), 'engram-does-not-exist'),
      log: { warn: (m) => warnings.push(m) },
    });
    expect(e).toBeInstanceOf(HashingEmbedder);
    expect(warnings.join('\n')).toContain(DEGRADED_WARNING);
  });

  it('honours ENGRAM_EMBEDDING_MODEL_DIR', () => {
    expect(defaultModelDir({ ENGRAM_EMBEDDING_MODEL_DIR: '/opt/models/x' })).toBe('/opt/models/x');
    expect(defaultModelDir({})).toMatch(/\.cache[\\/]models[\\/]all-MiniLM-L6-v2-int8$/);
  });
});

describeWithModel('resolveDefaultEmbedder with the installed model', (modelDir) => {
  it('returns the cached ONNX embedder without warning', async () => {
    const warnings: string[] = [];
    const e = await resolveDefaultEmbedder({ modelDir, log: { warn: (m) => warnings.push(m) } });
    expect(e).toBeInstanceOf(CachedEmbedder);
    expect(e.id).toBe('onnx:all-MiniLM-L6-v2-int8:384');
    expect(warnings).toEqual([]);
    await e.close?.();
  }, 60_000);

  it('createEmbedder builds the bare ONNX embedder', async () => {
    const e = await createEmbedder({ provider: 'onnx', modelDir, onnx: { intraOpThreads: 1 } });
    expect(e).toBeInstanceOf(OnnxEmbedder);
    await e.close?.();
  }, 60_000);
});
