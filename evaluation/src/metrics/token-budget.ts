/**
 * How many leading items fit into a budget of returned tokens. Items are taken in rank order
 * and the cut is at the first item that would overflow: a smaller later item is not skipped in,
 * because a caller filling a prompt reads the list top-down.
 */
export function itemsWithinBudget(tokenCounts: readonly number[], budget: number): number {
  let used = 0;
  for (let i = 0; i < tokenCounts.length; i++) {
    used += tokenCounts[i] ?? 0;
    if (used > budget) return i;
  }
  return tokenCounts.length;
}
