/**
 * A first-come first-served cap on the requests a connection has in flight.
 *
 * @module
 */

/** A caller waiting for a slot. */
interface Waiter {
  /** How many callers had queued before it: lent slots serve only those that came later. */
  readonly order: number;
  /** Gives it the slot that `release` gives back. */
  grant(release: () => void): void;
  /** Rejects it with `reason`. */
  refuse(reason: unknown): void;
}

/**
 * Gives out at most `size` slots at a time; later callers wait in arrival order. A holder
 * whose request sits idle (a streamed list whose loop is busy with an item) may lend its
 * slot ({@link Limiter.lend}) until it reads on, so that calls made inside the loop do not
 * wait for the loop, which waits for them. A lent slot serves only callers that came after
 * the lending began (the loop's own calls): not those queued before it, such as the list
 * requests of other streams started at once, which would lend theirs in turn and so pass
 * the cap many times over.
 */
export class Limiter {
  readonly #size: number;
  /** Slots held, lent ones included. */
  #busy = 0;
  /** Lent slots that others use. */
  #borrowed = 0;
  /** The loans under way, each with the number of callers that had queued when it began. */
  readonly #loans = new Set<{ since: number }>();
  /** How many callers have queued so far. */
  #queued = 0;
  /** The callers waiting for a slot, in arrival order. */
  readonly #waiting: Waiter[] = [];
  /** Aborts at {@link Limiter.close}, with the reason every caller waiting or to come is refused. */
  readonly #closing = new AbortController();

  /** Creates a limiter with `size` slots (at least 1; `Infinity` for no limit). */
  constructor(size: number) {
    if (!(size === Infinity || (Number.isInteger(size) && size >= 1))) {
      throw new RangeError(`The number of connections must be a positive integer, not ${size}`);
    }
    this.#size = size;
  }

  /**
   * Waits for a free slot and resolves to the function that gives it back (call it once).
   * Rejects with the signal's reason if `signal` aborts first.
   */
  acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.closing.aborted) return Promise.reject(this.closing.reason);
    const free = this.tryAcquire();
    if (free) return Promise.resolve(free);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        order: this.#queued++,
        grant: (release) => {
          signal?.removeEventListener("abort", abandon);
          resolve(release);
        },
        refuse: (reason) => {
          signal?.removeEventListener("abort", abandon);
          reject(reason);
        },
      };
      const abandon = () => {
        const index = this.#waiting.indexOf(waiter);
        if (index >= 0) this.#waiting.splice(index, 1);
        reject(signal!.reason);
      };
      signal?.addEventListener("abort", abandon, { once: true });
      this.#waiting.push(waiter);
    });
  }

  /**
   * Refuses with `reason` every caller waiting for a slot, and every later {@link acquire}
   * and {@link tryAcquire} (a closing connection sends nothing more; {@link pastCap} still
   * gives its one slot), and aborts {@link closing} with it. Slots held are given back as
   * before.
   */
  close(reason: unknown): void {
    if (this.closing.aborted) return;
    this.#closing.abort(reason);
    for (const waiter of this.#waiting.splice(0)) waiter.refuse(reason);
  }

  /**
   * Aborts once {@link close} is called, with its reason: whoever waits to send a request
   * in another way (between two attempts) stops waiting then.
   */
  get closing(): AbortSignal {
    return this.#closing.signal;
  }

  /**
   * A free slot at once, without waiting: the function that gives it back (call it once);
   * `undefined` when every slot is taken or `signal` has aborted. A slot lent out counts as
   * free: the caller comes after the lending began.
   */
  tryAcquire(signal?: AbortSignal): (() => void) | undefined {
    if (signal?.aborted || this.closing.aborted) return undefined;
    if (this.#busy < this.#size) {
      this.#busy++;
      return this.#releaser();
    }
    if (this.#borrowed < this.#loans.size) {
      this.#borrowed++;
      return this.#borrowedReleaser();
    }
    return undefined;
  }

  /**
   * A slot at once even when every slot is taken: the cap is passed by one until it is given
   * back. For the one request that must not wait for those in flight: the logout of a
   * connection being closed, which outlives them.
   */
  pastCap(): () => void {
    this.#busy++;
    return this.#releaser();
  }

  /**
   * Lends a slot its holder does not use for now: a caller that comes (or came) after this
   * call may have one at once. Returns the function that takes the slot back (once; call it
   * before the holder uses its request again, and before it gives the slot back); the cap
   * may then be passed until a borrowed slot is given back.
   */
  lend(): () => void {
    const loan = { since: this.#queued };
    this.#loans.add(loan);
    this.#grantBorrowed();
    return () => void this.#loans.delete(loan);
  }

  /** Hands lent slots to the waiters that came after a loan under way began. */
  #grantBorrowed(): void {
    if (this.#borrowed >= this.#loans.size || this.#waiting.length === 0) return;
    let since = Infinity;
    for (const loan of this.#loans) since = Math.min(since, loan.since);
    for (let i = 0; i < this.#waiting.length && this.#borrowed < this.#loans.size;) {
      if (this.#waiting[i].order < since) {
        i++;
        continue;
      }
      this.#borrowed++;
      this.#waiting.splice(i, 1)[0].grant(this.#borrowedReleaser());
    }
  }

  /** A function that frees one slot the first time it is called, handing it to the next waiter. */
  #releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#busy <= this.#size ? this.#waiting.shift() : undefined;
      if (next) next.grant(this.#releaser());
      else this.#busy--;
    };
  }

  /** A function that gives a borrowed slot back the first time it is called. */
  #borrowedReleaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#borrowed--;
      this.#grantBorrowed();
    };
  }
}
