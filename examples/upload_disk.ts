/**
 * Uploads a disk image file, raw or qcow2, into a new floating disk with one call to
 * `uploadImage`: it reads the image's header (refusing compressed, encrypted or layered
 * qcow2 images), creates a disk of the image's format and virtual size, sends the data
 * with several connections (holes and zeros are not sent, only marked), and waits until
 * the disk is ready. The disk is sparse, but for a raw disk with `--thick` or on a block
 * storage domain (iSCSI, FC), where the engine takes raw disks preallocated only;
 * `--thick` with a qcow2 disk is refused (so is it by the engine). Ctrl-C stops the upload: the transfer is cancelled and the new disk
 * removed (or named, with its id, if it could not be); a second Ctrl-C exits at once, naming
 * the disk and the transfer it leaves.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read [--allow-ffi] examples/upload_disk.ts
 * --file disk.img [--name NAME] [--storage-domain data] [--disk-format raw|cow] [--thick]
 * [--connections 4] [--verify] [--use-proxy]`
 * (the disk is named after the file by default, in the image's own format; `--allow-ffi`
 * lets it find the file's holes without reading them)
 *
 * @module
 */

import {
  Connection,
  connectionOptionsFromEnv,
  findByName,
  probeImage,
  progressBar,
  scriptArgs,
  types,
  uploadImage,
} from "../mod.ts";
import { refusedAllocation, sparseFor } from "./lib/allocation.ts";
import { onCtrlC } from "./lib/interrupt.ts";
import { found } from "./lib/found.ts";
import { Refused } from "./lib/refused.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read [--allow-ffi] examples/upload_disk.ts --file disk.img [--name NAME] [--storage-domain data] [--disk-format raw|cow] [--thick] [--connections 4] [--verify] [--use-proxy]";

const { values, usage, integer } = scriptArgs(USAGE, {
  file: { type: "string" },
  name: { type: "string" },
  "storage-domain": { type: "string", default: "data" },
  "disk-format": { type: "string" },
  thick: { type: "boolean", default: false },
  connections: { type: "string", default: "4" },
  verify: { type: "boolean", default: false },
  "use-proxy": { type: "boolean", default: false },
});
const connections = integer("connections", values.connections);
if (!values.file) throw usage("Name the image to upload with --file");
const diskFormat = values["disk-format"];
if (diskFormat !== undefined && diskFormat !== "raw" && diskFormat !== "cow") {
  usage(`--disk-format takes raw or cow, not ${JSON.stringify(diskFormat)}`);
}

const format = diskFormat === "cow"
  ? types.DiskFormat.COW
  : diskFormat === "raw"
  ? types.DiskFormat.RAW
  : (await probeImage(values.file)).format;

await using connection = new Connection(connectionOptionsFromEnv());
using interrupt = onCtrlC();
const domainName = String(values["storage-domain"]);
const domain = found(
  await findByName(connection.systemService().storageDomainsService(), domainName, {
    signal: interrupt.signal,
  }),
  `No storage domain named ${domainName}`,
);
const refused = values.thick === true ? refusedAllocation(format, false, domain) : undefined;
if (refused) throw new Refused(`Cannot upload ${values.file} with --thick: ${refused}`);

// A second Ctrl-C names the disk and the transfer the upload has made, until it settles.
const { disk, image, stats, verified } = await interrupt.tracking((note) =>
  uploadImage(connection, values.file!, {
    storageDomain: { id: domain.id },
    name: typeof values.name === "string" ? values.name : undefined,
    diskFormat: format,
    sparse: values.thick === true ? false : sparseFor(format, domain),
    connections,
    verify: values.verify === true ? "checksum" : undefined,
    useProxy: values["use-proxy"] === true,
    onProgress: progressBar("Uploading"),
    signal: interrupt.signal,
    onDisk: (made) => note(`disk ${made.name} (${made.id})`),
    onTransfer: (transfer) => note(`image transfer ${transfer.id}`),
  })
);
console.log(`Image ${values.file}: ${image.format}, virtual size ${image.virtualSize} bytes`);
console.log(
  `Uploaded into disk ${disk.name} (${disk.id}): ${stats.dataBytes} bytes sent, ` +
    `${stats.zeroBytes} zeroed, ${stats.connections} connections through ${stats.via}` +
    (verified ? `, verified by ${verified}` : ""),
);
