/**
 * Checks of the examples' command lines, many in one `deno run` process
 * (`example_args_child.ts`): each example is imported there with its arguments and ends where
 * it calls `Deno.exit`, so the SDK is loaded once, not once per case.
 *
 * @module
 */

import type { ExampleRun } from "./example_harness.ts";

/** An example and the command line it is given. */
export interface ArgsCase {
  /** The example's name (`examples/<name>.ts`). */
  readonly name: string;
  /** Its command-line arguments. */
  readonly args: readonly string[];
}

/** How one case ended, with what it printed. */
export interface ArgsRun extends ExampleRun {
  /**
   * `exited`: it called `Deno.exit` (its code is `code`), and nothing caught that; `ended`: it
   * ran to its end (`code` is `Deno.exitCode`); `threw`: an error ended it, or it caught the
   * exit; `late`: it had not ended after the time of one case (the cases after it are not run).
   */
  readonly ending: "exited" | "ended" | "threw" | "late";
}

const CHILD = new URL("./example_args_child.ts", import.meta.url).pathname;

/**
 * Runs the examples of `cases` one after the other in one process with `env` (and this
 * process's environment), each for at most `caseTimeout` milliseconds; their outcomes in
 * order, fewer than `cases` when one was late.
 */
export async function runExamplesArgs(
  cases: readonly ArgsCase[],
  env: Record<string, string>,
  caseTimeout = 15_000,
): Promise<ArgsRun[]> {
  const child = new Deno.Command(Deno.execPath(), {
    // The examples' permissions (see example_harness.ts); `deno task check` checks them.
    args: [
      "run",
      "--no-check",
      "--allow-net",
      "--allow-env",
      "--allow-read",
      "--allow-write",
      CHILD,
    ],
    env: { ...env, NO_COLOR: "1", EXAMPLE_CASE_TIMEOUT: String(caseTimeout) },
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(JSON.stringify(cases)));
  await writer.close();
  const { code, stdout, stderr } = await child.output();
  const decoder = new TextDecoder();
  if (code !== 0) throw new Error(`${CHILD} exited with ${code}\n${decoder.decode(stderr)}`);
  return JSON.parse(decoder.decode(stdout));
}
