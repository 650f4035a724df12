/**
 * Creates many floating disks quickly: sends every request first, then waits until all
 * the disks are ready. The disks are named `disk-0`, `disk-1`, ...
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/add_disks.ts
 * [--storage-domain data] [--count 10] [--size-gib 1] [--format raw|cow] [--sparse]`
 *
 * @module
 */

import { Connection, connectionOptionsFromEnv, scriptArgs, types, waitForStatus } from "../mod.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/add_disks.ts [--storage-domain data] [--count 10] [--size-gib 1] [--format raw|cow] [--sparse]";

const { values, usage, integer } = scriptArgs(USAGE, {
  "storage-domain": { type: "string", default: "data" },
  count: { type: "string", default: "10" },
  "size-gib": { type: "string", default: "1" },
  format: { type: "string", default: "cow" },
  sparse: { type: "boolean", default: false },
});
const count = integer("count", values.count);
const sizeGib = integer("size-gib", values["size-gib"]);
if (values.format !== "raw" && values.format !== "cow") {
  usage(`--format takes raw or cow, not ${JSON.stringify(values.format)}`);
}

await using connection = new Connection(connectionOptionsFromEnv());
const disksService = connection.systemService().disksService();

const added: types.Disk[] = [];
for (let i = 0; i < count; i++) {
  const disk = await disksService.add({
    name: `disk-${i}`,
    description: "Created by add_disks.ts",
    contentType: types.DiskContentType.DATA,
    format: values.format === "raw" ? types.DiskFormat.RAW : types.DiskFormat.COW,
    sparse: values.sparse === true,
    provisionedSize: sizeGib * 1024 ** 3,
    storageDomains: [{ name: String(values["storage-domain"]) }],
  });
  console.log(`Created disk ${disk.name} (${disk.id})`);
  added.push(disk);
}

console.log("Waiting until the disks are ready...");
await Promise.all(added.map(async (disk) => {
  await waitForStatus(disksService.diskService(disk.id!), types.DiskStatus.OK);
  console.log(`Disk ${disk.name} is ready`);
}));
console.log(`All ${added.length} disks are ready`);
