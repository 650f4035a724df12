/**
 * Ending an image transfer that an example opened itself (checksum_disk, backup_vm), so
 * that the disk is never left locked: finalized when the work is done, cancelled otherwise
 * (a failure, Ctrl-C; a transfer still initializing cannot be finalized), then awaited.
 *
 * @module
 */

import { type ImageTransferService, NotFoundError, types, waitFor } from "../../mod.ts";

/** Phases after which the transfer needs no finalize or cancel from this script. */
const ENDING: readonly (string | undefined)[] = [
  types.ImageTransferPhase.CANCELLED_SYSTEM,
  types.ImageTransferPhase.CANCELLED_USER,
  types.ImageTransferPhase.FINALIZING_FAILURE,
  types.ImageTransferPhase.FINALIZING_SUCCESS,
  types.ImageTransferPhase.FINISHED_FAILURE,
  types.ImageTransferPhase.FINISHED_SUCCESS,
];

/** The phases of a transfer that has ended. */
const ENDED: readonly (string | undefined)[] = [
  types.ImageTransferPhase.FINISHED_FAILURE,
  types.ImageTransferPhase.FINISHED_SUCCESS,
];

/**
 * Finalizes the transfer when `done`, else cancels it (unless it is ending already), and
 * waits until it has ended; resolves to its last phase (`undefined` when the engine
 * forgot it once ended, as engines before 4.4.7 do).
 */
export async function endTransfer(
  transferService: ImageTransferService,
  done: boolean,
): Promise<string | undefined> {
  try {
    const { phase } = await transferService.get();
    if (!ENDING.includes(phase)) {
      await (done ? transferService.finalize() : transferService.cancel());
    }
    const ended = await waitFor(
      () => transferService.get(),
      (current) => ENDED.includes(current.phase),
      { interval: 1000 },
    );
    return ended.phase;
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}
