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

import { Connection, connectionOptionsFromEnv, scriptArgs } from "../mod.ts";
import "./lib/refused.ts"; // the SDK's errors end the script with their message alone

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/disable_compression.ts";

scriptArgs(USAGE, {});

await using connection = new Connection({
  ...connectionOptionsFromEnv(),
  headers: { "Accept-Encoding": "identity" },
});

const api = await connection.systemService().get();
console.log(`Engine version ${api.productInfo?.version?.fullVersion}`);
const vms = await connection.systemService().vmsService().list();
console.log(`${vms.length} VMs, read without compression`);
