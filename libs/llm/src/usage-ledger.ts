import type { LlmUsage } from '@engram/ports';

export interface UsageRow {
  tenant_id: string;
  model: string;
  requests: number;
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export type UsageListener = (delta: UsageRow) => void;

/**
 * Token usage per tenant and model since start. In memory by design: metrics exporters read
 * `snapshot()` or subscribe with `onRecord` to feed counters (Prometheus counters are cumulative too).
 */
export class UsageLedger {
  private readonly rows = new Map<string, UsageRow>();
  private readonly listeners = new Set<UsageListener>();

  record(tenant_id: string, model: string, usage: LlmUsage | null): void {
    const key = `${tenant_id}\u0000${model}`;
    const row = this.rows.get(key) ?? {
      tenant_id,
      model,
      requests: 0,
      prompt_tokens: 0,
      completion_tokens: 0,
      total_tokens: 0,
    };
    const delta: UsageRow = {
      tenant_id,
      model,
      requests: 1,
      prompt_tokens: usage?.prompt_tokens ?? 0,
      completion_tokens: usage?.completion_tokens ?? 0,
      total_tokens: usage?.total_tokens ?? (usage ? usage.prompt_tokens + usage.completion_tokens : 0),
    };
    row.requests += 1;
    row.prompt_tokens += delta.prompt_tokens;
    row.completion_tokens += delta.completion_tokens;
    row.total_tokens += delta.total_tokens;
    this.rows.set(key, row);
    for (const l of this.listeners) l(delta);
  }

  snapshot(): UsageRow[] {
    return [...this.rows.values()].map((r) => ({ ...r }));
  }

  /** Sums over models (and over tenants when none is given). */
  totals(tenant_id?: string): Omit<UsageRow, 'tenant_id' | 'model'> {
    const t = { requests: 0, prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
    for (const r of this.rows.values()) {
      if (tenant_id !== undefined && r.tenant_id !== tenant_id) continue;
      t.requests += r.requests;
      t.prompt_tokens += r.prompt_tokens;
      t.completion_tokens += r.completion_tokens;
      t.total_tokens += r.total_tokens;
    }
    return t;
  }

  /** Subscribes to each recorded call; returns an unsubscribe function. */
  onRecord(listener: UsageListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  reset(): void {
    this.rows.clear();
  }
}
