/**
 * Runs many examples' command-line checks in this one process (started by
 * `example_args.ts`): for each case read as JSON from standard input (`[{ name, args }]`), it
 * imports `examples/<name>.ts` afresh with `Deno.args` set to `args`, `Deno.exit` made to end
 * only that import, and what the example prints kept; then prints every case's outcome as
 * JSON. Loading the SDK once for all the cases is what it saves: a `deno run` per case loads
 * it again each time.
 *
 * @module
 */

/** One example to run, with its command line. */
interface Case {
  /** The example's name (`examples/<name>.ts`). */
  name: string;
  /** Its command-line arguments. */
  args: string[];
}

/** Thrown by the stand-in of `Deno.exit` to end the example's evaluation there. */
class Exited {
  /** The exit code it was asked to end with. */
  constructor(readonly code: number) {}
}

const cases: Case[] = JSON.parse(await new Response(Deno.stdin.readable).text());
const caseTimeout = Number(Deno.env.get("EXAMPLE_CASE_TIMEOUT") ?? "15000");
const realExit = Deno.exit;
const realConsole = {
  log: console.log,
  info: console.info,
  warn: console.warn,
  error: console.error,
};
const outcomes = [];

/** The line `console` would print for `values`. */
function line(values: unknown[]): string {
  return values.map((value) => typeof value === "string" ? value : Deno.inspect(value)).join(" ") +
    "\n";
}

for (const [index, { name, args }] of cases.entries()) {
  let stdout = "";
  let stderr = "";
  let exitCode: number | undefined;
  console.log = console.info = (...values: unknown[]) => void (stdout += line(values));
  console.error = console.warn = (...values: unknown[]) => void (stderr += line(values));
  Deno.exit = (code = 0) => {
    exitCode ??= code;
    throw new Exited(code);
  };
  Object.defineProperty(Deno, "args", { value: Object.freeze([...args]), configurable: true });
  Deno.exitCode = 0;
  const url = new URL(`../examples/${name}.ts?case=${index}`, import.meta.url).href;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<"late">((resolve) => timer = setTimeout(resolve, caseTimeout, "late"));
  // "exited": Deno.exit ended it; "ended": it ran to its end; "threw": another error ended it
  // (or Deno.exit's stand-in was caught, which a real exit would not allow).
  const ending = await Promise.race([
    import(url).then(() => "ended", (error) => error instanceof Exited ? "exited" : "threw"),
    late,
  ]);
  clearTimeout(timer);
  Object.assign(console, realConsole);
  outcomes.push({ name, args, ending, code: exitCode ?? Deno.exitCode, stdout, stderr });
  if (ending === "late") break; // its evaluation cannot be stopped: the others would wait on it
}

Deno.exitCode = 0;
// All of it: a pipe may take part of it at a time.
for (let rest = new TextEncoder().encode(JSON.stringify(outcomes)); rest.length > 0;) {
  rest = rest.subarray(await Deno.stdout.write(rest));
}
realExit(0);
