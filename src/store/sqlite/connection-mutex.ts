/**
 * First-come, first-served lock around the one SQLite connection. Kysely holds it for a single
 * query, or for a whole transaction, so statements of concurrent callers never interleave
 * inside someone else's transaction.
 */
export class ConnectionMutex {
  #locked = false;
  readonly #waiters: Array<() => void> = [];

  lock(): Promise<void> {
    if (!this.#locked) {
      this.#locked = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  unlock(): void {
    const next = this.#waiters.shift();
    // Hand the lock straight to the next waiter, so nobody can barge in between.
    if (next === undefined) this.#locked = false;
    else next();
  }
}
