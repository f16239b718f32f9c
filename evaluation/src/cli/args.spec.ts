import { parseCli, UsageError } from './args';

describe('parseCli', () => {
  it('applies per-command defaults', () => {
    const smoke = parseCli(['smoke', '--start']);
    expect(smoke).toMatchObject({ command: 'smoke', start: true, conversations: '1', limitQuestions: 12, topK: 50, mode: 'fast', dedup: 'no', seed: 42, name: 'smoke' });
    expect(parseCli(['prefeval', '--base-url', 'http://x']).topK).toBe(10);
    expect(parseCli(['prefeval', '--base-url', 'http://x']).distractors).toEqual([0, 10, 300]);
  });

  it('parses every option', () => {
    const o = parseCli([
      'locomo', '--base-url', 'http://h:1', '--conversations', 'conv-26,conv-30', '--limit-questions', '5', '--top-k', '20',
      '--name', 'n', '--mode', 'fine', '--dedup', 'mmr', '--seed', '7', '--resamples', '100', '--out', '/tmp/o',
    ]);
    expect(o).toMatchObject({ baseUrl: 'http://h:1', conversations: 'conv-26,conv-30', limitQuestions: 5, topK: 20, name: 'n', mode: 'fine', dedup: 'mmr', seed: 7, resamples: 100, out: '/tmp/o' });
    expect(parseCli(['prefeval', '--start', '--sample', '3', '--full', '--distractors', '0,10', '--forms', 'explicit']))
      .toMatchObject({ sample: 3, full: true, distractors: [0, 10], forms: ['explicit'] });
  });

  it('needs a server unless LoCoMo runs baseline-only', () => {
    expect(() => parseCli(['smoke'])).toThrow(UsageError);
    expect(() => parseCli(['locomo', '--start', '--base-url', 'http://x'])).toThrow(/not both/);
    expect(parseCli(['locomo', '--baseline-only']).baselineOnly).toBe(true);
  });

  it('rejects bad values and unknown commands', () => {
    expect(() => parseCli(['locomo', '--baseline-only', '--mode', 'slow'])).toThrow(/--mode/);
    expect(() => parseCli(['locomo', '--baseline-only', '--top-k', '0'])).toThrow(/--top-k/);
    expect(() => parseCli(['prefeval', '--start', '--forms', 'implicit'])).toThrow(/--forms/);
    expect(() => parseCli(['longmemeval', '--start'])).toThrow(/expected one command/);
    expect(() => parseCli(['locomo', '--bogus'])).toThrow();
  });
});
