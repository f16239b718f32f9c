/** Minimal GitHub-flavoured Markdown table. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

export function fmt(x: number | undefined, digits = 3): string {
  return x === undefined || Number.isNaN(x) ? '—' : x.toFixed(digits);
}

export function fmtCi(i: { mean: number; lo: number; hi: number } | undefined, digits = 3): string {
  if (!i) return '—';
  return `${fmt(i.mean, digits)} [${fmt(i.lo, 2)}, ${fmt(i.hi, 2)}]`;
}
