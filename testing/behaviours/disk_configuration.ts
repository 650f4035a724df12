/**
 * What the engine lets a disk be, and do, given its format, allocation and storage domain:
 * no qcow2 preallocated disk (unless it is enabled for incremental backup), no raw disk
 * enabled for incremental backup, no raw sparse disk on a block domain
 * (`ImagesHandler.checkImageConfiguration`); a LUN used by one disk only
 * (`DiskValidator.validateLunAlreadyInUse`); sparsify only for raw sparse image disks
 * (`DiskValidator.isSparsifySupported`); reduce only for disks on block domains that are
 * not shareable (`ReduceImageCommand.validate`). The refusals are the engine's texts.
 *
 * @module
 */

import { badParameters, conflict } from "../answers.ts";
import type { Engine, Reference } from "../engine.ts";
import type { Entity } from "../store.ts";

const BLOCK_TYPES = new Set(["iscsi", "fcp"]);
const FILE_TYPES = new Set(["nfs", "localfs", "posixfs", "glusterfs"]);

/** The storage type (`nfs`, `iscsi`, ...) of domain `domainId`, if known. */
function storageTypeOf(engine: Engine, domainId: string | undefined): string | undefined {
  if (domainId === undefined) return undefined;
  const domain = engine.store.get("storagedomains", domainId);
  return (domain?.storage as { type?: string } | undefined)?.type;
}

/** Whether domain `domainId` is a block domain (iSCSI, FCP). */
export function isBlockDomain(engine: Engine, domainId: string | undefined): boolean {
  return BLOCK_TYPES.has(storageTypeOf(engine, domainId) ?? "");
}

/**
 * Refuses to add an image disk `described` (format, `sparse`, `backup`; the simulator's
 * defaults when absent: cow, sparse, no backup) on domain `domainId` in a configuration
 * the engine does not support, naming it as the engine does (`COW Preallocated
 * backup-None`).
 */
export function checkImageConfiguration(
  engine: Engine,
  described: Record<string, unknown>,
  domainId: string | undefined,
): void {
  const cow = (described.format ?? "cow") === "cow";
  const sparse = described.sparse !== false;
  const incremental = described.backup === "incremental";
  const refused = (cow && !sparse && !incremental) || (!cow && incremental) ||
    (isBlockDomain(engine, domainId) && sparse && !cow);
  if (!refused) return;
  const configuration = `${cow ? "COW" : "RAW"} ${sparse ? "Sparse" : "Preallocated"} backup-${
    incremental ? "Incremental" : "None"
  }`;
  throw conflict(
    `Cannot add Virtual Disk. Disk configuration (${configuration}) is incompatible with the storage domain type.`,
  );
}

/** The id of the LUN a `lun_storage` description names (its first logical unit), if any. */
function lunIdOf(lunStorage: unknown): string | undefined {
  const units = (lunStorage as { logicalUnits?: { id?: unknown }[] } | undefined)?.logicalUnits;
  const id = units?.[0]?.id;
  return typeof id === "string" ? id : undefined;
}

/** Refuses a direct LUN disk for a LUN that another disk already uses. */
export function checkLunNotInUse(engine: Engine, lunStorage: unknown): void {
  const id = lunIdOf(lunStorage);
  if (id === undefined) return;
  const used = engine.store.find("disks", (disk) => lunIdOf(disk.lunStorage) === id);
  if (used) {
    throw conflict("Cannot add Virtual Disk. The provided lun is used by another disk.");
  }
}

/** The id of the storage domain disk `disk` is on, if any. */
function domainIdOf(disk: Entity): string | undefined {
  return (disk.storageDomains as Reference[] | undefined)?.[0]?.id;
}

/**
 * Refuses to sparsify `disk` unless it is a raw sparse image disk on a file or block
 * domain (400, as the engine classes these refusals).
 */
export function checkSparsifiable(disk: Entity): void {
  const alias = disk.alias ?? disk.name;
  const refuse = (why: string) => badParameters(`Cannot sparsify Virtual Disk. ${why}`);
  if (disk.storageType === "lun") {
    throw refuse(`Sparsifying disk ${alias} is not supported by disk storage type LUN.`);
  }
  if (disk.sparse === false) {
    throw refuse(`Sparsifying is not supported for preallocated disk ${alias}.`);
  }
  if ((disk.format ?? "cow") === "cow") {
    throw refuse(`Sparsifying is not supported for QCOW2 disk ${alias}.`);
  }
}

/**
 * Refuses to reduce a shareable `disk` (409) or one on a file domain (400). The engine's
 * reduce sets no action in its messages, so they keep the `${action}` placeholder and
 * name the type as `Storage`, as it answers.
 */
export function checkReducible(engine: Engine, disk: Entity): void {
  const prefix = "Cannot ${action} Storage.";
  if (disk.shareable === true) {
    throw conflict(`${prefix} Reduce image is not supported for shareable disks.`);
  }
  if (FILE_TYPES.has(storageTypeOf(engine, domainIdOf(disk)) ?? "")) {
    throw badParameters(`${prefix} Reduce image isn't required for file based domains.`);
  }
}
