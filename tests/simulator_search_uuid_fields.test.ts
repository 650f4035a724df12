/**
 * Fields the engine's search types as UUIDs keep their `=` (no `ILIKE`: oVirt/ovirt-engine,
 * backend/manager/modules/searchbackend, `SyntaxChecker.buildCustomizedRelation` and the
 * `UUID.class` entries of the `*ConditionFieldAutoCompleter` type dictionaries). The ids of VMs,
 * hosts, disks and templates (`vm_guid`, `vds_id`, `disk_id`, `vmt_guid`) are uuid columns:
 * PostgreSQL reads the value as a UUID (any case, braces, without hyphens), and a value it
 * cannot read, such as `abc*`, fails the query. A host's `hw_id` (`vds_unique_id`) is a text
 * column compared with `=`; `""` is `IS NULL` there, as on every such field.
 */

import assert from "node:assert/strict";
import { rejectsWith, simulatorSession } from "./sim_session.ts";

Deno.test("simulator: id fields are compared as UUIDs, exactly", async () => {
  await using session = await simulatorSession({ delay: 0, empty: true });
  const system = session.connection.systemService();
  const vms = system.vmsService();
  const web = await vms.add({
    name: "web",
    cluster: { name: "Default" },
    template: { name: "Blank" },
  });
  await vms.add({ name: "db", cluster: { name: "Default" }, template: { name: "Blank" } });
  const found = async (search: string) => (await vms.list({ search })).map((vm) => vm.name);
  const id = web.id!;
  assert.deepEqual(await found(`id=${id}`), ["web"]);
  assert.deepEqual(await found(`id=${id.toUpperCase()}`), ["web"], "a UUID, in any case");
  assert.deepEqual(await found(`id={${id}}`), ["web"], "in braces");
  assert.deepEqual(await found(`id=${id.replaceAll("-", "")}`), ["web"], "without hyphens");
  assert.deepEqual(await found(`id!=${id}`), ["db"]);
  assert.deepEqual(await found('id=""'), [], "IS NULL: every VM has one");
  assert.deepEqual(await found('id!=""'), ["db", "web"]);
  await rejectsWith(vms.list({ search: `id=${id.slice(0, 8)}*` }), 400, /is no UUID/);
  await rejectsWith(vms.list({ search: "id!=web" }), 400, /is no UUID/);
  assert.deepEqual(await found(`id>${id}`), [], "an operator id does not take: a syntax error");
  const templates = system.templatesService();
  const [blank] = await templates.list({ search: "name=Blank" });
  const byId = await templates.list({ search: `_vmt_id=${blank.id!.toUpperCase()}` });
  assert.deepEqual(byId.map((template) => template.name), ["Blank"]);
});

Deno.test("simulator: a host's hw_id is compared with =, an unset one by IS NULL", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const hosts = session.connection.systemService().hostsService();
  const all = (await hosts.list()).map((host) => host.name).sort();
  assert.ok(all.length > 0);
  const found = async (search: string) => (await hosts.list({ search })).map((host) => host.name);
  assert.deepEqual((await found('hw_id=""')).sort(), all, "the simulator's hosts have none");
  assert.deepEqual(await found('hw_id!=""'), []);
});
