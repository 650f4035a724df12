/**
 * Sets the limits of a data center quota: storage (GiB) on one storage domain, vCPUs
 * and memory (GiB) on one cluster; -1 means unlimited (`--memory-limit=-1`: a value that
 * starts with a dash needs the `=`). A limit is replaced by removing the old one and adding
 * the new one. The quota is created if it does not exist.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/update_quota_limits.ts
 * [--data-center Default] [--quota Default] [--storage-domain data] [--storage-limit 100]
 * [--cluster Default] [--vcpu-limit 32] [--memory-limit 64]`
 *
 * @module
 */

import { Connection, connectionOptionsFromEnv, findByName, scriptArgs } from "../mod.ts";
import { found } from "./lib/found.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/update_quota_limits.ts [--data-center Default] [--quota Default] [--storage-domain data] [--storage-limit 100] [--cluster Default] [--vcpu-limit 32] [--memory-limit 64]";

const { values, integer } = scriptArgs(USAGE, {
  "data-center": { type: "string", default: "Default" },
  quota: { type: "string", default: "Default" },
  "storage-domain": { type: "string", default: "data" },
  "storage-limit": { type: "string", default: "100" },
  cluster: { type: "string", default: "Default" },
  "vcpu-limit": { type: "string", default: "32" },
  "memory-limit": { type: "string", default: "64" },
});
const storageLimit = integer("storage-limit", values["storage-limit"], -1);
const vcpuLimit = integer("vcpu-limit", values["vcpu-limit"], -1);
const memoryLimit = integer("memory-limit", values["memory-limit"], -1);

await using connection = new Connection(connectionOptionsFromEnv());
const systemService = connection.systemService();
const dataCentersService = systemService.dataCentersService();

const dataCenter = found(
  await findByName(dataCentersService, values["data-center"]),
  `No data center named ${values["data-center"]}`,
);
const domainName = values["storage-domain"];
const domain = found(
  await findByName(systemService.storageDomainsService(), domainName),
  `No storage domain named ${domainName}`,
);
const cluster = found(
  await findByName(systemService.clustersService(), values.cluster),
  `No cluster named ${values.cluster}`,
);

// Quotas cannot be searched: list those of the data center and pick the one by name.
const quotasService = dataCentersService.dataCenterService(dataCenter.id!).quotasService();
const quota = (await quotasService.list()).find((candidate) => candidate.name === values.quota) ??
  await quotasService.add({
    name: String(values.quota),
    description: "Added by the update_quota_limits example",
    // How far usage may exceed the limits: warn above soft, refuse above 100% + hard.
    clusterSoftLimitPct: 80,
    clusterHardLimitPct: 20,
    storageSoftLimitPct: 80,
    storageHardLimitPct: 20,
  });
const quotaService = quotasService.quotaService(quota.id!);

const storageLimits = quotaService.quotaStorageLimitsService();
for (const limit of await storageLimits.list()) {
  if (limit.storageDomain?.id === domain.id) await storageLimits.limitService(limit.id!).remove();
}
await storageLimits.add({
  storageDomain: { id: domain.id },
  limit: storageLimit,
});
console.log(`Quota ${quota.name}: ${values["storage-limit"]} GiB on storage domain ${domain.name}`);

const clusterLimits = quotaService.quotaClusterLimitsService();
for (const limit of await clusterLimits.list()) {
  if (limit.cluster?.id === cluster.id) await clusterLimits.limitService(limit.id!).remove();
}
await clusterLimits.add({
  cluster: { id: cluster.id },
  vcpuLimit: vcpuLimit,
  memoryLimit: memoryLimit,
});
console.log(
  `Quota ${quota.name}: ${values["vcpu-limit"]} vCPUs, ${values["memory-limit"]} GiB ` +
    `of memory on cluster ${cluster.name}`,
);
