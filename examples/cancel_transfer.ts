/**
 * Cancels an image transfer (for instance one paused by the system or by its user) and
 * waits until it has ended; the disk is unlocked, and an upload's bytes are discarded.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/cancel_transfer.ts
 * --transfer-id ID`
 *
 * @module
 */

import {
  Connection,
  connectionOptionsFromEnv,
  NotFoundError,
  scriptArgs,
  types,
  waitFor,
} from "../mod.ts";
import "./lib/refused.ts"; // the SDK's errors end the script with their message alone

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/cancel_transfer.ts --transfer-id ID";

const { values, usage } = scriptArgs(USAGE, {
  "transfer-id": { type: "string" },
});
if (!values["transfer-id"]) throw usage("Name the transfer to cancel with --transfer-id");

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
