/**
 * Deactivates a disk of a virtual machine: the disk stays attached, but the VM no
 * longer sees it (its attachment's `active` becomes false).
 *
 * Usage: `deno run --allow-net --allow-env --allow-read
 * examples/deactivate_disk_attachment.ts --vm NAME --disk NAME`
 *
 * @module
 */

import { parseArgs } from "node:util";
import { Connection, connectionOptionsFromEnv, waitFor } from "../mod.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/deactivate_disk_attachment.ts --vm NAME --disk NAME";

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
        vm: { type: "string" },
        disk: { type: "string" },
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
if (!values.vm) usage("Name the VM with --vm");
if (!values.disk) usage("Name the disk to deactivate with --disk");

await using connection = new Connection(connectionOptionsFromEnv());
const systemService = connection.systemService();
// Exactly that name: in a search, `*` would match others too.
const vm = (await systemService.vmsService().list({ search: `name=${values.vm}` }))
  .find((found) => found.name === values.vm);
const disk = (await systemService.disksService().list({ search: `name=${values.disk}` }))
  .find((found) => found.name === values.disk);
if (!vm || !disk) throw new Error(`No VM ${values.vm} or no disk ${values.disk}`);

const attachmentsService = systemService.vmsService().vmService(vm.id!).diskAttachmentsService();
const attachment = (await attachmentsService.list()).find((item) => item.disk?.id === disk.id);
if (!attachment) throw new Error(`Disk ${disk.name} is not attached to VM ${vm.name}`);

const attachmentService = attachmentsService.attachmentService(attachment.id!);
await attachmentService.update({ active: false });
await waitFor(() => attachmentService.get(), (current) => current.active === false);
console.log(`Deactivated disk ${disk.name} of VM ${vm.name}`);
