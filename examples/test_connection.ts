/**
 * Checks that the engine answers with these credentials, e.g. before a longer script or
 * in a monitoring probe: prints the result, and exits with 1 when it fails.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/test_connection.ts`
 *
 * @module
 */

import { Connection, connectionOptionsFromEnv } from "../mod.ts";

const options = connectionOptionsFromEnv();
await using connection = new Connection(options);

// `test()` resolves to false on any failure; `test(true)` would reject with the reason.
if (await connection.test()) {
  console.log(`Connection to ${options.url} as ${options.username} works`);
} else {
  console.log(`Connection to ${options.url} as ${options.username} does not work`);
  Deno.exitCode = 1;
}
