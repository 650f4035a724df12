/**
 * How an example ends when what it was asked cannot be done: one line on stderr saying why,
 * and exit code 1, without a stack trace. That is the case of
 * - a {@link Refused} error: the script's own check of what it was asked (a disk that cannot
 *   be reduced, options that do not go together), or a `NotFound` of `found.ts`;
 * - an `OvirtError` of the SDK: the engine refused (a 409 with its reason), the credentials
 *   are wrong, the engine cannot be reached, or the connection is not configured (no
 *   `OVIRT_URL`): its message says what and where;
 * - a file it names that does not exist (`--file`, `--ova`, `--key-file`).
 * Anything else (a bug) keeps Deno's stack trace. The error is thrown, so that the script's
 * `using` blocks (closing the connection, logging out) and `finally` blocks still run;
 * importing this module makes the script end that way once the error reaches the top. After a
 * Ctrl-C (`interrupt.ts`) the exit code is 130 instead.
 *
 * ```ts
 * import { Refused } from "./lib/refused.ts";
 * if (disk.shareable) throw new Refused(`Disk ${disk.name} is shareable: it cannot be reduced`);
 * ```
 *
 * @module
 */

import { OvirtError } from "../../mod.ts";

/** The script will not do what it was asked; its message says why. */
export class Refused extends Error {
  /** `message` says why (`Disk data1 is shareable: it cannot be reduced`). */
  constructor(message: string) {
    super(message);
    this.name = "Refused";
  }
}

/** Whether `error` is told by its message alone (see the module's documentation). */
function toldByMessage(error: unknown): error is Error {
  return error instanceof Refused || error instanceof OvirtError ||
    error instanceof Deno.errors.NotFound ||
    // The SDK's helpers wrap a file they cannot open (`uploadImage`: "Cannot read disk.img: ...").
    (error instanceof Error && error.cause instanceof Deno.errors.NotFound);
}

// Registered when the script starts, so before `interrupt.ts`'s listener, which then only sets
// the exit code to 130 when it follows a Ctrl-C.
globalThis.addEventListener("unhandledrejection", (event) => {
  if (event.defaultPrevented || !toldByMessage(event.reason)) return;
  event.preventDefault();
  console.error(event.reason.message);
  Deno.exitCode = 1;
});
