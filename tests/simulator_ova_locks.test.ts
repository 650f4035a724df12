/**
 * The in-memory locks of OVA exports: while a VM's export runs, the VM is not run,
 * removed or changed (exclusive lock, the engine's "is being exported" refusal); while a
 * template's runs, the template is not removed (shared lock). Both go once the job ends.
 */

import assert from "node:assert/strict";
import { types, waitFor, waitForJobs } from "../mod.ts";
import { rejectsWith, simulatorSession } from "./sim_session.ts";

const POLL = { interval: 5, timeout: 5000 };

Deno.test("simulator: a VM is not run, removed or changed while its OVA export runs", async () => {
  await using session = await simulatorSession({ delay: 200 });
  const { connection } = session;
  const vms = connection.systemService().vmsService();
  const [vm] = await vms.list({ search: "name=vm003" });
  assert.equal(vm.status, types.VmStatus.DOWN);
  const service = vms.vmService(vm.id!);
  const correlationId = "ova-lock-vm003";
  await service.exportToPathOnHost({ host: { name: "host1" }, directory: "/ova", correlationId });
  const refusal = (action: string) =>
    new RegExp(`^\\[Cannot ${action} VM\\. VM vm003 is being exported\\.\\]$`);
  await rejectsWith(service.start(), 409, refusal("run"));
  await rejectsWith(service.remove(), 409, refusal("remove"));
  await rejectsWith(service.update({ description: "changed" }), 409, refusal("update"));
  await rejectsWith(
    service.snapshotsService().add({ description: "s" }),
    409,
    refusal("create snapshot for"),
  );
  await waitForJobs(connection, correlationId, POLL);
  await service.update({ description: "changed" });
  await service.remove();
  assert.equal((await vms.list({ search: "name=vm003" })).length, 0);
});

Deno.test("simulator: a template is not removed while its OVA export runs", async () => {
  await using session = await simulatorSession({ delay: 200 });
  const system = session.connection.systemService();
  const [vm] = await system.vmsService().list({ search: "name=vm003" });
  const templates = system.templatesService();
  const added = await templates.add({ name: "t-ova", vm: { id: vm.id } });
  const service = templates.templateService(added.id!);
  await waitFor(() => service.get(), (t) => t.status === types.TemplateStatus.OK, POLL);
  const correlationId = "ova-lock-t";
  await service.exportToPathOnHost({ host: { name: "host1" }, directory: "/ova", correlationId });
  await rejectsWith(
    service.remove(),
    409,
    /^\[Cannot remove Template\. Template t-ova is being exported\.\]$/,
  );
  await waitForJobs(session.connection, correlationId, POLL);
  await service.remove();
});
