/**
 * An object the command line names (or the example's default names) that the engine does not
 * have is the user's mistake, like a wrong flag: the example ends with one line on stderr
 * saying what was not found, and exit code 1, without a stack trace (see `refused.ts`, which
 * this module brings in).
 *
 * ```ts
 * const vm = found(await findByName(vmsService, values.vm), `No VM named ${values.vm}`);
 * ```
 *
 * @module
 */

import { Refused } from "./refused.ts";

/** What the script was told to look for and did not find; its message says what. */
export class NotFound extends Refused {
  /** `message` names what was not found (`No VM named web1`). */
  constructor(message: string) {
    super(message);
    this.name = "NotFound";
  }
}

/** `value` when the lookup found something, else throws a {@link NotFound} with `message`. */
export function found<T>(value: T | undefined, message: string): T {
  if (value === undefined) throw new NotFound(message);
  return value;
}
