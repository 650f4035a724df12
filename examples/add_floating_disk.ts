/**
 * Creates a floating disk, one that is not attached to any virtual machine: thin
 * provisioned qcow2 (`cow`) on a data storage domain, and waits until it is ready (a disk
 * that becomes `illegal` is an error).
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/add_floating_disk.ts
 * [--name mydisk] [--storage-domain data] [--size-gib 10]`
 *
 * @module
 */

import { Connection, connectionOptionsFromEnv, scriptArgs, types, waitForStatus } from "../mod.ts";
import "./lib/refused.ts"; // the SDK's errors end the script with their message alone

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/add_floating_disk.ts [--name mydisk] [--storage-domain data] [--size-gib 10]";

const { values, integer } = scriptArgs(USAGE, {
  name: { type: "string", default: "mydisk" },
  "storage-domain": { type: "string", default: "data" },
  "size-gib": { type: "string", default: "10" },
});
const sizeGib = integer("size-gib", values["size-gib"]);

await using connection = new Connection(connectionOptionsFromEnv());
const disksService = connection.systemService().disksService();

// The size is in bytes: 10 GiB is 10 * 2^30.
const disk = await disksService.add({
  name: String(values.name),
  description: "My disk",
  format: types.DiskFormat.COW,
  sparse: true,
  provisionedSize: sizeGib * 1024 ** 3,
  storageDomains: [{ name: String(values["storage-domain"]) }],
});
console.log(`Added disk ${disk.name} (${disk.id}), status ${disk.status}`);

await waitForStatus(disksService.diskService(disk.id!), types.DiskStatus.OK, {
  failOn: [types.DiskStatus.ILLEGAL],
});
console.log(`Disk ${disk.name} is ready`);
