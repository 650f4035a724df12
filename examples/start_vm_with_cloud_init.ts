/**
 * Starts a virtual machine with cloud-init configuring the guest on this boot: host name,
 * a user with an SSH key, the root password, a static address on the first NIC, DNS, and a
 * custom script. The guest image must have cloud-init installed. Waits until the VM is up.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/start_vm_with_cloud_init.ts
 * [--vm vm003] [--host-name myvm.example.com] [--user cloud-user] [--ssh-key-file key.pub]
 * [--address 192.0.2.50] [--netmask 255.255.255.0] [--gateway 192.0.2.1] [--dns 192.0.2.2]`
 * (root password from CLOUD_INIT_ROOT_PASSWORD, if set)
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
  "Usage: deno run --allow-net --allow-env --allow-read examples/start_vm_with_cloud_init.ts [--vm vm003] [--host-name myvm.example.com] [--user cloud-user] [--ssh-key-file key.pub] [--address 192.0.2.50] [--netmask 255.255.255.0] [--gateway 192.0.2.1] [--dns 192.0.2.2]";

const { values } = scriptArgs(USAGE, {
  vm: { type: "string", default: "vm003" },
  "host-name": { type: "string", default: "myvm.example.com" },
  user: { type: "string", default: "cloud-user" },
  "ssh-key-file": { type: "string" },
  address: { type: "string", default: "192.0.2.50" },
  netmask: { type: "string", default: "255.255.255.0" },
  gateway: { type: "string", default: "192.0.2.1" },
  dns: { type: "string", default: "192.0.2.2" },
});

const sshKey = typeof values["ssh-key-file"] === "string"
  ? (await Deno.readTextFile(values["ssh-key-file"])).trim()
  : undefined;

await using connection = new Connection(connectionOptionsFromEnv());
const vmsService = connection.systemService().vmsService();

const vm = found(await findByName(vmsService, values.vm), `No VM named ${values.vm}`);
const vmService = vmsService.vmService(vm.id!);

await vmService.start({
  useCloudInit: true,
  vm: {
    initialization: {
      hostName: String(values["host-name"]),
      userName: String(values.user),
      authorizedSshKeys: sshKey,
      rootPassword: Deno.env.get("CLOUD_INIT_ROOT_PASSWORD"),
      dnsServers: String(values.dns),
      nicConfigurations: [{
        name: "eth0",
        onBoot: true,
        bootProtocol: types.BootProtocol.STATIC,
        ip: {
          address: String(values.address),
          netmask: String(values.netmask),
          gateway: String(values.gateway),
        },
      }],
      customScript: "write_files:\n  - path: /etc/motd\n    content: Configured by cloud-init\n",
    },
  },
});
console.log(`Starting VM ${vm.name} with cloud-init as ${values["host-name"]} (${values.address})`);

await waitForStatus(vmService, types.VmStatus.UP);
console.log(`VM ${vm.name} is up`);
