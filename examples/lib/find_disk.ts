/**
 * Finding the disk an example's `--disk` names: disk names are not unique on the engine
 * (two disks can be named `disk-0`), so `--disk` takes a disk's id too.
 *
 * @module
 */

import { type DisksService, findByName, NotFoundError, type types } from "../../mod.ts";

/** A value shaped like an id (a UUID) rather than a name. */
const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The disk whose id is `nameOrId` when that is shaped like a UUID, else the one disk named
 * exactly `nameOrId`; `undefined` when there is none. Rejects, naming their ids, when several
 * disks have that name.
 */
export async function findDisk(
  disksService: DisksService,
  nameOrId: string,
  options: { signal?: AbortSignal } = {},
): Promise<types.Disk | undefined> {
  if (!ID.test(nameOrId)) return await findByName(disksService, nameOrId, options);
  try {
    return await disksService.diskService(nameOrId).get(options);
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}
