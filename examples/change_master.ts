/**
 * Makes another data storage domain the master domain of its data center (the one
 * that holds the data center's metadata), for instance before putting the current
 * master into maintenance. Waits until the switch is done.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/change_master.ts
 * [--storage-domain mydata] [--data-center Default]`
 *
 * @module
 */

import {
  Connection,
  connectionOptionsFromEnv,
  findByName,
  scriptArgs,
  types,
  waitFor,
} from "../mod.ts";
import { found } from "./lib/found.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/change_master.ts [--storage-domain mydata] [--data-center Default]";

const { values } = scriptArgs(USAGE, {
  "storage-domain": { type: "string", default: "mydata" },
  "data-center": { type: "string", default: "Default" },
});

await using connection = new Connection(connectionOptionsFromEnv());
const dataCentersService = connection.systemService().dataCentersService();
const dataCenter = found(
  await findByName(dataCentersService, values["data-center"]),
  `No data center named ${values["data-center"]}`,
);
const dataCenterService = dataCentersService.dataCenterService(dataCenter.id!);

// Below the data center, storage domains show their status and role there.
const attachedService = dataCenterService.storageDomainsService();
const domains = await attachedService.list();
const master = domains.find((domain) => domain.master);
const target = found(
  domains.find((domain) => domain.name === values["storage-domain"]),
  `No storage domain ${values["storage-domain"]} in data center ${dataCenter.name}`,
);

if (target.master) {
  console.log(`Storage domain ${target.name} is already the master of ${dataCenter.name}`);
} else {
  await dataCenterService.setMaster({ storageDomain: { id: target.id } });
  console.log(`Moving the master role from ${master?.name} to ${target.name}...`);
  await waitFor(
    () => attachedService.storageDomainService(target.id!).get(),
    (domain) => domain.master === true && domain.status === types.StorageDomainStatus.ACTIVE,
  );
  console.log(`Storage domain ${target.name} is now the master of ${dataCenter.name}`);
}
