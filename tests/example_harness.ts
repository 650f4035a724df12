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
}

/** How to run one example. */
export interface ExampleCase {
  /** Extra command-line arguments, or a function making them from the prepared state. */
  args?: string[] | ((connection: Connection) => Promise<string[]>);
  /** Simulator options (default: TLS, delay 0). */
  simulator?: SimulatorOptions;
  /** Prepares state before the example runs (e.g. creates the VM it removes). */
  prepare?: (connection: Connection) => Promise<void>;
  /** Checks the example's effect through the SDK. */
  check: (context: ExampleContext) => Promise<void>;
  /** Skips the test (say why in a comment next to it). */
  ignore?: boolean;
}

const decoder = new TextDecoder();

/** Registers a test that runs `examples/<name>.ts` and checks its effect. */
export function exampleTest(name: string, example: ExampleCase): void {
  Deno.test({ name: `example ${name}`, ignore: example.ignore ?? false }, async () => {
    await using simulator = await startSimulator({ tls: true, delay: 0, ...example.simulator });
    const caFile = await Deno.makeTempFile({ prefix: "ovirt-sdk-ca-", suffix: ".pem" });
    try {
      await Deno.writeTextFile(caFile, simulator.caCert ?? "");
      await using connection = new Connection({
        url: simulator.url,
        username: simulator.username,
        password: simulator.password,
        caFile,
      });
      await example.prepare?.(connection);
      const args = typeof example.args === "function"
        ? await example.args(connection)
        : example.args ?? [];
      const stdout = await runScript(name, args, {
        OVIRT_URL: simulator.url,
        OVIRT_USERNAME: simulator.username,
        OVIRT_PASSWORD: simulator.password,
        OVIRT_CA_FILE: caFile,
      });
      await example.check({ connection, simulator, stdout });
    } finally {
      await Deno.remove(caFile);
    }
  });
}

/** Runs one example script to the end; rejects with its output when it fails. */
async function runScript(
  name: string,
  args: string[],
  env: Record<string, string>,
): Promise<string> {
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
    signal: AbortSignal.timeout(60_000),
  });
  const output = await child.output();
  const stdout = decoder.decode(output.stdout);
  if (!output.success) {
    throw new Error(
      `examples/${name}.ts exited with ${output.code}\n${stdout}\n${decoder.decode(output.stderr)}`,
    );
  }
  return stdout;
}
