/** Tag set on memories whose citations were missing or invalid and were replaced by the whole window. */
export const CITATION_INFERRED_TAG = 'citation:inferred';

/** Strips what models wrap ids in: quotes, brackets, `id=`, `#`, `message`. */
function clean(id: string): string {
  return id
    .trim()
    .replace(/^["'`<[(]+|["'`>\])]+$/g, '')
    .replace(/^(?:message[\s_-]*)?(?:id\s*[=:]\s*)?/i, '')
    .trim();
}

/**
 * Keeps only cited ids that exist in the input (exact, then cleaned, then case-insensitive), in
 * input order without duplicates. Unknown ids are dropped: a memory must never point at a message
 * it did not come from.
 */
export function validCitations(cited: string[], allowed: readonly string[]): string[] {
  const exact = new Set(allowed);
  const lower = new Map(allowed.map((id) => [id.toLowerCase(), id]));
  const hits = new Set<string>();
  for (const raw of cited) {
    const id = exact.has(raw)
      ? raw
      : exact.has(clean(raw))
        ? clean(raw)
        : lower.get(clean(raw).toLowerCase());
    if (id) hits.add(id);
  }
  return allowed.filter((id) => hits.has(id));
}
