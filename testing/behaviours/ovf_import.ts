/**
 * VMs and templates added from an OVF configuration (`initialization.configuration`, as
 * after uploading the disks of an OVA): the name comes from the OVF's virtual system, the
 * settings from the Blank template, and the disks the OVF lists (by `ovf:diskId`, which
 * the uploader gave the disks it made) are attached. Also used for templates made around
 * disks imported from Glance.
 *
 * @module
 */

import { incomplete } from "../answers.ts";
import type { Engine } from "../engine.ts";
import { withReferences } from "../generic.ts";
import { ZERO_ID } from "../model.ts";
import type { Entity } from "../store.ts";
import { transition } from "./lifecycle.ts";
import { createVm } from "./vm_creation.ts";

/** The OVF text of an add request's `initialization.configuration`, if it has one. */
export function configurationOf(body: Record<string, unknown>): string | undefined {
  const initialization = body.initialization as
    | { configuration?: { data?: string } }
    | undefined;
  return initialization?.configuration?.data;
}

/** What the simulator reads of an OVF: the virtual system's name and the disks' ids. */
function readOvf(ovf: string): { name?: string; diskIds: string[] } {
  const system = ovf.search(/VirtualSystem/);
  const name = system < 0 ? undefined : /<(?:ovf:)?Name>([^<]*)</.exec(ovf.slice(system))?.[1];
  const diskIds = [...ovf.matchAll(/<(?:ovf:)?Disk\s[^>]*?ovf:diskId="([^"]*)"/g)].map((m) => m[1]);
  return { name, diskIds };
}

/** Attachment records of the existing disks among `diskIds`, owned by `owner`. */
function attachDisks(
  engine: Engine,
  collection: string,
  diskIds: string[],
  owner: Record<string, unknown>,
): void {
  diskIds.filter((id) => engine.store.get("disks", id)).forEach((id, index) => {
    engine.store.put(collection, {
      id,
      bootable: index === 0,
      interface: "virtio_scsi",
      active: true,
      passDiscard: false,
      readOnly: false,
      usesScsiReservation: false,
      disk: engine.referenceTo("disks", id),
      ...owner,
    });
  });
}

/** A VM made from the OVF configuration of `body` (with the disks it lists). */
export function vmFromConfiguration(engine: Engine, body: Record<string, unknown>): Entity {
  const { name, diskIds } = readOvf(configurationOf(body)!);
  if (!name) throw incomplete("Vm", ["name"], "add");
  const { initialization: _initialization, ...settings } = body;
  const vm = createVm(engine, { name, template: { id: ZERO_ID }, ...settings });
  const path = `vms/${encodeURIComponent(vm.id)}`;
  attachDisks(engine, `${path}/diskattachments`, diskIds, { vm: engine.referenceTo("vms", vm.id) });
  return vm;
}

/**
 * A template named `name` with Blank's settings and the disks `diskIds`, `locked` for a
 * step; `settings` (a cluster...) win over Blank's.
 */
export function templateWithDisks(
  engine: Engine,
  name: string,
  settings: Record<string, unknown>,
  diskIds: string[],
): Entity {
  const blank = engine.store.get("templates", ZERO_ID)!;
  const { id: _id, description: _description, version: _version, ...defaults } = blank;
  const id = engine.newId();
  const template = engine.referenceTo("templates", id);
  engine.store.put("templates", {
    ...defaults,
    ...withReferences(engine, "Template", settings),
    id,
    name,
    status: "locked",
    creationTime: new Date(),
    version: { versionNumber: 1, baseTemplate: template },
  });
  attachDisks(engine, `templates/${encodeURIComponent(id)}/diskattachments`, diskIds, { template });
  return transition(engine, "templates", id, {}, [{ status: "ok" }]);
}

/** A template made from the OVF configuration of `body` (with the disks it lists). */
export function templateFromConfiguration(engine: Engine, body: Record<string, unknown>): Entity {
  const { name, diskIds } = readOvf(configurationOf(body)!);
  if (!name) throw incomplete("Template", ["name"], "add");
  const { initialization: _initialization, ...settings } = body;
  return templateWithDisks(engine, name, settings, diskIds);
}
