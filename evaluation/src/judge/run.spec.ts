import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LocomoQuestion } from '../data/locomo';
import type { QuestionRun } from '../locomo/types';
import { judgeConfigFromEnv, type JudgeConfig } from './config';
import { judgeLocomo } from './run';

interface Seen {
  auth: string | undefined;
  model: string;
  temperature: number;
  content: string;
}

/**
 * A fake OpenAI-compatible endpoint: the reader answers with the first memory's text, and the
 * judge says CORRECT exactly when the generated answer equals the gold answer.
 */
function fakeOpenAi(seen: Seen[]): Promise<Server> {
  const read = (req: IncomingMessage) => new Promise<string>((r) => { let b = ''; req.on('data', (c) => (b += c)); req.on('end', () => r(b)); });
  const server = createServer(async (req, res) => {
    const body = JSON.parse(await read(req)) as { model: string; temperature: number; messages: { content: string }[] };
    const content = body.messages.map((m) => m.content).join('\n');
    seen.push({ auth: req.headers.authorization, model: body.model, temperature: body.temperature, content });
    let reply: string;
    if (req.url !== '/v1/chat/completions') {
      res.statusCode = 404;
      return res.end('{}');
    }
    if (content.includes('Label a generated answer')) {
      const gold = /Gold answer: (.*)/.exec(content)?.[1];
      const gen = /Generated answer: (.*)/.exec(content)?.[1];
      reply = `Compared the two. {"label": "${gold === gen ? 'CORRECT' : 'WRONG'}"}`;
    } else {
      reply = /- (?:\[[^\]]*\] )?(.*)/.exec(content)?.[1] ?? 'unknown';
    }
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ choices: [{ message: { role: 'assistant', content: reply } }] }));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const question = (index: number, category: number, answer: string | undefined): LocomoQuestion => ({
  conversationId: 'c1', index, question: `question ${index}`, answer, category, evidence: ['D1:1'], droppedEvidence: [],
});

const run = (q: LocomoQuestion, memory: string): QuestionRun => ({
  question: q,
  latencyMs: 1,
  ranked: [],
  memories: [{ id: 'm', text: memory, sources: ['D1:1'], time: '2023-05-08T13:56:00.000Z', relativity: 1, memoryType: undefined, cubeId: 'c' }],
});

describe('judgeLocomo against a fake OpenAI-compatible server', () => {
  const seen: Seen[] = [];
  let server: Server;
  let cfg: JudgeConfig;

  beforeAll(async () => {
    server = await fakeOpenAi(seen);
    const { port } = server.address() as AddressInfo;
    const fromEnv = judgeConfigFromEnv({ ENGRAM_JUDGE_BASE_URL: `http://127.0.0.1:${port}/v1`, ENGRAM_JUDGE_API_KEY: 'k', ENGRAM_JUDGE_MODEL: 'judge-m', ENGRAM_JUDGE_ANSWER_MODEL: 'reader-m', ENGRAM_JUDGE_CONCURRENCY: '2' });
    if (!fromEnv) throw new Error('config');
    cfg = fromEnv;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('is off without ENGRAM_JUDGE_BASE_URL and defaults to 3 runs', () => {
    expect(judgeConfigFromEnv({})).toBeUndefined();
    expect(cfg).toMatchObject({ runs: 3, judgeModel: 'judge-m', answerModel: 'reader-m', contextK: 20, concurrency: 2 });
  });

  it('answers from memories, judges 3 times, and reports accuracy, per category and sanity', async () => {
    const runs = [
      run(question(0, 4, '7 May 2023'), '7 May 2023'),
      run(question(1, 4, 'a dog'), 'a cat'),
      run(question(2, 2, 'Paris'), 'Paris'),
      run(question(3, 5, undefined), 'anything'), // adversarial: excluded
      run(question(4, 2, 'London'), 'Rome'),
    ];
    const { summary, items } = await judgeLocomo(runs, cfg);
    expect(items.map((i) => i.answer)).toEqual(['7 May 2023', 'a cat', 'Paris', 'Rome']);
    expect(items[0]?.labels).toEqual(['CORRECT', 'CORRECT', 'CORRECT']);
    expect(summary.questions).toBe(4);
    expect(summary.accuracy_per_run).toEqual([0.5, 0.5, 0.5]);
    expect(summary.accuracy_mean).toBe(0.5);
    expect(summary.accuracy_std).toBe(0);
    expect(summary.per_category['4']).toEqual({ n: 2, mean: 0.5, std: 0 });
    expect(summary.per_category['2']).toEqual({ n: 2, mean: 0.5, std: 0 });
    expect(summary.unparsed_labels).toBe(0);
    // Sanity pairs: gold of a later same-category question as the answer; the fake judge rejects all.
    expect(summary.sanity).toEqual({ cases: 2, false_accept_rate: 0 });
    // Articles are dropped, so "a cat" vs "a dog" shares no token.
    expect(summary.f1_mean).toBeCloseTo((1 + 0 + 1 + 0) / 4, 12);

    expect(seen.every((s) => s.auth === 'Bearer k' && s.temperature === 0)).toBe(true);
    const readerCalls = seen.filter((s) => s.model === 'reader-m');
    expect(readerCalls).toHaveLength(4);
    expect(readerCalls[0]?.content).toContain('- [2023-05-08T13:56:00.000Z] 7 May 2023');
    expect(seen.filter((s) => s.model === 'judge-m')).toHaveLength(4 * 3 + 2);
  });
});
