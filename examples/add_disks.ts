/**
 * Creates many floating disks quickly: sends every request first, then waits until all
 * the disks are ready. The disks are named `disk-0`, `disk-1`, ...
 * By default a qcow2 (cow) disk is sparse, a raw one sparse on a file storage domain (NFS)
 * and preallocated on a block one (iSCSI, FC): `--sparse` or `--thick` asks for one, and
 * what the engine refuses (a thick qcow2 disk, a sparse raw one on block storage) is an error
 * before any disk is made. A disk that becomes `illegal` is an error too.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/add_disks.ts
 * [--storage-domain data] [--count 10] [--size-gib 1] [--format raw|cow] [--sparse|--thick]`
 *
 * @module
 */

import {
  Connection,
  connectionOptionsFromEnv,
  findByName,
  scriptArgs,
  types,
  waitForStatus,
} from "../mod.ts";
import { refusedAllocation, sparseFor } from "./lib/allocation.ts";
import { found } from "./lib/found.ts";
import { Refused } from "./lib/refused.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/add_disks.ts [--storage-domain data] [--count 10] [--size-gib 1] [--format raw|cow] [--sparse|--thick]";

const { values, usage, integer } = scriptArgs(USAGE, {
  "storage-domain": { type: "string", default: "data" },
  count: { type: "string", default: "10" },
  "size-gib": { type: "string", default: "1" },
  format: { type: "string", default: "cow" },
  sparse: { type: "boolean", default: false },
  thick: { type: "boolean", default: false },
});
const count = integer("count", values.count);
const sizeGib = integer("size-gib", values["size-gib"]);
if (values.format !== "raw" && values.format !== "cow") {
  usage(`--format takes raw or cow, not ${JSON.stringify(values.format)}`);
}
if (values.sparse === true && values.thick === true) usage("Give --sparse or --thick, not both");
const format = values.format === "raw" ? types.DiskFormat.RAW : types.DiskFormat.COW;

await using connection = new Connection(connectionOptionsFromEnv());
const systemService = connection.systemService();
const disksService = systemService.disksService();
const domainName = String(values["storage-domain"]);
const domain = found(
  await findByName(systemService.storageDomainsService(), domainName),
  `No storage domain named ${domainName}`,
);
const asked = values.sparse === true ? true : values.thick === true ? false : undefined;
const refused = asked === undefined ? undefined : refusedAllocation(format, asked, domain);
if (refused) throw new Refused(`Cannot add the disks: ${refused}`);
const sparse = asked ?? sparseFor(format, domain);

const added: types.Disk[] = [];
for (let i = 0; i < count; i++) {
  const disk = await disksService.add({
    name: `disk-${i}`,
    description: "Created by add_disks.ts",
    contentType: types.DiskContentType.DATA,
    format,
    sparse,
    provisionedSize: sizeGib * 1024 ** 3,
    storageDomains: [{ id: domain.id }],
  });
  console.log(`Created disk ${disk.name} (${disk.id})`);
  added.push(disk);
}

console.log("Waiting until the disks are ready...");
await Promise.all(added.map(async (disk) => {
  await waitForStatus(disksService.diskService(disk.id!), types.DiskStatus.OK, {
    failOn: [types.DiskStatus.ILLEGAL],
  });
  console.log(`Disk ${disk.name} is ready`);
}));
console.log(`All ${added.length} disks are ready`);
