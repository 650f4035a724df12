/**
 * The error of a model the generator cannot turn into code; `deno task generate` prints its
 * message on one line and exits 1.
 *
 * @module
 */

/** A model the generator refuses: the message names the types or services at fault. */
export class GenerateError extends Error {
  /** Creates the error with `message`. */
  constructor(message: string) {
    super(message);
    this.name = "GenerateError";
  }
}
