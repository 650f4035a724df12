/**
 * Reading the text a flag names: a file, or standard input for `-`.
 *
 * @module
 */

import { UsageError } from "./errors.ts";

/** The text of file `path` (`-`: all of standard input); a failure names the flag. */
export async function readInput(path: string, flag: string): Promise<string> {
  try {
    return path === "-"
      ? await new Response(Deno.stdin.readable).text()
      : await Deno.readTextFile(path);
  } catch (error) {
    throw new UsageError(`--${flag} ${path}: ${(error as Error).message}`);
  }
}
