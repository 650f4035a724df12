/**
 * Creates an iSCSI data storage domain on a LUN, with "discard after delete", attaches
 * it to a data center and waits until it is active.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read
 * examples/add_iscsi_data_storage_domain.ts [--name myiscsi] [--host host1]
 * [--data-center Default] [--address 192.0.2.10] [--port 3260]
 * [--target iqn.2024-01.org.example:storage.target1] [--lun-id 36001405e396b3d9c9a54284a51685f9a]`
 * (target user name and password, if the target needs them: ISCSI_USERNAME, ISCSI_PASSWORD)
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
  "Usage: deno run --allow-net --allow-env --allow-read examples/add_iscsi_data_storage_domain.ts [--name myiscsi] [--host host1] [--data-center Default] [--address 192.0.2.10] [--port 3260] [--target iqn.2024-01.org.example:storage.target1] [--lun-id 36001405e396b3d9c9a54284a51685f9a]";

const { values, integer } = scriptArgs(USAGE, {
  name: { type: "string", default: "myiscsi" },
  host: { type: "string", default: "host1" },
  "data-center": { type: "string", default: "Default" },
  address: { type: "string", default: "192.0.2.10" },
  port: { type: "string", default: "3260" },
  target: { type: "string", default: "iqn.2024-01.org.example:storage.target1" },
  "lun-id": { type: "string", default: "36001405e396b3d9c9a54284a51685f9a" },
});
const port = integer("port", values.port);

await using connection = new Connection(connectionOptionsFromEnv());
const systemService = connection.systemService();

// The host logs in to the target and builds the domain's volume group on the LUN.
const domain = await systemService.storageDomainsService().add({
  name: String(values.name),
  description: "My iSCSI with discard after delete",
  type: types.StorageDomainType.DATA,
  discardAfterDelete: true,
  host: { name: String(values.host) },
  storageFormat: types.StorageFormat.V5,
  storage: {
    type: types.StorageType.ISCSI,
    overrideLuns: true,
    volumeGroup: {
      logicalUnits: [{
        id: String(values["lun-id"]),
        address: String(values.address),
        port: port,
        target: String(values.target),
        username: Deno.env.get("ISCSI_USERNAME"),
        password: Deno.env.get("ISCSI_PASSWORD"),
      }],
    },
  },
});
console.log(`Added storage domain ${domain.name} (${domain.id})`);

const dataCenter = found(
  await findByName(systemService.dataCentersService(), values["data-center"]),
  `No data center named ${values["data-center"]}`,
);
const attachedService = systemService.dataCentersService().dataCenterService(dataCenter.id!)
  .storageDomainsService();
await attachedService.add({ id: domain.id });
console.log(`Attaching it to data center ${dataCenter.name}...`);

await waitForStatus(
  attachedService.storageDomainService(domain.id!),
  types.StorageDomainStatus.ACTIVE,
);
console.log(`Storage domain ${domain.name} is active`);
