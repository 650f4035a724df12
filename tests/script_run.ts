/**
 * Runs a script's source text as a user runs a script (`deno run`, its arguments after it), from
 * a temporary folder removed afterwards.
 *
 * @module
 */

/** What a script run ended with. */
export interface ScriptRun {
  /** Its exit code. */
  code: number;
  /** What it printed. */
  stdout: string;
  /** What it printed on standard error. */
  stderr: string;
}

/** Runs `source` (TypeScript) with `args`; its exit code and output. */
export async function runScript(source: string, args: readonly string[]): Promise<ScriptRun> {
  const dir = await Deno.makeTempDir({ prefix: "ovirt-sdk-script-" });
  try {
    await Deno.writeTextFile(`${dir}/script.ts`, source);
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--no-check", `${dir}/script.ts`, ...args],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const decoder = new TextDecoder();
    return {
      code: output.code,
      stdout: decoder.decode(output.stdout),
      stderr: decoder.decode(output.stderr),
    };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
