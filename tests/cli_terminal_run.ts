/**
 * Runs `ovirt` under a pseudo-terminal (util-linux `script`), as a user at a terminal does,
 * typing an answer when a prompt shows.
 *
 * @module
 */

import { CLI } from "./cli_harness.ts";

/** Whether util-linux `script` can make a pseudo-terminal here (it needs /dev/pts). */
export const hasTerminal = new Deno.Command("script", {
  args: ["-q", "-e", "-c", "true", "/dev/null"],
  stdin: "null",
  stdout: "null",
  stderr: "null",
}).output().then((result) => result.success, () => false);

/** `word` quoted for the shell. */
function quote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** Runs `ovirt args` under a pseudo-terminal; `answer` types text when `prompt` shows. */
export async function onTerminal(
  args: string[],
  env: Record<string, string>,
  answer?: { prompt: string; text: string | Uint8Array },
): Promise<{ code: number; screen: string }> {
  const command = [Deno.execPath(), "run", "-A", CLI, ...args].map(quote).join(" ");
  const child = new Deno.Command("script", {
    args: ["-q", "-e", "-c", command, "/dev/null"],
    env: { ...env, NO_COLOR: "1", TERM: "xterm" },
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const writer = child.stdin.getWriter();
  let screen = "";
  let answered = answer === undefined;
  while (true) {
    const { value, done } = await reader.read();
    if (done) break;
    screen += value;
    if (!answered && screen.includes(answer!.prompt)) {
      answered = true;
      const { text } = answer!;
      await writer.write(typeof text === "string" ? new TextEncoder().encode(text) : text);
    }
  }
  await writer.close().catch(() => {});
  await child.stderr.cancel();
  return { code: (await child.status).code, screen };
}
