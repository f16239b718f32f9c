/** What a conformance suite gets from the adapter under test, for one fresh, empty instance. */
export interface Opened<T> {
  subject: T;
  /** Opens a new instance over the same data (the suite closes the old one first). */
  reopen?: () => Promise<T>;
  /** Removes the data (temp dirs, test indexes); the suite has closed the instance already. */
  cleanup: () => Promise<void>;
}

export interface Fixture<T> {
  /** The instance under test (a new one after reopen()). */
  readonly current: T;
  readonly canReopen: boolean;
  /** Closes the current instance and opens a new one over the same data. */
  reopen(): Promise<T>;
}

/**
 * Registers beforeEach/afterEach so every test gets a fresh instance, and the instance in use at the
 * end of a test (the original or a reopened one) is closed before cleanup.
 */
export function useFixture<T extends { close(): Promise<void> }>(open: () => Promise<Opened<T>>): Fixture<T> {
  let opened: Opened<T> | undefined;
  let current: T | undefined;
  beforeEach(async () => {
    opened = await open();
    current = opened.subject;
  });
  afterEach(async () => {
    const o = opened;
    const c = current;
    opened = current = undefined;
    try {
      await c?.close();
    } finally {
      await o?.cleanup();
    }
  });
  const need = <V>(v: V | undefined): V => {
    if (v === undefined) throw new Error('conformance fixture used outside a test');
    return v;
  };
  return {
    get current() {
      return need(current);
    },
    get canReopen() {
      return need(opened).reopen !== undefined;
    },
    async reopen() {
      const o = need(opened);
      if (!o.reopen) throw new Error('adapter gave no reopen()');
      const old = need(current);
      current = undefined; // if close or reopen throws, afterEach must not close twice
      await old.close();
      current = await o.reopen();
      return current;
    },
  };
}

/** Small deterministic PRNG (mulberry32) so failures reproduce. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
