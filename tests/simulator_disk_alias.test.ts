/**
 * A disk's name and alias are one value in the engine (`name` is the deprecated spelling):
 * setting either, on add, update (of the disk or through its attachment) or copy, sets
 * both, the alias winning when a request gives both, and a search by name finds the disk.
 */

import assert from "node:assert/strict";
import { types, waitFor } from "../mod.ts";
import { simulatorSession } from "./sim_session.ts";

const READY = { interval: 5, timeout: 5000 };

Deno.test("simulator: updating a disk's alias renames it, and search by name finds it", async () => {
  await using session = await simulatorSession({ delay: 0, vms: 1 });
  const disks = session.connection.systemService().disksService();
  const [disk] = await disks.list({ max: 1 });
  const diskService = disks.diskService(disk.id!);
  await diskService.update({ alias: "renamed" });
  const renamed = await diskService.get();
  assert.equal(renamed.alias, "renamed");
  assert.equal(renamed.name, "renamed");
  assert.deepEqual((await disks.list({ search: "name=renamed" })).map((d) => d.id), [disk.id]);
  await diskService.update({ name: "again" });
  const again = await diskService.get();
  assert.deepEqual([again.name, again.alias], ["again", "again"]);
});

Deno.test("simulator: a disk added with a name and an alias is named by the alias", async () => {
  await using session = await simulatorSession({ delay: 0, vms: 0 });
  const disks = session.connection.systemService().disksService();
  const added = await disks.add({
    name: "old-name",
    alias: "the-alias",
    provisionedSize: 1024 ** 2,
    format: types.DiskFormat.RAW,
    storageDomains: [{ name: "data" }],
  });
  assert.deepEqual([added.name, added.alias], ["the-alias", "the-alias"]);
  assert.deepEqual(await disks.list({ search: "name=old-name" }), []);
});

Deno.test("simulator: a disk's alias set through its attachment renames it", async () => {
  await using session = await simulatorSession({ delay: 0, vms: 1 });
  const system = session.connection.systemService();
  const [vm] = await system.vmsService().list({ max: 1 });
  const attachments = system.vmsService().vmService(vm.id!).diskAttachmentsService();
  const [attachment] = await attachments.list();
  await attachments.attachmentService(attachment.id!).update({ disk: { alias: "via-vm" } });
  const disk = await system.disksService().diskService(attachment.id!).get();
  assert.deepEqual([disk.name, disk.alias], ["via-vm", "via-vm"]);
});

Deno.test("simulator: a disk copied with a new alias is named by it", async () => {
  await using session = await simulatorSession({ delay: 0, vms: 1 });
  const disks = session.connection.systemService().disksService();
  const [disk] = await disks.list({ max: 1 });
  await disks.diskService(disk.id!).copy({
    storageDomain: { name: "data" },
    disk: { alias: "the-copy" },
  });
  const [copy] = await waitFor(
    () => disks.list({ search: "name=the-copy" }),
    (found) => found[0]?.status === "ok",
    READY,
  );
  assert.equal(copy.alias, "the-copy");
});
