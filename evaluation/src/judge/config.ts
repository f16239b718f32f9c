/** LLM-judge mode is opt-in: it only runs when ENGRAM_JUDGE_BASE_URL is set. */
export interface JudgeConfig {
  /** OpenAI-compatible base URL, e.g. http://host:port/v1 (chat/completions is appended). */
  baseUrl: string;
  apiKey: string | undefined;
  judgeModel: string;
  answerModel: string;
  runs: number;
  concurrency: number;
  /** Retrieved memories given to the reader (MemOS uses 20, benchmarks.md §7). */
  contextK: number;
  /** Known-wrong answers sent to the judge to measure its false-accept rate. */
  sanityCases: number;
  timeoutMs: number;
}

export function judgeConfigFromEnv(env: NodeJS.ProcessEnv = process.env): JudgeConfig | undefined {
  const baseUrl = env['ENGRAM_JUDGE_BASE_URL'];
  if (!baseUrl) return undefined;
  const model = env['ENGRAM_JUDGE_MODEL'] ?? 'gpt-4o-mini';
  const num = (name: string, dflt: number): number => {
    const v = Number(env[name]);
    return Number.isInteger(v) && v > 0 ? v : dflt;
  };
  return {
    baseUrl,
    apiKey: env['ENGRAM_JUDGE_API_KEY'],
    judgeModel: model,
    answerModel: env['ENGRAM_JUDGE_ANSWER_MODEL'] ?? model,
    runs: num('ENGRAM_JUDGE_RUNS', 3),
    concurrency: num('ENGRAM_JUDGE_CONCURRENCY', 4),
    contextK: num('ENGRAM_JUDGE_CONTEXT_K', 20),
    sanityCases: num('ENGRAM_JUDGE_SANITY_CASES', 20),
    timeoutMs: num('ENGRAM_JUDGE_TIMEOUT_MS', 120_000),
  };
}
