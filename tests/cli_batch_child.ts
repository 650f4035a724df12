/**
 * Runs `ovirt` command lines in this one process (started by `cliProcess` of cli_harness.ts),
 * one after the other, as `ovirt`'s own entry does (`main` of cli/main.ts): for each line of
 * standard input, a JSON `{ args, env }`, the environment is this process's own plus `env`, and
 * what the command writes on standard output and error is kept; one JSON line
 * `{ code, stdout, stderr }` answers it (the command itself reads no input, as with
 * `stdin: "null"`). Standard input ends: this process ends. Loading the CLI once for many
 * commands is what it saves: a process per command loads it again each time.
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

/** A stand-in for `Deno.stdin` with nothing to read, as a child's `stdin: "null"`. */
const noInput = {
  isTerminal: () => false,
  read: () => Promise.resolve(null),
  get readable() {
    return new ReadableStream<Uint8Array>({ start: (controller) => controller.close() });
  },
};

const encoder = new TextEncoder();
const own = Deno.env.toObject();
const real = {
  stdin: Deno.stdin,
  stdout: Deno.stdout,
  stderr: Deno.stderr,
  log: console.log,
  error: console.error,
};

/** The line `console` would print for `values`. */
function line(values: unknown[]): string {
  return values.map((value) => typeof value === "string" ? value : Deno.inspect(value)).join(" ") +
    "\n";
}

/** Runs one command line with its variables; its exit code and output. */
async function run({ args, env }: Case): Promise<{ code: number; stdout: string; stderr: string }> {
  for (const name of Object.keys(Deno.env.toObject())) {
    if (!Object.hasOwn(own, name)) Deno.env.delete(name);
  }
  for (const [name, value] of Object.entries({ ...own, ...env })) Deno.env.set(name, value);
  const stdout = new Kept();
  const stderr = new Kept();
  Object.assign(Deno, { stdin: noInput, stdout, stderr });
  console.log = (...values: unknown[]) => void stdout.writeSync(encoder.encode(line(values)));
  console.error = (...values: unknown[]) => void stderr.writeSync(encoder.encode(line(values)));
  try {
    return { code: await main(args), stdout: stdout.text(), stderr: stderr.text() };
  } finally {
    Object.assign(Deno, { stdin: real.stdin, stdout: real.stdout, stderr: real.stderr });
    Object.assign(console, { log: real.log, error: real.error });
  }
}

let pending = "";
for await (const text of Deno.stdin.readable.pipeThrough(new TextDecoderStream())) {
  pending += text;
  for (let end = pending.indexOf("\n"); end >= 0; end = pending.indexOf("\n")) {
    const outcome = await run(JSON.parse(pending.slice(0, end)));
    pending = pending.slice(end + 1);
    // All of it: a pipe may take part of it at a time.
    for (let rest = encoder.encode(JSON.stringify(outcome) + "\n"); rest.length > 0;) {
      rest = rest.subarray(await Deno.stdout.write(rest));
    }
  }
}
Deno.exit(0); // as each command's own process would end, whatever it left running
