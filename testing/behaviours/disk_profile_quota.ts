/**
 * The disk profile and quota a disk copy or move names (`disk_profile`, `quota` of the
 * action), read as the engine reads them: `BackendDiskResource.copy`/`move` take only their
 * ids (`asGuid(action.getQuota().getId())`), so a reference without an id fails there with an
 * exception the REST layer does not map (a 500 error page), before anything is checked; then
 * `MoveOrCopyDiskCommand` refuses a profile that is not one of the target domain's
 * (`DiskProfileHelper`) and a quota that does not exist (`QuotaValidator`). An empty or
 * all-zero quota id names no quota (the disk keeps its own).
 *
 * @module
 */

import { badParameters, ServerErrorPage } from "../answers.ts";
import type { Engine, Reference } from "../engine.ts";
import { givenGuid } from "../guids.ts";
import { ZERO_ID } from "../model.ts";

/** The ids a copy or move names for the disk's new profile and quota, if it names them. */
export interface ProfileAndQuotaIds {
  /** The disk profile's id (the all-zero id for an empty one). */
  readonly diskProfile?: string;
  /** The quota's id (the all-zero id for an empty one). */
  readonly quota?: string;
}

/**
 * The ids the action `params` of a copy or move give for `quota` and `disk_profile`, in the
 * order the engine reads them; a reference without an id is a 500 error page, a malformed id
 * a 400.
 */
export function profileAndQuotaIds(params: Record<string, unknown>): ProfileAndQuotaIds {
  const quota = idOf(params.quota, "quota");
  const diskProfile = idOf(params.diskProfile, "disk_profile");
  return { quota, diskProfile };
}

/** The id of reference `value` (`undefined`: not sent), as the engine's `asGuid` reads it. */
function idOf(value: unknown, tag: string): string | undefined {
  if (value === undefined) return undefined;
  const id = (value as Record<string, unknown>).id;
  if (typeof id !== "string") {
    throw new ServerErrorPage(`<${tag}> without an id: the engine reads only its id`);
  }
  return givenGuid(id) ?? ZERO_ID;
}

/**
 * The members a copy or move (`what`) to storage domain `domainId` sets on the disk for
 * `ids`: references to the profile and quota, refused as `MoveOrCopyDiskCommand` refuses
 * them (the profile checked first).
 */
export function profileAndQuota(
  engine: Engine,
  ids: ProfileAndQuotaIds,
  domainId: string,
  what: "copy" | "move",
): Record<string, unknown> {
  const chosen: Record<string, unknown> = {};
  if (ids.diskProfile !== undefined) {
    const profile = engine.store.get("diskprofiles", ids.diskProfile);
    if ((profile?.storageDomain as Reference | undefined)?.id !== domainId) {
      // The engine looks for the profile among the target domain's only.
      throw badParameters(
        `Cannot ${what} Virtual Disk. Cannot find a disk profile defined on storage domain ${domainId}.`,
      );
    }
    chosen.diskProfile = engine.referenceTo("diskprofiles", profile!.id);
  }
  if (ids.quota !== undefined && ids.quota !== ZERO_ID) {
    const quota = quotaReference(engine, ids.quota);
    if (!quota) throw badParameters(`Cannot ${what} Virtual Disk. Quota doesn't exist.`);
    chosen.quota = quota;
  }
  return chosen;
}

/** A reference to quota `id` in its data center's `quotas`, if there is such a quota. */
function quotaReference(engine: Engine, id: string): Reference | undefined {
  for (const dataCenter of engine.store.items("datacenters")) {
    const quotas = `datacenters/${encodeURIComponent(dataCenter.id)}/quotas`;
    if (engine.store.get(quotas, id)) return engine.referenceTo(quotas, id);
  }
  return undefined;
}
