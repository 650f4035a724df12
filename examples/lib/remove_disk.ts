/**
 * Removing a disk an example made when what it was made for failed or was stopped
 * (Ctrl-C): once the disk is no longer locked, so that nothing half-made is left unsaid.
 *
 * @module
 */

import { type DisksService, NotFoundError, types, waitFor } from "../../mod.ts";

/**
 * Removes `disk` once it is not locked; says on stderr that it did (or that it was gone
 * already, which is no failure), or, with its id, that it could not (and sets the exit code
 * to 1). Never rejects.
 */
export async function removeDisk(disksService: DisksService, disk: types.Disk): Promise<void> {
  try {
    const diskService = disksService.diskService(disk.id!);
    // A disk still being made or written is locked: wait until it is not.
    await waitFor(
      () => diskService.get(),
      (current) => current.status !== types.DiskStatus.LOCKED,
    );
    await diskService.remove();
    console.error(`Removed disk ${disk.name} (${disk.id}) again`);
  } catch (error) {
    if (error instanceof NotFoundError) {
      // After a cancelled upload the engine removes the transfer's disk itself.
      console.error(`Disk ${disk.name} (${disk.id}) is removed already`);
      return;
    }
    console.error(`Could not remove disk ${disk.name} (${disk.id}): ${(error as Error).message}`);
    Deno.exitCode = 1;
  }
}
