/**
 * A first-come first-served cap on the requests a connection has in flight.
 *
 * @module
 */

/** The slot of one holder, lent while the holder does not use it. */
interface Loan {
  /** The function that gives the holder's slot back: the loan's key. */
  readonly holder: () => void;
  /** How many callers had queued when it was last lent: those may not have it (0: all may). */
  since: number;
  /** Whether it is lent now (between `lend()` and taking it back). */
  lent: boolean;
  /** Whether a borrower has it now (maybe still after it was taken back). */
  used: boolean;
  /** What frees the holder's slot, kept when the holder gave it back while a borrower had it. */
  freeWhenReturned?: () => void;
}

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
 * slot ({@link Limiter.lend}) until it reads on, so that what the program awaits meanwhile
 * (calls made inside the loop, another stream read side by side) does not wait for the
 * loop, which waits for it. A slot of the cap is lent to any waiter; a borrowed slot is lent
 * on only to callers that came after that lending began (the borrower's own loop's calls):
 * so streams started at once, which would each lend the slot they borrowed to the next, keep
 * to twice the cap, where they passed it many times over.
 */
export class Limiter {
  readonly #size: number;
  /** Slots held, lent ones included. */
  #busy = 0;
  /**
   * The slots their holders lend, by the function that gives each back: one loan per holder,
   * so that a slot taken back while its borrower still runs is not lent to another until that
   * borrower is done (the cap is passed by one meanwhile, not more); a holder done before its
   * borrower frees its slot only when the borrower is done too.
   */
  readonly #loans = new Map<() => void, Loan>();
  /** The functions that give back borrowed slots, which lend only to later callers. */
  readonly #borrowedSlots = new WeakSet<() => void>();
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
    // A caller coming now comes after every loan began.
    for (const loan of this.#loans.values()) if (loan.lent && !loan.used) return this.#borrow(loan);
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
   * Lends the slot that `release` gives back, which its holder does not use for now: a
   * waiting caller may have it at once (if the slot was itself borrowed, only a caller that
   * comes after this call). Returns the function that takes the slot back (once; call it
   * before the holder uses its request again, and before it gives the slot back); the cap
   * may then be passed until the borrower gives it back.
   */
  lend(release: () => void): () => void {
    const since = this.#borrowedSlots.has(release) ? this.#queued : 0;
    let loan = this.#loans.get(release);
    if (loan === undefined) {
      this.#loans.set(release, loan = { holder: release, since, lent: true, used: false });
    } else Object.assign(loan, { since, lent: true });
    this.#grantLoans();
    const lent = loan;
    let reclaimed = false;
    return () => {
      if (reclaimed) return;
      reclaimed = true;
      lent.lent = false;
      if (!lent.used) this.#loans.delete(release);
    };
  }

  /** Hands each loan lent and free to the first waiter it may serve. */
  #grantLoans(): void {
    if (this.#waiting.length === 0) return;
    for (const loan of this.#loans.values()) {
      if (!loan.lent || loan.used) continue;
      const index = this.#waiting.findIndex((waiter) => waiter.order >= loan.since);
      if (index >= 0) this.#waiting.splice(index, 1)[0].grant(this.#borrow(loan));
    }
  }

  /** Takes `loan` for a borrower: the function that gives it back (once). */
  #borrow(loan: Loan): () => void {
    loan.used = true;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.#afterUse(release, () => {
        loan.used = false;
        const { freeWhenReturned } = loan;
        if (!loan.lent || freeWhenReturned) this.#loans.delete(loan.holder);
        if (freeWhenReturned) freeWhenReturned();
        else this.#grantLoans();
      });
    };
    this.#borrowedSlots.add(release);
    return release;
  }

  /**
   * Frees the slot that `release` gives back (by `free`), at once or, while that slot is lent
   * and its borrower still runs, when the borrower gives it back: a request in flight keeps
   * its slot taken, so that a holder done before its borrower does not add one more stream
   * to those the cap lets through.
   */
  #afterUse(release: () => void, free: () => void): void {
    const loan = this.#loans.get(release);
    if (loan?.used) loan.freeWhenReturned = free;
    else {
      this.#loans.delete(release);
      free();
    }
  }

  /** A function that frees one slot the first time it is called, handing it to the next waiter. */
  #releaser(): () => void {
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.#afterUse(release, () => {
        const next = this.#busy <= this.#size ? this.#waiting.shift() : undefined;
        if (next) next.grant(this.#releaser());
        else this.#busy--;
      });
    };
    return release;
  }
}
