/**
 * Checks that the engine answers with these credentials, e.g. before a longer script or
 * in a monitoring probe: prints the result, and exits with 1 when it fails.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/test_connection.ts`
 *
 * @module
 */

import { Connection, connectionOptionsFromEnv, scriptArgs } from "../mod.ts";
import "./lib/refused.ts"; // the SDK's errors end the script with their message alone

const USAGE = "Usage: deno run --allow-net --allow-env --allow-read examples/test_connection.ts";

scriptArgs(USAGE, {});

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
