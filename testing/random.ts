/**
 * A small seeded pseudo-random generator (SplitMix32 style), so that ids, seeded
 * inventories and injected failures are the same on every run with the same seed.
 *
 * @module
 */

/** Deterministic random numbers and UUID-shaped ids from a 32-bit seed. */
export class SeededRandom {
  #state: number;

  /** Starts the sequence at `seed`. */
  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** The next 32-bit unsigned integer. */
  nextUint32(): number {
    this.#state = (this.#state + 0x9e3779b9) >>> 0;
    let z = this.#state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  }

  /** The next number in `[0, 1)`. */
  next(): number {
    return this.nextUint32() / 0x1_0000_0000;
  }

  /** A random-looking version 4 UUID, e.g. `3f2a...-4...-8...`. */
  uuid(): string {
    const hex = [this.nextUint32(), this.nextUint32(), this.nextUint32(), this.nextUint32()]
      .map((word) => word.toString(16).padStart(8, "0"))
      .join("");
    const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${
      hex.slice(17, 20)
    }-${hex.slice(20, 32)}`;
  }
}
