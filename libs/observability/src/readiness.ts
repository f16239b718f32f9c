/** One dependency /ready checks: resolves (or returns) when usable, throws or rejects when not. */
export interface ReadinessProbe {
  name: string;
  check(): unknown;
  /** Default 2 s: a probe that takes longer counts as failed. */
  timeoutMs?: number;
}

export interface ProbeResult {
  status: 'ok' | 'fail';
  duration_ms: number;
  error?: string;
}

export interface ReadinessReport {
  status: 'ready' | 'not_ready';
  checks: Record<string, ProbeResult>;
  /** Set while the app is shutting down: not ready, so load balancers stop sending traffic. */
  shutting_down?: true;
}

/** Runs every probe in parallel, each bounded by its timeout. */
export async function checkReadiness(
  probes: readonly ReadinessProbe[],
  shuttingDown = false,
): Promise<ReadinessReport> {
  const entries = await Promise.all(
    probes.map(async (p): Promise<[string, ProbeResult]> => {
      const started = performance.now();
      const timeoutMs = p.timeoutMs ?? 2000;
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          Promise.resolve().then(() => p.check()),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
          }),
        ]);
        return [p.name, { status: 'ok', duration_ms: round(performance.now() - started) }];
      } catch (err) {
        const error = err instanceof Error ? err.message : String(err);
        return [p.name, { status: 'fail', duration_ms: round(performance.now() - started), error }];
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  const checks = Object.fromEntries(entries);
  const ok = !shuttingDown && entries.every(([, r]) => r.status === 'ok');
  return {
    status: ok ? 'ready' : 'not_ready',
    checks,
    ...(shuttingDown ? { shutting_down: true as const } : {}),
  };
}

const round = (ms: number) => Math.round(ms * 10) / 10;
