/**
 * Asks the engine for uncompressed answers, e.g. to read them in a network capture.
 *
 * The SDK sends requests with `fetch`, which negotiates compression on its own: it
 * offers `Accept-Encoding: gzip, br` and decompresses the answers, so there is no
 * compression switch. To have the engine answer uncompressed, send
 * `Accept-Encoding: identity` with every request through the connection's `headers`.
 * (The `debug` option logs the answers after decompression either way.)
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/disable_compression.ts`
 *
 * @module
 */

import { parseArgs } from "node:util";
import { Connection, connectionOptionsFromEnv } from "../mod.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/disable_compression.ts";

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

await using connection = new Connection({
  ...connectionOptionsFromEnv(),
  headers: { "Accept-Encoding": "identity" },
});

const api = await connection.systemService().get();
console.log(`Engine version ${api.productInfo?.version?.fullVersion}`);
const vms = await connection.systemService().vmsService().list();
console.log(`${vms.length} VMs, read without compression`);
