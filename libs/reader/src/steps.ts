/**
 * Long synchronous work (tokenising a large message) written once as a generator that yields between
 * bounded steps, then driven either at once (scripts, small inputs) or in time slices on a server, so a
 * large add never holds the event loop for long and other requests (`/health`) are answered meanwhile.
 */
export type Steps<T> = Generator<void, T, void>;

/** Longest the sliced driver holds the event loop before letting other callbacks run. */
const SLICE_MS = 20;

/** Runs the steps to their end without yielding. */
export function runToEnd<T>(steps: Steps<T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** Runs the steps, giving the event loop back whenever they have held it for SLICE_MS. */
export async function runSliced<T>(steps: Steps<T>, sliceMs = SLICE_MS): Promise<T> {
  let since = performance.now();
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    if (performance.now() - since >= sliceMs) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      since = performance.now();
    }
  }
}
