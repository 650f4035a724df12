/**
 * The simulator's VM and template rules, as the engine's: a change a running VM cannot take
 * waits for the next run, a snapshot is removed by a merge that takes a step, MAC addresses
 * and plugged NICs, the names the engine takes, and when a VM or template may be removed.
 */

import assert from "node:assert/strict";
import type { Connection, types } from "../mod.ts";
import { rejectsWith, simulatorSession } from "./sim_session.ts";

const BLANK = { cluster: { name: "Default" }, template: { name: "Blank" } };

async function vmNamed(connection: Connection, name: string): Promise<types.Vm> {
  const [vm] = await connection.systemService().vmsService().list({ search: `name=${name}` });
  assert.ok(vm, `no VM ${name}`);
  return vm;
}

Deno.test("simulator: VM and template names are the engine's", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const system = session.connection.systemService();
  const vms = system.vmsService();
  const special =
    /^\[Can not (add|edit) (VM|Template)\. The given name contains special characters\. Only lower-case and upper-case letters, numbers, '_', '-', '\.' are allowed\.\]$/;
  for (const name of ["web 1", "db/prod", "a:b"]) {
    await rejectsWith(vms.add({ name, ...BLANK }), 400, special);
  }
  await rejectsWith(
    vms.add({ name: "x".repeat(65), ...BLANK }),
    400,
    /^\[Cannot add VM\. The given name is too long\.\]$/,
  );
  const longest = await vms.add({ name: "x".repeat(64), ...BLANK });
  const accented = await vms.add({ name: "Überwachung_1.web-2", ...BLANK });
  assert.equal(accented.name, "Überwachung_1.web-2");
  await rejectsWith(vms.vmService(longest.id!).update({ name: "web 1" }), 400, special);
  const templates = system.templatesService();
  const vm003 = await vmNamed(session.connection, "vm003");
  await rejectsWith(templates.add({ name: "gold image", vm: { id: vm003.id } }), 400, special);
  const [blank] = await templates.list({ search: "name=Blank" });
  await rejectsWith(
    templates.templateService(blank.id!).update({ name: "gold image" }),
    400,
    special,
  );
});
