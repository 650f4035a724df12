/**
 * Creates an NFS ISO storage domain, not attached to any data center yet (see
 * `attach_nfs_iso_storage_domain.ts`), and waits until it is unattached.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read
 * examples/add_nfs_iso_storage_domain.ts [--name myiso] [--host host1]
 * [--address nfs.example.com] [--path /exports/myiso]`
 *
 * @module
 */

import { Connection, connectionOptionsFromEnv, scriptArgs, types, waitForStatus } from "../mod.ts";
import "./lib/refused.ts"; // the SDK's errors end the script with their message alone

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/add_nfs_iso_storage_domain.ts [--name myiso] [--host host1] [--address nfs.example.com] [--path /exports/myiso]";

const { values } = scriptArgs(USAGE, {
  name: { type: "string", default: "myiso" },
  host: { type: "string", default: "host1" },
  address: { type: "string", default: "nfs.example.com" },
  path: { type: "string", default: "/exports/myiso" },
});

await using connection = new Connection(connectionOptionsFromEnv());
const domainsService = connection.systemService().storageDomainsService();

// The host mounts the export and formats the domain.
const domain = await domainsService.add({
  name: String(values.name),
  description: "My ISO images",
  type: types.StorageDomainType.ISO,
  host: { name: String(values.host) },
  storage: {
    type: types.StorageType.NFS,
    address: String(values.address),
    path: String(values.path),
  },
});
console.log(`Added storage domain ${domain.name} (${domain.id})`);

await waitForStatus(
  domainsService.storageDomainService(domain.id!),
  types.StorageDomainStatus.UNATTACHED,
);
console.log(`Storage domain ${domain.name} is ready to be attached to a data center`);
