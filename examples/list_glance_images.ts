/**
 * Lists the images of a Glance storage domain: an OpenStack image provider, seen as a
 * storage domain of type `image`, such as `ovirt-image-repository` which oVirt sets up.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/list_glance_images.ts
 * [--storage-domain ovirt-image-repository]`
 *
 * @module
 */

import { parseArgs } from "node:util";
import { Connection, connectionOptionsFromEnv } from "../mod.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/list_glance_images.ts [--storage-domain ovirt-image-repository]";

/** Refuses a wrong command line before doing anything: one line on stderr, exit code 2. */
function usage(problem: string): never {
  console.error(`${problem.split("\n")[0].replace(/\.$/, "")}. ${USAGE}`);
  Deno.exit(2);
}

const { values } = (() => {
  try {
    return parseArgs({
      args: Deno.args,
      options: {
        "storage-domain": { type: "string", default: "ovirt-image-repository" },
        // The connection's flags, which connectionOptionsFromEnv() reads.
        url: { type: "string" },
        username: { type: "string" },
        password: { type: "string" },
        "ca-file": { type: "string" },
        insecure: { type: "boolean" },
      },
      strict: true,
    });
  } catch (error) {
    usage((error as Error).message);
  }
})();

await using connection = new Connection(connectionOptionsFromEnv());
const domainsService = connection.systemService().storageDomainsService();
const [domain] = await domainsService.list({ search: `name=${values["storage-domain"]}` });
if (!domain) throw new Error(`No storage domain named ${values["storage-domain"]}`);

const images = await domainsService.storageDomainService(domain.id!).imagesService().list();
for (const image of images) {
  const size = image.size === undefined
    ? "?"
    : `${(Number(image.size) / 1024 ** 2).toFixed(0)} MiB`;
  console.log(`${image.name}: ${image.type ?? "?"}, ${size}`);
}
