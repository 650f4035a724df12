/**
 * Lists the images of a Glance storage domain: an OpenStack image provider, seen as a
 * storage domain of type `image`, such as `ovirt-image-repository` which oVirt sets up.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/list_glance_images.ts
 * [--storage-domain ovirt-image-repository]`
 *
 * @module
 */

import { Connection, connectionOptionsFromEnv, findByName, scriptArgs } from "../mod.ts";
import { found } from "./lib/found.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/list_glance_images.ts [--storage-domain ovirt-image-repository]";

const { values } = scriptArgs(USAGE, {
  "storage-domain": { type: "string", default: "ovirt-image-repository" },
});

await using connection = new Connection(connectionOptionsFromEnv());
const domainsService = connection.systemService().storageDomainsService();
const domain = found(
  await findByName(domainsService, values["storage-domain"]),
  `No storage domain named ${values["storage-domain"]}`,
);

const images = await domainsService.storageDomainService(domain.id!).imagesService().list();
for (const image of images) {
  const size = image.size === undefined
    ? "?"
    : `${(Number(image.size) / 1024 ** 2).toFixed(0)} MiB`;
  console.log(`${image.name}: ${image.type ?? "?"}, ${size}`);
}
