/**
 * Attaches an existing, unattached NFS ISO storage domain (made with
 * `add_nfs_iso_storage_domain.ts`) to a data center, and waits until it is active.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read
 * examples/attach_nfs_iso_storage_domain.ts [--name myiso] [--data-center Default]`
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
import { found } from "./lib/found.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/attach_nfs_iso_storage_domain.ts [--name myiso] [--data-center Default]";

const { values } = scriptArgs(USAGE, {
  name: { type: "string", default: "myiso" },
  "data-center": { type: "string", default: "Default" },
});

await using connection = new Connection(connectionOptionsFromEnv());
const systemService = connection.systemService();
const domain = found(
  await findByName(systemService.storageDomainsService(), values.name),
  `No storage domain named ${values.name}`,
);
const dataCenter = found(
  await findByName(systemService.dataCentersService(), values["data-center"]),
  `No data center named ${values["data-center"]}`,
);

// Attaching is adding the domain to the data center's storage domains.
const attachedService = systemService.dataCentersService().dataCenterService(dataCenter.id!)
  .storageDomainsService();
await attachedService.add({ id: domain.id });
console.log(`Attaching storage domain ${domain.name} to data center ${dataCenter.name}...`);

await waitForStatus(
  attachedService.storageDomainService(domain.id!),
  types.StorageDomainStatus.ACTIVE,
);
console.log(`Storage domain ${domain.name} is active in data center ${dataCenter.name}`);
