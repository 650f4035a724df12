/**
 * Runs many `ovirt` command lines in this one process (started by `ovirtBatch` of
 * cli_harness.ts), one after the other, as `ovirt`'s own entry does (`main` of cli/main.ts):
 * for each case read as JSON from standard input (`[{ args, env }]`), the environment is this
 * process's own plus the case's, and what the command writes on standard output and error is
 * kept; then every case's exit code and output are printed as JSON. Loading the CLI once for
 * all the cases is what it saves: a process per case loads it again each time.
 *
 * @module
 */

import { main } from "../cli/main.ts";

/** One command line, with the variables it runs with. */
interface Case {
  /** The arguments of `ovirt`. */
  args: string[];
  /** Variables added to this process's own for this command. */
  env: Record<string, string>;
}

/** A stand-in for `Deno.stdout` or `Deno.stderr` that keeps what is written (not a terminal). */
class Kept {
  #pieces: Uint8Array[] = [];
  /** Keeps `bytes`, all of them. */
  writeSync(bytes: Uint8Array): number {
    this.#pieces.push(bytes.slice());
    return bytes.byteLength;
  }
  /** Keeps `bytes`, all of them. */
  write(bytes: Uint8Array): Promise<number> {
    return Promise.resolve(this.writeSync(bytes));
  }
  /** No terminal: output is piped, as to a test's child process. */
  isTerminal(): boolean {
    return false;
  }
  /** What was written, as text. */
  text(): string {
    return new TextDecoder().decode(new Uint8Array(this.#pieces.flatMap((piece) => [...piece])));
  }
}

const encoder = new TextEncoder();
const cases: Case[] = JSON.parse(await new Response(Deno.stdin.readable).text());
const own = Deno.env.toObject();
const real = { stdout: Deno.stdout, stderr: Deno.stderr, log: console.log, error: console.error };
const outcomes = [];

for (const { args, env } of cases) {
  for (const name of Object.keys(Deno.env.toObject())) {
    if (!Object.hasOwn(own, name)) Deno.env.delete(name);
  }
  for (const [name, value] of Object.entries({ ...own, ...env })) Deno.env.set(name, value);
  const stdout = new Kept();
  const stderr = new Kept();
  Object.assign(Deno, { stdout, stderr });
  console.log = (...values: unknown[]) => void stdout.writeSync(encoder.encode(line(values)));
  console.error = (...values: unknown[]) => void stderr.writeSync(encoder.encode(line(values)));
  let code: number;
  try {
    code = await main(args);
  } finally {
    Object.assign(Deno, { stdout: real.stdout, stderr: real.stderr });
    Object.assign(console, { log: real.log, error: real.error });
  }
  outcomes.push({ code, stdout: stdout.text(), stderr: stderr.text() });
}

/** The line `console` would print for `values`. */
function line(values: unknown[]): string {
  return values.map((value) => typeof value === "string" ? value : Deno.inspect(value)).join(" ") +
    "\n";
}

// All of it: a pipe may take part of it at a time.
for (let rest = encoder.encode(JSON.stringify(outcomes)); rest.length > 0;) {
  rest = rest.subarray(await Deno.stdout.write(rest));
}
Deno.exit(0); // as each command's own process would end, whatever it left running
