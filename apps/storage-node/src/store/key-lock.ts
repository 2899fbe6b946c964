/**
 * Per-key mutual exclusion for read-modify-write operations (Coordinate). Two Coordinates of one
 * key on this node must not both read counter n and both write n+1 for different values, so
 * they queue behind each other in arrival order; different keys never wait for each other.
 * Entries are removed when the last holder leaves, so memory follows in-flight keys only.
 */
export class KeyLock {
  private readonly tails = new Map<string, Promise<void>>();

  /** Number of keys with a holder or waiters (for tests and metrics). */
  get size(): number {
    return this.tails.size;
  }

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key);
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous ? previous.then(() => mine) : mine;
    this.tails.set(key, tail);
    try {
      if (previous) await previous;
      return await task();
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
