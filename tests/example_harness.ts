/**
 * Runs the scripts of examples/ as a user would (`deno run`, credentials in the
 * environment, the CA in a file) against a fresh simulator, and hands the test a
 * connection to the same simulator to check what the script did.
 *
 * @module
 */

import { Connection } from "../mod.ts";
import { type Simulator, type SimulatorOptions, startSimulator } from "../testing/mod.ts";

/** What a check gets: a connection to the simulator the example ran against, and its output. */
export interface ExampleContext {
  /** A connection to the simulator (as admin). */
  connection: Connection;
  /** The simulator. */
  simulator: Simulator;
  /** What the example printed. */
  stdout: string;
  /** What the example printed on stderr. */
  stderr: string;
}

/** How to run one example. */
export interface ExampleCase {
  /** Extra command-line arguments, or a function making them from the prepared state. */
  args?: string[] | ((connection: Connection) => Promise<string[]>);
  /** Simulator options (default: TLS, delay 0). */
  simulator?: SimulatorOptions;
  /**
   * Prepares state before the example runs (e.g. creates the VM it removes); may also set
   * the simulator's faults for the run.
   */
  prepare?: (connection: Connection, simulator: Simulator) => Promise<void> | void;
  /** The exit code the example must end with (default 0). */
  exitCode?: number;
  /**
   * Sends the script Ctrl-C (SIGINT) once this resolves true (asked every 50 ms while it
   * runs), as a user stopping it half-way would; the check then sees what it left behind.
   */
  interruptWhen?: (connection: Connection) => Promise<boolean>;
  /** With `interruptWhen`: sends a second Ctrl-C this many milliseconds after the first. */
  interruptAgain?: number;
  /**
   * Puts a plain HTTP server between the example and the simulator (which then serves plain
   * HTTP too) that hands the body of every answer through this, with the request's method
   * and path, e.g. to show the example a status the simulator never gives (a disk `illegal`).
   */
  rewrite?: Rewrite;
  /** Checks the example's effect through the SDK. */
  check: (context: ExampleContext) => Promise<void> | void;
  /** Skips the test (say why in a comment next to it). */
  ignore?: boolean;
}

/** Changes the body of an answer to a request (`path` with its query) before the example sees it. */
export type Rewrite = (request: { method: string; path: string }, body: string) => string;

const decoder = new TextDecoder();

/**
 * Starts a plain HTTP server on 127.0.0.1 that sends every request on to `origin` and
 * answers with what came back, its body handed through `rewrite`; resolves to its origin.
 */
function startRewriter(origin: string, rewrite: Rewrite): { origin: string } & AsyncDisposable {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const url = new URL(req.url);
    const path = url.pathname + url.search;
    const headers = new Headers(req.headers);
    headers.delete("host");
    headers.delete("accept-encoding"); // the body is to be read as text here
    const answer = await fetch(new URL(path, origin), {
      method: req.method,
      headers,
      body: req.body ? await req.arrayBuffer() : undefined,
      redirect: "manual",
    });
    const body = rewrite({ method: req.method, path }, await answer.text());
    const answerHeaders = new Headers(answer.headers);
    answerHeaders.delete("content-length");
    answerHeaders.delete("content-encoding");
    return new Response(answer.status === 204 ? null : body, {
      status: answer.status,
      headers: answerHeaders,
    });
  });
  return {
    origin: `http://127.0.0.1:${server.addr.port}`,
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}

/** Registers a test that runs `examples/<name>.ts` and checks its effect. */
export function exampleTest(name: string, example: ExampleCase, title = `example ${name}`): void {
  Deno.test({ name: title, ignore: example.ignore ?? false }, async () => {
    const tls = example.rewrite === undefined;
    await using simulator = await startSimulator({ tls, delay: 0, ...example.simulator });
    const simulatorOrigin = new URL(simulator.url).origin;
    await using rewriter = example.rewrite && startRewriter(simulatorOrigin, example.rewrite);
    const url = rewriter ? simulator.url.replace(simulatorOrigin, rewriter.origin) : simulator.url;
    const caFile = await Deno.makeTempFile({ prefix: "ovirt-sdk-ca-", suffix: ".pem" });
    try {
      await Deno.writeTextFile(caFile, simulator.caCert ?? "");
      await using connection = new Connection({
        url: simulator.url,
        username: simulator.username,
        password: simulator.password,
        ...(tls ? { caFile } : {}),
      });
      await example.prepare?.(connection, simulator);
      const args = typeof example.args === "function"
        ? await example.args(connection)
        : example.args ?? [];
      const { interruptWhen } = example;
      const { code, stdout, stderr } = await runExample(
        name,
        args,
        {
          OVIRT_URL: url,
          OVIRT_USERNAME: simulator.username,
          OVIRT_PASSWORD: simulator.password,
          ...(tls ? { OVIRT_CA_FILE: caFile } : {}),
        },
        60_000,
        interruptWhen && (() => interruptWhen(connection)),
        example.interruptAgain,
      );
      if (code !== (example.exitCode ?? 0)) {
        throw new Error(`examples/${name}.ts exited with ${code}\n${stdout}\n${stderr}`);
      }
      await example.check({ connection, simulator, stdout, stderr });
    } finally {
      await Deno.remove(caFile);
    }
  });
}

/** What an example script printed, and how it ended. */
export interface ExampleRun {
  /** Its exit code. */
  code: number;
  /** What it printed. */
  stdout: string;
  /** What it printed on stderr. */
  stderr: string;
}

/**
 * Runs one example script to the end, as a user would (`deno run`, variables in `env`);
 * kills it after `timeout` milliseconds. With `interruptWhen`, sends it one SIGINT (Ctrl-C)
 * as soon as that resolves true, asking every 50 ms while the script runs; with `again`, a
 * second one that many milliseconds later.
 */
export async function runExample(
  name: string,
  args: string[],
  env: Record<string, string>,
  timeout = 60_000,
  interruptWhen?: () => Promise<boolean>,
  again?: number,
): Promise<ExampleRun> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--no-check", // `deno task check` type-checks every example
      "--allow-net",
      "--allow-env",
      "--allow-read",
      "--allow-write",
      `examples/${name}.ts`,
      ...args,
    ],
    env: { ...env, NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(timeout),
  });
  const running = child.spawn();
  const output = running.output();
  if (interruptWhen) await interruptOnce(running, output, interruptWhen, again);
  return await outputOf(output);
}

/**
 * Sends `running` one SIGINT once `when` resolves true, unless it ended before; with
 * `again`, a second one `again` milliseconds later (unless it ended by then).
 */
async function interruptOnce(
  running: Deno.ChildProcess,
  output: Promise<Deno.CommandOutput>,
  when: () => Promise<boolean>,
  again?: number,
): Promise<void> {
  let ended = false;
  output.finally(() => ended = true).catch(() => {});
  while (!ended) {
    if (await when()) {
      if (!ended) running.kill("SIGINT");
      if (again === undefined) return;
      await new Promise((resolve) => setTimeout(resolve, again));
      if (!ended) running.kill("SIGINT");
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error("The example ended before it was to be interrupted");
}

/** An ended script's run: its exit code and what it printed. */
async function outputOf(pending: Promise<Deno.CommandOutput>): Promise<ExampleRun> {
  const output = await pending;
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

/** The names of the task examples (`examples/*.ts` but the demo), sorted. */
export async function exampleScripts(): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir("examples")) {
    if (entry.isFile && entry.name.endsWith(".ts") && entry.name !== "demo.ts") {
      names.push(entry.name.slice(0, -3));
    }
  }
  return names.sort();
}
