import { MemosClient } from '../client/memos-client';
import { repoRoot } from '../util/paths';
import { startServer } from './spawn';

export interface ServerChoice {
  baseUrl: string | undefined;
  start: boolean;
}

/** Runs `fn` against the given server, or one spawned for the duration of the run. */
export async function withServer<T>(choice: ServerChoice, fn: (client: MemosClient) => Promise<T>): Promise<T> {
  if (choice.baseUrl) {
    const client = new MemosClient(choice.baseUrl);
    await client.health();
    return fn(client);
  }
  if (!choice.start) throw new Error('no server: pass --base-url or --start');
  const server = await startServer({ cwd: repoRoot() });
  const stopOnSignal = (): void => {
    void server.stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', stopOnSignal);
  try {
    return await fn(new MemosClient(server.baseUrl));
  } finally {
    process.off('SIGINT', stopOnSignal);
    await server.stop();
  }
}
