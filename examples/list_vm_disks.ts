/**
 * Lists the disks of a virtual machine with their size, interface and storage domain.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/list_vm_disks.ts
 * [--vm vm001]`
 *
 * @module
 */

import { parseArgs } from "node:util";
import { Connection, connectionOptionsFromEnv } from "../mod.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/list_vm_disks.ts [--vm vm001]";

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
        vm: { type: "string", default: "vm001" },
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

const domainNames = new Map(
  (await systemService.storageDomainsService().list()).map((domain) => [domain.id, domain.name]),
);
// One request for the attachments with their disks inline instead of one per disk.
const attachments = await vmsService.vmService(vm.id!).diskAttachmentsService().list({
  follow: "disk",
});
console.log(`VM ${vm.name} has ${attachments.length} disk(s):`);
for (const { disk, interface: bus, bootable } of attachments) {
  const size = `${Number(disk?.provisionedSize ?? 0) / 1024 ** 3} GiB`;
  const domain = domainNames.get(disk?.storageDomains?.[0]?.id) ?? "?";
  console.log(`  ${disk?.name}: ${size} on ${domain}, ${bus}${bootable ? ", bootable" : ""}`);
}
