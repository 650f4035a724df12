/**
 * Makes a virtual machine highly available with its lease on a storage domain, so the VM
 * can be restarted on another host even when its host is unreachable.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/set_vm_lease_storage_domain.ts
 * [--vm vm003] [--storage-domain data]`
 *
 * @module
 */

import { parseArgs } from "node:util";
import { Connection, connectionOptionsFromEnv } from "../mod.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/set_vm_lease_storage_domain.ts [--vm vm003] [--storage-domain data]";

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
        vm: { type: "string", default: "vm003" },
        "storage-domain": { type: "string", default: "data" },
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
const systemService = connection.systemService();
const vmsService = systemService.vmsService();

const [vm] = await vmsService.list({ search: `name=${values.vm}` });
if (!vm) throw new Error(`No VM named ${values.vm}`);
const [domain] = await systemService.storageDomainsService().list({
  search: `name=${values["storage-domain"]}`,
});
if (!domain) throw new Error(`No storage domain named ${values["storage-domain"]}`);

await vmsService.vmService(vm.id!).update({
  highAvailability: { enabled: true },
  lease: { storageDomain: { id: domain.id } },
});
console.log(`VM ${vm.name} is highly available, with its lease on storage domain ${domain.name}`);
