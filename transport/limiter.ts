/**
 * A first-come first-served cap on the requests a connection has in flight.
 *
 * @module
 */

/** Gives out at most `size` slots at a time; later callers wait in arrival order. */
export class Limiter {
  readonly #size: number;
  #busy = 0;
  readonly #waiting: (() => void)[] = [];

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
    const free = this.tryAcquire();
    if (free) return Promise.resolve(free);
    return new Promise((resolve, reject) => {
      const grant = () => {
        signal?.removeEventListener("abort", abandon);
        resolve(this.#releaser());
      };
      const abandon = () => {
        const index = this.#waiting.indexOf(grant);
        if (index >= 0) this.#waiting.splice(index, 1);
        reject(signal!.reason);
      };
      signal?.addEventListener("abort", abandon, { once: true });
      this.#waiting.push(grant);
    });
  }

  /**
   * A free slot at once, without waiting: the function that gives it back (call it once);
   * `undefined` when every slot is taken or `signal` has aborted.
   */
  tryAcquire(signal?: AbortSignal): (() => void) | undefined {
    if (signal?.aborted || this.#busy >= this.#size) return undefined;
    this.#busy++;
    return this.#releaser();
  }

  /** A function that frees one slot the first time it is called, handing it to the next waiter. */
  #releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiting.shift();
      if (next) next();
      else this.#busy--;
    };
  }
}
