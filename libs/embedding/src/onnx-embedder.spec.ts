import { describeEmbedderConformance } from '@engram/testing';
import { describeWithModel } from './model-gate.spec-helper';
import { OnnxEmbedder } from './onnx-embedder';
import { EMBEDDING_REFERENCE } from './reference.fixture';
import { cosine } from './vector';

describeWithModel('OnnxEmbedder', (modelDir) => {
  let embedder: OnnxEmbedder;
  beforeAll(async () => {
    embedder = await OnnxEmbedder.create({ modelDir, intraOpThreads: 1 });
  }, 60_000);
  afterAll(() => embedder.close());

  it('reports the manifest identity', () => {
    expect(embedder.dimension).toBe(384);
    expect(embedder.id).toBe('onnx:all-MiniLM-L6-v2-int8:384');
  });

  it('matches the Python onnxruntime reference (cosine > 0.999)', async () => {
    const got = await embedder.embed(
      EMBEDDING_REFERENCE.map((r) => r.text),
      'document',
    );
    got.forEach((v, i) =>
      expect(cosine(v, Float32Array.from(EMBEDDING_REFERENCE[i].embedding))).toBeGreaterThan(0.999),
    );
  });

  it('truncates long input instead of failing', async () => {
    const [v] = await embedder.embed(['memory '.repeat(2000)], 'document');
    expect(v).toHaveLength(384);
  });

  it('ranks a paraphrase above an unrelated sentence', async () => {
    const [q, para, other] = await embedder.embed(
      [
        'Where does the user live?',
        'The user lives in Berlin with two cats.',
        'Quarterly revenue grew by 8 percent.',
      ],
      'query',
    );
    expect(cosine(q, para)).toBeGreaterThan(cosine(q, other) + 0.1);
  });
});

describeWithModel('OnnxEmbedder conformance', (modelDir) => {
  describeEmbedderConformance('onnx', () => OnnxEmbedder.create({ modelDir, intraOpThreads: 1 }));
});
