/**
 * What a request for a new VM from a template says of the template's disks: its
 * `disk_attachments` name template disks by id, each with what its copy for the VM should
 * be instead (storage domain, format, allocation, alias, description, disk profile), as
 * the engine's `BackendVmsResource.getDisksToClone` maps them onto the copies it makes. A
 * disk the template does not have is a 404, a storage domain that is not active refused.
 *
 * @module
 */

import { notFound } from "../answers.ts";
import type { Engine, Reference } from "../engine.ts";
import { withReferences } from "../generic.ts";
import { createDisk } from "./disks.ts";
import { checkDomainsActive } from "./domain_status.ts";

/** The members of a requested disk that change the template disk's copy. */
const CHOSEN = [
  "alias",
  "name",
  "description",
  "format",
  "sparse",
  "storageDomains",
  "diskProfile",
];

/** The changes `body` asks for, by template disk id; refuses a disk the template lacks. */
export function diskChoices(
  engine: Engine,
  body: Record<string, unknown>,
  templatePath: string,
): Map<string, Record<string, unknown>> {
  const choices = new Map<string, Record<string, unknown>>();
  const attachments = body.diskAttachments;
  if (!Array.isArray(attachments)) return choices;
  for (const attachment of attachments as Record<string, unknown>[]) {
    const disk = attachment?.disk as Record<string, unknown> | undefined;
    if (typeof disk?.id !== "string") continue;
    if (!engine.store.get(`${templatePath}/diskattachments`, disk.id)) {
      throw notFound(`Disk: id=${disk.id}`);
    }
    const sent = Object.fromEntries(
      CHOSEN.filter((name) => disk[name] !== undefined)
        .map((name) => [name, disk[name]]),
    );
    const chosen = withReferences(engine, "Disk", sent);
    const domains = (chosen.storageDomains ?? []) as Reference[];
    checkDomainsActive(engine, domains.map((domain) => domain.id), "add VM");
    choices.set(disk.id, chosen);
  }
  return choices;
}

/**
 * Makes the copies of the template's disks below `vmPath` what `choices` asks: the copy at
 * the same place in the VM's attachments as the template disk in the template's is made
 * again, with the same id, from its description and the changes asked for.
 */
export function applyDiskChoices(
  engine: Engine,
  templatePath: string,
  vmPath: string,
  choices: Map<string, Record<string, unknown>>,
): void {
  if (choices.size === 0) return;
  const sources = engine.store.items(`${templatePath}/diskattachments`);
  const copies = engine.store.items(`${vmPath}/diskattachments`);
  sources.forEach((source, index) => {
    const chosen = choices.get(source.id);
    const copy = copies[index] && engine.store.get("disks", copies[index].id);
    if (chosen === undefined || !copy) return;
    const { status: _status, imageId: _imageId, href: _href, ...spec } = copy;
    const alias = chosen.alias ?? chosen.name;
    const named = alias === undefined ? {} : { alias, name: alias };
    engine.store.delete("disks", copy.id);
    try {
      createDisk(engine, { ...spec, ...chosen, ...named });
    } catch (error) {
      engine.store.put("disks", copy);
      throw error;
    }
  });
}
