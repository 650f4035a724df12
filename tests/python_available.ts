/**
 * The tests that need `python3` (to make a port that never accepts: Deno cannot set a
 * listening socket's backlog) are skipped without it, saying so in their name.
 *
 * @module
 */

/** Whether `python3` runs here. */
export const hasPython = await new Deno.Command("python3", { args: ["-c", ""] }).output().then(
  (output) => output.success,
  () => false,
);

/** A test's name and whether it is skipped: without python3 it is, and its name says why. */
export function withPython(name: string): { name: string; ignore: boolean } {
  const skipped = " (skipped: needs python3 to make a port that never accepts)";
  return { name: hasPython ? name : name + skipped, ignore: !hasPython };
}
