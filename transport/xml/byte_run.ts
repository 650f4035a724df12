/**
 * Bytes the plain reader remembers from one object of a list, to compare with the next
 * object's eight at a time ({@link ByteRun}), and the two most recent of them per place
 * ({@link RecentRuns}).
 *
 * @module
 */

/**
 * A copy of some input bytes, kept as eight-byte words (doubles) and a tail in plain
 * arrays, which cost far less to make than a typed array of their own. The bytes must be
 * text, with no zero byte: then equal doubles mean equal bytes (see `sameAcross`).
 */
export class ByteRun {
  readonly #words: number[];
  readonly #tail: number[];
  /** The number of bytes. */
  readonly length: number;

  /** A copy of `buf[start, end)`; `words` views `buf`. */
  constructor(buf: Uint8Array, words: DataView, start: number, end: number) {
    this.length = end - start;
    const wordEnd = start + (this.length & ~7);
    this.#words = [];
    for (let at = start; at < wordEnd; at += 8) this.#words.push(words.getFloat64(at, true));
    this.#tail = Array.from(buf.subarray(wordEnd, end));
  }

  /** Whether `buf[at, end)` starts with these bytes; `words` views `buf`. */
  matchAt(buf: Uint8Array, words: DataView, at: number, end: number): boolean {
    if (at + this.length > end) return false;
    const runWords = this.#words, tail = this.#tail;
    for (let k = 0; k < runWords.length; k++) {
      if (words.getFloat64(at + 8 * k, true) !== runWords[k]) return false;
    }
    const tailAt = at + 8 * runWords.length;
    for (let k = 0; k < tail.length; k++) if (buf[tailAt + k] !== tail[k]) return false;
    return true;
  }
}

/**
 * The two most recent runs remembered at each of a number of places, most recent first: a
 * place where objects of a list alternate between two forms (an optional element present
 * in some objects and not in others) keeps a run for each, instead of making one at every
 * change.
 */
export class RecentRuns<Run> {
  readonly #runs: (Run | undefined)[];

  /** No runs yet, at `places` places. */
  constructor(places: number) {
    this.#runs = new Array(2 * places).fill(undefined);
  }

  /** The most recent run at `place`. */
  first(place: number): Run | undefined {
    return this.#runs[2 * place];
  }

  /** The run at `place` before {@link RecentRuns.first}. */
  second(place: number): Run | undefined {
    return this.#runs[2 * place + 1];
  }

  /** Makes `run` the most recent run at `place`. */
  remember(place: number, run: Run): void {
    this.#runs[2 * place + 1] = this.#runs[2 * place];
    this.#runs[2 * place] = run;
  }

  /** Forgets every run. */
  clear(): void {
    this.#runs.fill(undefined);
  }
}
