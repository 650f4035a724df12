/**
 * Imports an image of a Glance storage domain into a data storage domain as a new
 * template (or, with `--as-disk`, as a floating disk), and waits until it is ready: the
 * engine downloads the image meanwhile.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/import_glance_image.ts
 * [--image "CirrOS 0.5.2 for x86_64 glance image"] [--glance-domain ovirt-image-repository]
 * [--name mytemplate] [--cluster Default] [--storage-domain data] [--as-disk]`
 *
 * @module
 */

import {
  Connection,
  connectionOptionsFromEnv,
  findByName,
  scriptArgs,
  searchQuery,
  types,
  waitFor,
  where,
} from "../mod.ts";
import { found } from "./lib/found.ts";

const USAGE =
  'Usage: deno run --allow-net --allow-env --allow-read examples/import_glance_image.ts [--image "CirrOS 0.5.2 for x86_64 glance image"] [--glance-domain ovirt-image-repository] [--name mytemplate] [--cluster Default] [--storage-domain data] [--as-disk]';

const { values } = scriptArgs(USAGE, {
  image: { type: "string", default: "CirrOS 0.5.2 for x86_64 glance image" },
  "glance-domain": { type: "string", default: "ovirt-image-repository" },
  name: { type: "string", default: "mytemplate" },
  cluster: { type: "string", default: "Default" },
  "storage-domain": { type: "string", default: "data" },
  "as-disk": { type: "boolean", default: false },
});
const name = String(values.name);
const asTemplate = values["as-disk"] !== true;

await using connection = new Connection(connectionOptionsFromEnv());
const systemService = connection.systemService();
const domainsService = systemService.storageDomainsService();
const glance = found(
  await findByName(domainsService, values["glance-domain"]),
  `No storage domain named ${values["glance-domain"]}`,
);

// Images cannot be searched: find the one by name among all of them.
const imagesService = domainsService.storageDomainService(glance.id!).imagesService();
const image = found(
  (await imagesService.list()).find((item) => item.name === values.image),
  `No image named ${values.image} in ${glance.name}`,
);

// Names need not be unique: note what already has this name, to wait for the new one.
const search = searchQuery(where.eq("name", name)).text;
const named = async () =>
  (asTemplate
    ? await systemService.templatesService().list({ search })
    : await systemService.disksService().list({ search })).filter((item) => item.name === name);
const before = new Set((await named()).map((item) => item.id));

await imagesService.imageService(image.id!).import({
  importAsTemplate: asTemplate,
  template: asTemplate ? { name } : undefined,
  cluster: { name: String(values.cluster) },
  storageDomain: { name: String(values["storage-domain"]) },
  disk: { name },
});
const kind = asTemplate ? "template" : "disk";
console.log(`Importing ${image.name} as ${kind} ${name}...`);

// The new template (or disk) shows up locked until the download is done.
const ready = await waitFor(
  async () => (await named()).find((item) => !before.has(item.id)),
  (item) => item?.status === (asTemplate ? types.TemplateStatus.OK : types.DiskStatus.OK),
  { description: `new ${kind} ${name} ready` },
);
console.log(`${asTemplate ? "Template" : "Disk"} ${name} (${ready!.id}) is ready`);
