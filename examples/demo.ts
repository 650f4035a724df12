/**
 * The guided tour (`deno task demo`): starts the engine simulator in this process,
 * then walks through what an automation script does against a real engine.
 *
 * @module
 */

import { Connection, types, waitFor } from "../mod.ts";
import { startSimulator } from "../testing/mod.ts";

const GiB = 1024 ** 3;
const encoder = new TextEncoder();
const live = Deno.stdout.isTerminal();

function step(title: string): void {
  console.log(`\n\x1b[1m${title}\x1b[0m`);
}

function table(rows: string[][]): void {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  for (const [index, row] of rows.entries()) {
    console.log("  " + row.map((cell, column) => cell.padEnd(widths[column])).join("  "));
    if (index === 0) console.log("  " + widths.map((width) => "-".repeat(width)).join("  "));
  }
}

/** Polls `get` until `state` of the object is `wanted`, showing it on one live line. */
async function watch<T>(
  label: string,
  get: () => Promise<T>,
  state: (value: T) => string | undefined,
  wanted: string,
): Promise<T> {
  const start = performance.now();
  let shown: string | undefined;
  const result = await waitFor(get, (value) => {
    const current = state(value) ?? "-";
    const seconds = ((performance.now() - start) / 1000).toFixed(1);
    const line = `  ${label}: ${current} (${seconds} s)`;
    if (live) Deno.stdout.writeSync(encoder.encode(`\r\x1b[2K${line}`));
    else if (current !== shown) console.log(line);
    shown = current;
    return current === wanted;
  }, {
    interval: 100,
    timeout: 20_000,
    description: `${label} ${wanted}`,
    describe: (value) => state(value) ?? "-",
  });
  if (live) Deno.stdout.writeSync(encoder.encode("\n"));
  return result;
}

const began = performance.now();
await using simulator = await startSimulator({ tls: true });
console.log(
  `Engine simulator at ${simulator.url} (TLS with its own CA), user ${simulator.username}`,
);

await using connection = new Connection({
  url: simulator.url,
  username: simulator.username,
  password: simulator.password,
  caCerts: [simulator.caCert!],
});
const system = connection.systemService();

step("1. Inventory");
const [dataCenters, clusters, hosts, storageDomains, templates, vms] = await Promise.all([
  system.dataCentersService().list(),
  system.clustersService().list(),
  system.hostsService().list(),
  system.storageDomainsService().list(),
  system.templatesService().list(),
  system.vmsService().list(),
]);
const countBy = <T>(items: T[], key: (item: T) => string | undefined) => {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item) ?? "-", (counts.get(key(item) ?? "-") ?? 0) + 1);
  return [...counts].map(([name, count]) => `${count} ${name}`).join(", ");
};
table([
  ["kind", "count", "details"],
  ["data centers", `${dataCenters.length}`, dataCenters.map((item) => item.name).join(", ")],
  ["clusters", `${clusters.length}`, clusters.map((item) => item.name).join(", ")],
  ["hosts", `${hosts.length}`, countBy(hosts, (host) => host.status)],
  ["storage domains", `${storageDomains.length}`, countBy(storageDomains, (sd) => sd.type)],
  ["templates", `${templates.length}`, templates.map((item) => item.name).join(", ")],
  ["VMs", `${vms.length}`, countBy(vms, (vm) => vm.status)],
]);

step("2. Create a VM from the Blank template, with a disk and a NIC");
const vmsService = system.vmsService();
const dataDomain = storageDomains.find((sd) => sd.type === types.StorageDomainType.DATA);
const vm = await vmsService.add({
  name: "demo-vm",
  description: "Created by the ovirt-sdk demo",
  cluster: { name: clusters[0].name },
  template: { name: "Blank" },
  memory: 2 * GiB,
});
console.log(`  VM ${vm.name} (${vm.id}) added, status ${vm.status}`);
const vmService = vmsService.vmService(vm.id!);
await watch("VM", () => vmService.get(), (value) => value.status, types.VmStatus.DOWN);
const attachment = await vmService.diskAttachmentsService().add({
  bootable: true,
  active: true,
  interface: types.DiskInterface.VIRTIO_SCSI,
  disk: {
    name: "demo-vm-disk",
    format: types.DiskFormat.COW,
    provisionedSize: 10 * GiB,
    storageDomains: [{ id: dataDomain?.id }],
  },
});
const diskService = system.disksService().diskService(attachment.disk!.id!);
await watch("disk", () => diskService.get(), (value) => value.status, types.DiskStatus.OK);
const profiles = await system.vnicProfilesService().list();
const nic = await vmService.nicsService().add({
  name: "nic1",
  ...(profiles[0] ? { vnicProfile: { id: profiles[0].id } } : {}),
});
console.log(`  NIC ${nic.name} added${nic.mac?.address ? ` with MAC ${nic.mac.address}` : ""}`);

step("3. Start it and wait for it to come up");
await vmService.start();
await watch("VM", () => vmService.get(), (value) => value.status, types.VmStatus.UP);

step("4. Take a snapshot");
const snapshot = await vmService.snapshotsService().add({ description: "before changes" });
const snapshotService = vmService.snapshotsService().snapshotService(snapshot.id!);
await watch(
  "snapshot",
  () => snapshotService.get(),
  (value) => value.snapshotStatus,
  types.SnapshotStatus.OK,
);

step("5. Stop it");
await vmService.stop();
await watch("VM", () => vmService.get(), (value) => value.status, types.VmStatus.DOWN);

step("6. Clean up");
await vmService.remove();
const left = await vmsService.list({ search: "name=demo-vm" });
console.log(`  VM removed; VMs named demo-vm left: ${left.length}`);

console.log(`\nDone in ${((performance.now() - began) / 1000).toFixed(1)} s.`);
