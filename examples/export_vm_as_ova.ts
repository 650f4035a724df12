/**
 * Exports a virtual machine as an OVA file (a virtual appliance: its configuration and
 * disks in one archive) into a directory of a host, and waits until the export is done:
 * the engine does not lock the VM's status meanwhile (it takes a snapshot, packs the OVA
 * on the host and removes the snapshot), so the script sends the export with a correlation
 * id and waits for the engine's job of that id to end. A failed export ends the script
 * with an error naming the failing step (the engine also logs event 1225; 1224 on success).
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/export_vm_as_ova.ts
 * [--vm vm003] [--host host1] [--directory /var/tmp] [--filename <vm>.ova]`
 *
 * @module
 */

import {
  Connection,
  connectionOptionsFromEnv,
  findByName,
  scriptArgs,
  waitForJobs,
} from "../mod.ts";
import { found } from "./lib/found.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/export_vm_as_ova.ts [--vm vm003] [--host host1] [--directory /var/tmp] [--filename <vm>.ova]";

const { values } = scriptArgs(USAGE, {
  vm: { type: "string", default: "vm003" },
  host: { type: "string", default: "host1" },
  directory: { type: "string", default: "/var/tmp" },
  filename: { type: "string" },
});

await using connection = new Connection(connectionOptionsFromEnv());
const systemService = connection.systemService();
const vmsService = systemService.vmsService();

const vm = found(await findByName(vmsService, values.vm), `No VM named ${values.vm}`);
const host = found(
  await findByName(systemService.hostsService(), values.host),
  `No host named ${values.host}`,
);

const filename = String(values.filename ?? `${vm.name}.ova`);
const correlationId = crypto.randomUUID();
await vmsService.vmService(vm.id!).exportToPathOnHost({
  host: { id: host.id },
  directory: String(values.directory),
  filename,
  correlationId,
});
console.log(`Exporting VM ${vm.name} to ${values.directory}/${filename} on host ${host.name}`);

// The export's job ends when the OVA is written and the snapshot taken for it removed.
const jobs = await waitForJobs(connection, correlationId, { interval: 5000, timeout: 3_600_000 });
if (jobs.length === 0) {
  throw new Error(
    `The engine shows no job of the export (correlation id ${correlationId}): look for ` +
      `event 1224 (exported) or 1225 (failed) of VM ${vm.name}`,
  );
}
console.log(`VM ${vm.name} is exported`);
