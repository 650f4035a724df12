/**
 * Attaches a direct LUN disk to a virtual machine: the VM gets the iSCSI LUN itself,
 * with no storage domain or image in between.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/add_lun_disk_to_vm.ts
 * [--vm vm001] [--name myiscsidisk] [--address 192.0.2.10] [--port 3260]
 * [--target iqn.2024-01.org.example:storage.target1] [--lun-id 36001405d6c6cbba754c4b568d843ff6a]`
 * (target user name and password, if the target needs them: ISCSI_USERNAME, ISCSI_PASSWORD)
 *
 * @module
 */

import { parseArgs } from "node:util";
import { Connection, connectionOptionsFromEnv, types } from "../mod.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/add_lun_disk_to_vm.ts [--vm vm001] [--name myiscsidisk] [--address 192.0.2.10] [--port 3260] [--target iqn.2024-01.org.example:storage.target1] [--lun-id 36001405d6c6cbba754c4b568d843ff6a]";

/** Refuses a wrong command line before doing anything: one line on stderr, exit code 2. */
function usage(problem: string): never {
  console.error(`${problem.split("\n")[0].replace(/\.$/, "")}. ${USAGE}`);
  Deno.exit(2);
}

/** The value of a flag that takes a whole number of at least `min`, else a usage error. */
function integer(flag: string, text: string, min = 1): number {
  const value = /^-?[0-9]+$/.test(text) ? Number(text) : NaN;
  if (!(Number.isSafeInteger(value) && value >= min)) {
    usage(`--${flag} takes a whole number of at least ${min}, not ${JSON.stringify(text)}`);
  }
  return value;
}

const { values } = (() => {
  try {
    return parseArgs({
      args: Deno.args,
      options: {
        vm: { type: "string", default: "vm001" },
        name: { type: "string", default: "myiscsidisk" },
        address: { type: "string", default: "192.0.2.10" },
        port: { type: "string", default: "3260" },
        target: { type: "string", default: "iqn.2024-01.org.example:storage.target1" },
        "lun-id": { type: "string", default: "36001405d6c6cbba754c4b568d843ff6a" },
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
const port = integer("port", values.port);

await using connection = new Connection(connectionOptionsFromEnv());
const vmsService = connection.systemService().vmsService();
const [vm] = await vmsService.list({ search: `name=${values.vm}` });
if (!vm) throw new Error(`No VM named ${values.vm}`);

const attachment = await vmsService.vmService(vm.id!).diskAttachmentsService().add({
  disk: {
    name: String(values.name),
    lunStorage: {
      type: types.StorageType.ISCSI,
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
  interface: types.DiskInterface.VIRTIO,
  bootable: false,
  active: true,
});
console.log(`Attached LUN ${values["lun-id"]} to VM ${vm.name} as disk ${attachment.disk?.id}`);
