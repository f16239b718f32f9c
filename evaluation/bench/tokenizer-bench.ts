/**
 * Micro benchmark for fast-mode token counting (not a test). Run:
 *   npx tsx evaluation/bench/tokenizer-bench.ts [--sizes 5000,10000,20000,50000,100000] [--exact-up-to 10000]
 * Prints countTokens time against input length for pathological text (one unbroken run of "A", Han
 * characters without punctuation) and ordinary English and Chinese prose, so the growth can be read
 * off: linear when the time per character stays flat. `exact ms` is js-tiktoken's own encode on the
 * same input (quadratic on unbroken runs), measured only up to --exact-up-to characters.
 */
import { getEncoding } from 'js-tiktoken';
import { countTokens } from '@engram/reader';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

const SIZES = arg('sizes', '5000,10000,20000,50000,100000').split(',').map(Number);
const EXACT_UP_TO = Number(arg('exact-up-to', '10000'));

const repeatTo = (unit: string, n: number) => unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
const INPUTS: Record<string, (n: number) => string> = {
  'A run': (n) => 'A'.repeat(n),
  // pseudo-random Han characters: no chunk repeats, so the chunk cache cannot help
  'Han run': (n) => {
    let x = 12345;
    return Array.from({ length: n }, () => String.fromCharCode(0x4e00 + ((x = (x * 1103515245 + 12345) % 2 ** 31) % 20_000))).join('');
  },
  English: (n) =>
    repeatTo('Caroline went to the support group on 7 May and said it was powerful; Melanie painted a sunrise. ', n),
  Chinese: (n) => repeatTo('我昨天去了北京的一家咖啡馆，和朋友聊了很久。她说下个月要搬到上海工作，我们约好周末一起去爬山。', n),
};

function time(fn: () => number): { ms: number; tokens: number } {
  const t0 = performance.now();
  const tokens = fn();
  return { ms: performance.now() - t0, tokens };
}

const exact = getEncoding('cl100k_base');
countTokens('warm up');
console.log(['input', 'chars', 'tokens', 'ms', 'us/char', 'exact tokens', 'exact ms'].join('\t'));
for (const [name, make] of Object.entries(INPUTS)) {
  for (const n of SIZES) {
    const text = make(n);
    const ours = time(() => countTokens(text));
    const ref = n <= EXACT_UP_TO ? time(() => exact.encode(text, [], []).length) : null;
    console.log(
      [
        name,
        n,
        ours.tokens,
        ours.ms.toFixed(1),
        ((ours.ms * 1000) / n).toFixed(2),
        ref ? ref.tokens : '-',
        ref ? ref.ms.toFixed(1) : '-',
      ].join('\t'),
    );
  }
}
