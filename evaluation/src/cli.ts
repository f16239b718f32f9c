import { parseCli, USAGE, UsageError, type CliOptions } from './cli/args';
import { runLocomo } from './locomo/command';
import { runPrefeval } from './prefeval/command';
import { writeReport } from './report/write';
import { withServer } from './server/acquire';
import { runSmoke } from './smoke/command';
import { resultsRoot } from './util/paths';

async function locomo(opts: CliOptions): Promise<number> {
  const outcome = opts.baselineOnly ? await runLocomo(opts, undefined) : await withServer(opts, (client) => runLocomo(opts, client));
  const files: Record<string, unknown> = { 'report.json': outcome.report, 'report.md': outcome.markdown, 'details.json': outcome.details };
  if (outcome.judgeItems) files['judge.json'] = outcome.judgeItems;
  const written = writeReport(opts.out ?? resultsRoot(), opts.name, files);
  process.stdout.write(`${outcome.markdown}\nReport: ${written.dir}\n`);
  return 0;
}

async function prefeval(opts: CliOptions): Promise<number> {
  const outcome = await withServer(opts, (client) => runPrefeval(opts, client));
  const written = writeReport(opts.out ?? resultsRoot(), opts.name, { 'report.json': outcome.report, 'report.md': outcome.markdown });
  process.stdout.write(`${outcome.markdown}\nReport: ${written.dir}\n`);
  return 0;
}

async function smoke(opts: CliOptions): Promise<number> {
  const outcome = await withServer(opts, (client) => runSmoke(opts, client));
  const written = writeReport(opts.out ?? resultsRoot(), opts.name, { 'report.json': outcome.report, 'report.md': outcome.markdown, 'checks.json': outcome.checks });
  process.stdout.write(`${outcome.summary}\nReport: ${written.dir}\n`);
  return outcome.ok ? 0 : 1;
}

export async function main(argv: readonly string[]): Promise<number> {
  let opts: CliOptions;
  try {
    opts = parseCli(argv);
  } catch (err) {
    if (!(err instanceof UsageError) && !(err instanceof TypeError)) throw err;
    if (err.message) process.stderr.write(`${err.message}\n\n`);
    process.stderr.write(`${USAGE}\n`);
    return err.message ? 2 : 0;
  }
  switch (opts.command) {
    case 'locomo':
      return locomo(opts);
    case 'prefeval':
      return prefeval(opts);
    case 'smoke':
      return smoke(opts);
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
