/**
 * One in-process lock per key (a log origin): callers for the same key run one at a time, in
 * arrival order; different keys run concurrently.
 *
 * @module
 */

/** Serialises async sections per key. */
export class KeyedMutex {
  readonly #tails = new Map<string, Promise<void>>();

  /** Runs `section` once every earlier section for `key` has settled; resolves with its result. */
  async run<T>(key: string, section: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const done = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => done);
    this.#tails.set(key, tail);
    await previous;
    try {
      return await section();
    } finally {
      release();
      // Forget the key once nobody queued behind us, so the map does not grow with old keys.
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    }
  }

  /** Keys with a section running or queued (for tests and metrics). */
  get size(): number {
    return this.#tails.size;
  }
}
