/**
 * Updates set what the engine lets a client set: members that report runtime state
 * (status, host, start time) or that the engine keeps (creation time) are ignored, so an
 * older `get()` sent back with one change leaves a starting VM starting.
 */

import assert from "node:assert/strict";
import { types } from "../mod.ts";
import { membersOf } from "../testing/model.ts";
import { READ_ONLY } from "../testing/read_only.ts";
import { simulatorSession } from "./sim_session.ts";

Deno.test("simulator: an update ignores status, host and creation time", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const vms = session.connection.systemService().vmsService();
  const [running] = await vms.list({ search: "status=up", max: 1 });
  const service = vms.vmService(running.id!);
  const updated = await service.update({
    status: types.VmStatus.DOWN,
    host: undefined,
    creationTime: new Date("2001-01-01T00:00:00Z"),
    description: "edited",
  });
  assert.equal(updated.description, "edited");
  const now = await service.get();
  assert.equal(now.status, types.VmStatus.UP);
  assert.equal(now.host?.id, running.host?.id);
  assert.equal(now.creationTime?.getTime(), running.creationTime?.getTime());
  await service.stop(); // still running, so it can be stopped
  assert.equal((await service.get()).status, types.VmStatus.DOWN);
});

Deno.test("simulator: sending back an older get() leaves a starting VM starting", async () => {
  await using session = await simulatorSession({ delay: 1000 });
  const vms = session.connection.systemService().vmsService();
  const [stopped] = await vms.list({ search: "status=down", max: 1 });
  const service = vms.vmService(stopped.id!);
  const stale = await service.get();
  await service.start();
  await service.update({ ...stale, description: "edited" });
  const now = await service.get();
  assert.equal(now.description, "edited");
  assert.equal(now.status, types.VmStatus.WAIT_FOR_LAUNCH);
  assert.ok(now.host?.id, "the VM keeps the host it is starting on");
});

Deno.test("simulator: a disk attachment's update ignores its disk's status and sizes", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const vms = session.connection.systemService().vmsService();
  const [vm] = await vms.list({ max: 1 });
  const attachments = vms.vmService(vm.id!).diskAttachmentsService();
  const [attached] = await attachments.list();
  const diskService = session.connection.systemService().disksService()
    .diskService(attached.id!);
  const before = await diskService.get();
  await attachments.attachmentService(attached.id!).update({
    disk: {
      status: types.DiskStatus.ILLEGAL,
      actualSize: 1,
      totalSize: 1,
      alias: "renamed",
    },
  });
  const after = await diskService.get();
  assert.equal(after.alias, "renamed");
  assert.equal(after.status, before.status);
  assert.equal(after.actualSize, before.actualSize);
  assert.equal(after.totalSize, before.totalSize);
});

Deno.test("simulator: every read-only member is a member of its type", () => {
  for (const [type, names] of Object.entries(READ_ONLY)) {
    const members = new Set(membersOf(type).map((member) => member.name));
    for (const name of names) assert.ok(members.has(name), `${type}.${name}`);
  }
});
