/**
 * The devices of VMs and templates: copying NICs, disks (new disks, `locked` for a step),
 * graphics consoles and watchdogs from a template or VM, and the devices every VM has
 * (the `active` snapshot, the CD-ROM with the all-zero id).
 *
 * @module
 */

import type { Engine, Reference } from "../engine.ts";
import { createDisk } from "./disks.ts";
import { ZERO_ID } from "../model.ts";

/** Who owns copied devices: `{ vm: ref }` or `{ template: ref }`. */
export type Owner = { vm: Reference } | { template: Reference };

/** A new MAC address from the simulator's range (`56:6f:...`). */
export function newMac(engine: Engine): string {
  const bytes = [0x56, 0x6f, ...Array.from({ length: 4 }, () => engine.random.nextUint32() & 0xff)];
  return bytes.map((byte) => byte.toString(16).padStart(2, "0")).join(":");
}

/**
 * Copies the devices below `from` (`templates/{id}` or `vms/{id}`) to below `to`; every
 * disk is copied to a new disk. Returns how many disks were copied.
 */
export function copyDevices(engine: Engine, from: string, to: string, owner: Owner): number {
  const { store } = engine;
  for (const nic of store.items(`${from}/nics`)) {
    const { vm: _vm, template: _template, ...rest } = nic;
    store.put(`${to}/nics`, {
      ...rest,
      ...owner,
      id: engine.newId(),
      mac: { address: newMac(engine) },
    });
  }
  for (const device of ["graphicsconsoles", "watchdogs"]) {
    for (const item of store.items(`${from}/${device}`)) {
      const { vm: _vm, template: _template, ...rest } = item;
      store.put(`${to}/${device}`, { ...rest, ...owner, id: engine.newId() });
    }
  }
  let disks = 0;
  for (const attachment of store.items(`${from}/diskattachments`)) {
    const source = store.get("disks", attachment.id);
    if (!source) continue;
    const { id: _id, href: _href, status: _status, imageId: _imageId, ...spec } = source;
    const disk = createDisk(engine, spec);
    const { vm: _vm, template: _template, ...rest } = attachment;
    store.put(`${to}/diskattachments`, {
      ...rest,
      ...owner,
      id: disk.id,
      disk: engine.referenceTo("disks", disk.id),
    });
    disks++;
  }
  return disks;
}

/** Adds what every VM has: the `active` snapshot, the CD-ROM and a graphics console. */
export function addVmDevices(engine: Engine, vmPath: string, vm: Reference): void {
  const { store } = engine;
  store.put(`${vmPath}/snapshots`, {
    id: engine.newId(),
    description: "Active VM",
    snapshotType: "active",
    snapshotStatus: "ok",
    date: new Date(),
    persistMemorystate: false,
    vm,
  });
  store.put(`${vmPath}/cdroms`, { id: ZERO_ID, vm });
  if (store.count(`${vmPath}/graphicsconsoles`) === 0) {
    store.put(`${vmPath}/graphicsconsoles`, { id: engine.newId(), protocol: "vnc", vm });
  }
}
