import { ValidationError } from './errors';
import { LIMITS } from './limits';

/**
 * How deeply `value` nests, counted without recursion (a caller's JSON can be nested far deeper than the
 * call stack): a scalar is 0, an object or array is one more than its deepest member. Stops counting
 * once `max` is passed, so the answer is at most `max + 1` and a cyclic value still terminates.
 */
export function jsonDepth(value: unknown, max: number = LIMITS.maxJsonDepth): number {
  let deepest = 0;
  const pending: [unknown, number][] = [[value, 0]];
  while (pending.length) {
    const [v, depth] = pending.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    const here = depth + 1;
    if (here > deepest) deepest = here;
    if (here > max) return here;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (typeof child === 'object' && child !== null) pending.push([child, here]);
    }
  }
  return deepest;
}

/** Throws a ValidationError naming `path` when `value` nests deeper than `max` (LIMITS.maxJsonDepth). */
export function assertJsonDepth(value: unknown, path: string, max: number = LIMITS.maxJsonDepth): void {
  if (jsonDepth(value, max) > max) {
    throw new ValidationError(`${path} is nested more than ${max} levels deep`);
  }
}
