/**
 * Format and allocation of a new disk as the engine takes them: it refuses a qcow2 (`cow`)
 * disk that is preallocated, and a raw disk that is sparse on a block storage domain
 * (iSCSI, Fibre Channel). The examples that create disks pick their default from here and
 * refuse what the user asked when the engine would.
 *
 * @module
 */

import { types } from "../../mod.ts";

/** Whether `domain` is a block storage domain (iSCSI or Fibre Channel). */
export function isBlockDomain(domain: types.StorageDomain): boolean {
  const type = domain.storage?.type;
  return type === types.StorageType.ISCSI || type === types.StorageType.FCP;
}

/**
 * Why the engine refuses a new disk of `format`, sparse or not, on `domain`; `undefined`
 * when it takes it.
 */
export function refusedAllocation(
  format: types.DiskFormat,
  sparse: boolean,
  domain: types.StorageDomain,
): string | undefined {
  if (format === types.DiskFormat.COW && !sparse) {
    return "the engine refuses a preallocated qcow2 (cow) disk: make it raw, or sparse";
  }
  if (format === types.DiskFormat.RAW && sparse && isBlockDomain(domain)) {
    return `the engine refuses a sparse raw disk on block storage domain ${domain.name} ` +
      `(${domain.storage?.type}): make it preallocated, or qcow2 (cow)`;
  }
  return undefined;
}

/**
 * Whether a new disk of `format` on `domain` is to be sparse: `wanted` when the engine
 * takes that, else the one allocation it takes (qcow2 sparse, raw on a block domain
 * preallocated); sparse when nothing is wanted and both are taken.
 */
export function sparseFor(
  format: types.DiskFormat,
  domain: types.StorageDomain,
  wanted = true,
): boolean {
  return refusedAllocation(format, wanted, domain) === undefined ? wanted : !wanted;
}
