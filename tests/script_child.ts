/**
 * Tests' child processes running a script given as text: what a user's script does in a
 * process of its own (exit codes, what keeps it alive, signals).
 *
 * @module
 */

/**
 * Starts `deno run <permissions> -` with `source` on its standard input (then closed), its
 * standard output and error piped.
 */
export async function spawnScript(
  source: string,
  permissions: readonly string[] = ["-A"],
): Promise<Deno.ChildProcess> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", ...permissions, "--no-check", "-"],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(source));
  await writer.close();
  return child;
}
