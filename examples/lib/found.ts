/**
 * An object the command line names (or the example's default names) that the engine does not
 * have is the user's mistake, like a wrong flag: the example ends with one line on stderr
 * saying what was not found, and exit code 1, without a stack trace. So does a file it names
 * that does not exist (`--file`, `--ova`, `--key-file`). The error is thrown, so that the
 * script's `using` blocks (closing the connection, logging out) and `finally` blocks still
 * run; importing this module makes the script end that way once the error reaches the top.
 * After a Ctrl-C (`interrupt.ts`) the exit code is 130 instead.
 *
 * ```ts
 * const vm = found(await findByName(vmsService, values.vm), `No VM named ${values.vm}`);
 * ```
 *
 * @module
 */

/** What the script was told to look for and did not find; its message says what. */
export class NotFound extends Error {
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

/** Whether `error` says that something named was not found: an object or a file. */
function notFound(error: unknown): error is Error {
  return error instanceof NotFound || error instanceof Deno.errors.NotFound ||
    // The SDK's helpers wrap a file they cannot open (`uploadImage`: "Cannot read disk.img: ...").
    (error instanceof Error && error.cause instanceof Deno.errors.NotFound);
}

// Registered when the script starts, so before `interrupt.ts`'s listener, which then only sets
// the exit code to 130 when it follows a Ctrl-C.
globalThis.addEventListener("unhandledrejection", (event) => {
  if (event.defaultPrevented || !notFound(event.reason)) return;
  event.preventDefault();
  console.error(event.reason.message);
  Deno.exitCode = 1;
});
