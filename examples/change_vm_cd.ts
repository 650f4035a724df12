/**
 * Inserts an ISO image into the CD-ROM drive of a virtual machine. By default the change
 * applies to the running VM at once but not after its next boot; `--permanent` changes the
 * VM's configuration instead (seen from the next boot).
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/change_vm_cd.ts
 * [--vm vm001] [--iso centos-stream-9.iso] [--permanent]` (the ISO is the name of a file
 * on an ISO domain, or the id of an ISO disk on a data domain)
 *
 * @module
 */

import { Connection, connectionOptionsFromEnv, findByName, scriptArgs } from "../mod.ts";
import { found } from "./lib/found.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/change_vm_cd.ts [--vm vm001] [--iso centos-stream-9.iso] [--permanent]";

const { values } = scriptArgs(USAGE, {
  vm: { type: "string", default: "vm001" },
  iso: { type: "string", default: "centos-stream-9.iso" },
  permanent: { type: "boolean", default: false },
});

await using connection = new Connection(connectionOptionsFromEnv());
const vmsService = connection.systemService().vmsService();

const vm = found(await findByName(vmsService, values.vm), `No VM named ${values.vm}`);

const cdromsService = vmsService.vmService(vm.id!).cdromsService();
const [cdrom] = await cdromsService.list();
const current = values.permanent !== true;
await cdromsService.cdromService(cdrom.id!).update({ file: { id: String(values.iso) } }, {
  current,
});
console.log(
  `Inserted ${values.iso} into the CD-ROM of VM ${vm.name}` +
    (current ? " (until it is powered off)" : " (from the next boot on)"),
);
