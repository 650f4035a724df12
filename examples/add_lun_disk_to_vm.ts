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

import { Connection, connectionOptionsFromEnv, findByName, scriptArgs, types } from "../mod.ts";
import { found } from "./lib/found.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/add_lun_disk_to_vm.ts [--vm vm001] [--name myiscsidisk] [--address 192.0.2.10] [--port 3260] [--target iqn.2024-01.org.example:storage.target1] [--lun-id 36001405d6c6cbba754c4b568d843ff6a]";

const { values, integer } = scriptArgs(USAGE, {
  vm: { type: "string", default: "vm001" },
  name: { type: "string", default: "myiscsidisk" },
  address: { type: "string", default: "192.0.2.10" },
  port: { type: "string", default: "3260" },
  target: { type: "string", default: "iqn.2024-01.org.example:storage.target1" },
  "lun-id": { type: "string", default: "36001405d6c6cbba754c4b568d843ff6a" },
});
const port = integer("port", values.port);

await using connection = new Connection(connectionOptionsFromEnv());
const vmsService = connection.systemService().vmsService();
const vm = found(await findByName(vmsService, values.vm), `No VM named ${values.vm}`);

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
