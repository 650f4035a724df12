/**
 * Creates a Windows virtual machine from a template and starts it for the first time with
 * Sysprep, which configures the guest from an `Unattend.xml` answer file. Sysprep only runs
 * for a Windows operating system, set on the template or, as here, at start.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/add_vm_with_sysprep.ts
 * [--name mywinvm] [--cluster Default] [--template centos9] [--os windows_2022]
 * [--unattend Unattend.xml]` (without `--unattend`, a minimal answer file that names the
 * computer after the VM)
 *
 * @module
 */

import { Connection, connectionOptionsFromEnv, scriptArgs, types, waitForStatus } from "../mod.ts";
import "./lib/refused.ts"; // the SDK's errors and a file not found end with their message alone

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/add_vm_with_sysprep.ts [--name mywinvm] [--cluster Default] [--template centos9] [--os windows_2022] [--unattend Unattend.xml]";

const { values } = scriptArgs(USAGE, {
  name: { type: "string", default: "mywinvm" },
  cluster: { type: "string", default: "Default" },
  template: { type: "string", default: "centos9" },
  os: { type: "string", default: "windows_2022" },
  unattend: { type: "string" },
});

const name = String(values.name);
const unattend = typeof values.unattend === "string"
  ? await Deno.readTextFile(values.unattend)
  : `<?xml version="1.0" encoding="UTF-8"?>
<unattend xmlns="urn:schemas-microsoft-com:unattend">
  <settings pass="specialize">
    <component name="Microsoft-Windows-Shell-Setup" processorArchitecture="amd64"
      publicKeyToken="31bf3856ad364e35" language="neutral" versionScope="nonSxS">
      <ComputerName>${name}</ComputerName>
    </component>
  </settings>
</unattend>
`;

await using connection = new Connection(connectionOptionsFromEnv());
const vmsService = connection.systemService().vmsService();

// Nothing about Sysprep is needed to create the VM: it is used when the VM starts.
const vm = await vmsService.add({
  name,
  cluster: { name: String(values.cluster) },
  template: { name: String(values.template) },
});
const vmService = vmsService.vmService(vm.id!);
console.log(`Added VM ${vm.name} (${vm.id}), waiting for its disks`);
await waitForStatus(vmService, types.VmStatus.DOWN);

await vmService.start({
  useSysprep: true,
  vm: {
    os: { type: String(values.os) },
    initialization: { customScript: unattend },
  },
});
console.log(`Starting VM ${vm.name} with Sysprep (${unattend.length} bytes of Unattend.xml)`);
await waitForStatus(vmService, types.VmStatus.UP);
console.log(`VM ${vm.name} is up`);
