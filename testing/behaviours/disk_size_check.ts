/**
 * The engine's size check of a new image disk (`AddDiskCommand`, `DiskValidator.validateDiskSize`).
 *
 * @module
 */

import { badParameters } from "../answers.ts";

/**
 * Refuses an image disk of provisioned size 0, as the engine does (a 400: its message is
 * of the bad-parameters kind); a size not given is the simulator's default, not 0.
 */
export function checkDiskSize(described: Record<string, unknown>): void {
  if (described.provisionedSize !== undefined && Number(described.provisionedSize) === 0) {
    throw badParameters(
      "Cannot add Virtual Disk. Disk's provisioned size has to be greater than 0.",
    );
  }
}
