/**
 * Checks that the engine answers with these credentials, e.g. before a longer script or
 * in a monitoring probe: prints the result, and exits with 1 when it fails.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/test_connection.ts`
 *
 * @module
 */

import { parseArgs } from "node:util";
import { Connection, connectionOptionsFromEnv } from "../mod.ts";

const USAGE = "Usage: deno run --allow-net --allow-env --allow-read examples/test_connection.ts";

/** Refuses a wrong command line before doing anything: one line on stderr, exit code 2. */
function usage(problem: string): never {
  console.error(`${problem.split("\n")[0].replace(/\.$/, "")}. ${USAGE}`);
  Deno.exit(2);
}

try {
  parseArgs({
    args: Deno.args,
    options: {
      // The connection's flags, which connectionOptionsFromEnv() reads.
      url: { type: "string" },
      username: { type: "string" },
      password: { type: "string" },
      "ca-file": { type: "string" },
      insecure: { type: "boolean" },
    },
    strict: true,
  });
} catch (error) {
  usage((error as Error).message);
}

const options = connectionOptionsFromEnv();
await using connection = new Connection(options);

// `test(true)` rejects with the reason of a failure (`test()` would only resolve to false).
try {
  await connection.test(true);
  console.log(`Connection to ${options.url} as ${options.username} works`);
} catch (error) {
  // The SDK's messages hold no password or token; the reason is the first line.
  const reason = (error as Error).message.split("\n")[0];
  console.log(`Connection to ${options.url} as ${options.username} does not work: ${reason}`);
  Deno.exitCode = 1;
}
