/**
 * Evidence normalisation of benchmarks.md §1.3: split packed strings on `;`, `,` or whitespace,
 * repair `D:11:26` -> `D11:26` and `D30:05` -> `D30:5`, then keep only ids that name a turn.
 */
export function normalizeEvidenceId(raw: string): string {
  const m = /^D:?(\d+):(\d+)$/.exec(raw.trim());
  return m ? `D${Number(m[1])}:${Number(m[2])}` : raw.trim();
}

export interface ResolvedEvidence {
  ids: string[];
  /** Pieces that name no turn of the conversation (published as exclusions). */
  dropped: string[];
}

export function resolveEvidence(raw: readonly string[], known: ReadonlySet<string>): ResolvedEvidence {
  const ids: string[] = [];
  const dropped: string[] = [];
  for (const entry of raw) {
    for (const piece of entry.split(/[;,\s]+/).filter(Boolean)) {
      const id = normalizeEvidenceId(piece);
      if (!known.has(id)) dropped.push(piece);
      else if (!ids.includes(id)) ids.push(id);
    }
  }
  return { ids, dropped };
}
