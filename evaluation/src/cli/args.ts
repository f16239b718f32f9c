import { parseArgs } from 'node:util';

export type Command = 'locomo' | 'prefeval' | 'smoke';
const COMMANDS: readonly Command[] = ['locomo', 'prefeval', 'smoke'];

export interface CliOptions {
  command: Command;
  baseUrl: string | undefined;
  start: boolean;
  baselineOnly: boolean;
  conversations: string | undefined;
  limitQuestions: number | undefined;
  sample: number;
  full: boolean;
  topK: number;
  name: string;
  mode: 'fast' | 'fine';
  dedup: 'no' | 'mmr';
  seed: number;
  resamples: number;
  dataFile: string | undefined;
  out: string | undefined;
  distractors: number[];
  forms: string[];
}

export const USAGE = `Usage: npx tsx evaluation/src/cli.ts <locomo|prefeval|smoke> [options]

Server (one of, unless --baseline-only):
  --base-url <url>         a running MemOS-compatible server
  --start                  spawn the standalone server (ENGRAM_SERVER_CMD overrides
                           "node scripts/engram.mjs serve --data-dir {dataDir} --port {port}")
Selection:
  --conversations <n|ids>  first n conversations, or ids like conv-26,conv-30
  --limit-questions <n>    at most n questions per conversation (round-robin over categories)
  --sample <n>             PrefEval: items per topic (stratified, seeded; default 2)
  --full                   PrefEval: every item
  --distractors <list>     PrefEval: distractor turn pairs (default 0,10,300)
  --forms <list>           PrefEval: explicit,choice,persona (default all)
Retrieval:
  --top-k <n>              results per query (default 50; PrefEval 10)
  --mode <fast|fine>       add and search mode (default fast)
  --dedup <no|mmr>         search dedup (default no)
Run:
  --name <name>            report folder evaluation/results/<YYYY-MM-DD>-<name>/
  --out <dir>              results root instead of evaluation/results
  --seed <n>               sampling and bootstrap seed (default 42)
  --resamples <n>          bootstrap resamples (default 1000)
  --data-file <path>       LoCoMo JSON (default <data>/locomo/locomo10.dev.json)
  --baseline-only          LoCoMo: BM25 and oracle rows only, no server
Env: ENGRAM_EVAL_DATA (default ../shared/data beside the repo),
     ENGRAM_JUDGE_BASE_URL, ENGRAM_JUDGE_API_KEY, ENGRAM_JUDGE_MODEL (LLM-judge mode, LoCoMo only)`;

export class UsageError extends Error {}

function int(name: string, v: string | undefined, min: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be an integer >= ${min}, got ${v}`);
  return n;
}

function oneOf<T extends string>(name: string, v: string | undefined, allowed: readonly T[], dflt: T): T {
  if (v === undefined) return dflt;
  if (!(allowed as readonly string[]).includes(v)) throw new UsageError(`--${name} must be one of ${allowed.join('|')}, got ${v}`);
  return v as T;
}

export function parseCli(argv: readonly string[]): CliOptions {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      'base-url': { type: 'string' },
      start: { type: 'boolean', default: false },
      'baseline-only': { type: 'boolean', default: false },
      conversations: { type: 'string' },
      'limit-questions': { type: 'string' },
      sample: { type: 'string' },
      full: { type: 'boolean', default: false },
      'top-k': { type: 'string' },
      name: { type: 'string' },
      mode: { type: 'string' },
      dedup: { type: 'string' },
      seed: { type: 'string' },
      resamples: { type: 'string' },
      'data-file': { type: 'string' },
      out: { type: 'string' },
      distractors: { type: 'string' },
      forms: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) throw new UsageError('');
  const command = positionals[0];
  if (positionals.length !== 1 || !COMMANDS.includes(command as Command)) throw new UsageError(`expected one command: ${COMMANDS.join('|')}`);
  const cmd = command as Command;
  if (values['base-url'] && values.start) throw new UsageError('use --base-url or --start, not both');
  if (!values['base-url'] && !values.start && !(cmd === 'locomo' && values['baseline-only'])) {
    throw new UsageError('a server is needed: --base-url <url> or --start' + (cmd === 'locomo' ? ' (or --baseline-only)' : ''));
  }
  const distractors = (values.distractors ?? '0,10,300').split(',').map((s) => int('distractors', s.trim(), 0) as number);
  const forms = (values.forms ?? 'explicit,choice,persona').split(',').map((s) => s.trim());
  for (const f of forms) oneOf('forms', f, ['explicit', 'choice', 'persona'], 'explicit');
  return {
    command: cmd,
    baseUrl: values['base-url'],
    start: values.start ?? false,
    baselineOnly: values['baseline-only'] ?? false,
    conversations: values.conversations ?? (cmd === 'smoke' ? '1' : undefined),
    limitQuestions: int('limit-questions', values['limit-questions'], 1) ?? (cmd === 'smoke' ? 12 : undefined),
    sample: int('sample', values.sample, 1) ?? 2,
    full: values.full ?? false,
    topK: int('top-k', values['top-k'], 1) ?? (cmd === 'prefeval' ? 10 : 50),
    name: values.name ?? cmd,
    mode: oneOf('mode', values.mode, ['fast', 'fine'], 'fast'),
    dedup: oneOf('dedup', values.dedup, ['no', 'mmr'], 'no'),
    seed: int('seed', values.seed, 0) ?? 42,
    resamples: int('resamples', values.resamples, 1) ?? 1000,
    dataFile: values['data-file'],
    out: values.out,
    distractors,
    forms,
  };
}
