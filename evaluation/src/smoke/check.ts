export interface Check {
  name: string;
  ok: boolean;
  /** Warnings are printed but do not fail the smoke. */
  warnOnly?: boolean;
  detail: string;
}

export function check(name: string, ok: boolean, detail: string, warnOnly = false): Check {
  return { name, ok, detail, warnOnly };
}

export function failed(checks: readonly Check[]): Check[] {
  return checks.filter((c) => !c.ok && !c.warnOnly);
}

export function formatChecks(checks: readonly Check[]): string {
  return checks.map((c) => `${c.ok ? 'PASS' : c.warnOnly ? 'WARN' : 'FAIL'} ${c.name}: ${c.detail}`).join('\n');
}
