import { randomBytes } from 'node:crypto';

const HOW = 'start them with `deploy/local/infra.sh up` and `. .cache/infra/env.sh`';

const isCi = (): boolean => /^(1|true|yes)$/i.test(process.env.CI ?? '');

/**
 * Gate for integration tests that need real servers. Returns the requested environment variables
 * when all are set. Otherwise registers one test that explains what is missing: under CI=true it
 * FAILS (a CI run must never pass by silently skipping), elsewhere it is skipped, with the reason
 * printed. Call at the top level of a spec file, then register the real tests only when it returns.
 */
export function requireServers<K extends string>(
  what: string,
  vars: readonly K[],
): Record<K, string> | undefined {
  const missing = vars.filter((v) => !process.env[v]);
  if (missing.length === 0)
    return Object.fromEntries(vars.map((v) => [v, process.env[v]!])) as Record<K, string>;
  const reason = `${what}: ${missing.join(', ')} not set; ${HOW}`;
  if (isCi()) {
    it(`needs real servers (${what})`, () => {
      throw new Error(`${reason}. CI=true: integration tests must not be skipped.`);
    });
  } else {
    console.warn(`[integration] skipping ${reason}`);
    it.skip(`skipped: ${reason}`, () => undefined);
  }
  return undefined;
}

/** A name unique to this test run (lowercase, safe for indexes, collections and namespaces). */
export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}
