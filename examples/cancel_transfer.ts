/**
 * Cancels an image transfer (for instance one paused by the system or by its user) and
 * waits until it has ended; the disk is unlocked, and an upload's bytes are discarded.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/cancel_transfer.ts
 * --transfer-id ID`
 *
 * @module
 */

import { parseArgs } from "node:util";
import { Connection, connectionOptionsFromEnv, NotFoundError, types, waitFor } from "../mod.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/cancel_transfer.ts --transfer-id ID";

/** Refuses a wrong command line before doing anything: one line on stderr, exit code 2. */
function usage(problem: string): never {
  console.error(`${problem.split("\n")[0].replace(/\.$/, "")}. ${USAGE}`);
  Deno.exit(2);
}

const { values } = (() => {
  try {
    return parseArgs({
      args: Deno.args,
      options: {
        "transfer-id": { type: "string" },
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
})();
if (!values["transfer-id"]) usage("Name the transfer to cancel with --transfer-id");

await using connection = new Connection(connectionOptionsFromEnv());
const transferService = connection.systemService().imageTransfersService()
  .imageTransferService(values["transfer-id"]);

const transfer = await transferService.get();
console.log(`Transfer ${transfer.id} (${transfer.direction}) is ${transfer.phase}; cancelling`);
await transferService.cancel();

/** The transfer, or undefined once the engine removed it (engines before 4.4.7 do at once). */
async function currentTransfer(): Promise<types.ImageTransfer | undefined> {
  try {
    return await transferService.get();
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}

const ended = await waitFor(
  currentTransfer,
  (current) => current === undefined || current.phase === types.ImageTransferPhase.FINISHED_FAILURE,
);
console.log(`Transfer cancelled${ended ? `, phase ${ended.phase}` : ""}`);
