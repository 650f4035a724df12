/**
 * What the engine checks before it starts an image transfer of a VM backup's disk
 * (`TransferDiskImageCommand.validateImageTransfer`, the backup branch): the transfer reads
 * the guest's data through imageio's NBD backend, so it cannot be asked for as a qcow2 file.
 *
 * @module
 */

import { badParameters } from "../answers.ts";

/**
 * Refuses a backup's transfer asking for `format` `cow`, as the engine does (a 400: its
 * message is of the bad-parameters kind); without `format`, the disk's own is shown.
 */
export function checkBackupTransfer(format: unknown): void {
  if (format === "cow") {
    throw badParameters(
      "Cannot transfer Virtual Disk. A VM backup's disk is read as raw guest data: " +
        "format cow cannot be asked for.",
    );
  }
}
