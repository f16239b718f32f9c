import { Logger } from '@nestjs/common';
import { loadConfig } from './config';
import { createStandaloneApp } from './standalone';

/** `engram serve`: one process, embedded storage, REST on host:port. */
async function main(): Promise<void> {
  const log = new Logger('standalone');
  const cfg = loadConfig(process.env, process.argv.slice(2));
  const s = await createStandaloneApp(cfg);
  await s.app.listen(cfg.port, cfg.host);
  const url = await s.app.getUrl();
  log.log(`Engram listening on ${url} (data: ${cfg.dataDir}; API docs: ${url}/docs)`);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.log(`${signal}: finishing in-flight requests and closing stores`);
    await s.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
