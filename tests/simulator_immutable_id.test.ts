/**
 * An update whose body sets another id than the object's is refused as the engine refuses it
 * (409 `Broken immutability constraint`, `AbstractBackendSubResource.validateUpdate`), and
 * changes nothing; the object's own id (what `get()` returned, written back) passes. And a VM
 * added with an id keeps it, as the engine's `AddVmCommand` keeps it.
 */

import assert from "node:assert/strict";
import { fromXml, OvirtError, toXml, types, waitFor } from "../mod.ts";
import { startSimulator } from "../testing/mod.ts";
import { simulatorSession } from "./sim_session.ts";

/** Asserts that `promise` fails with the engine's 409 for a changed id. */
async function refusedAsImmutable(promise: Promise<unknown>): Promise<void> {
  let caught: unknown;
  await promise.catch((error) => caught = error);
  assert.ok(caught instanceof OvirtError, `expected an OvirtError, got ${caught}`);
  assert.equal(caught.code, 409, caught.message);
  assert.equal(caught.fault?.reason, "Broken immutability constraint");
  assert.equal(caught.fault?.detail, "Attempt to set immutable field: id");
}

Deno.test("simulator: copying VM A's settings onto VM B with A's id is a 409, and B stays", async () => {
  await using session = await simulatorSession({ delay: 0, vms: 2 });
  const vms = session.connection.systemService().vmsService();
  const [a, b] = await vms.list();
  await refusedAsImmutable(vms.vmService(b.id!).update({ id: a.id, description: "copied" }));
  const fetchedA = await vms.vmService(a.id!).get();
  await refusedAsImmutable(vms.vmService(b.id!).update({ ...fetchedA, name: "b-copy" }));
  assert.equal((await vms.vmService(b.id!).get()).description, b.description);
  assert.equal((await vms.vmService(b.id!).get()).name, b.name);
  assert.equal((await vms.vmService(a.id!).get()).description, a.description);
  // Its own id, as get() returned it, is accepted.
  const fetchedB = await vms.vmService(b.id!).get();
  const updated = await vms.vmService(b.id!).update({ ...fetchedB, description: "own id" });
  assert.equal(updated.id, b.id);
  assert.equal((await vms.vmService(b.id!).get()).description, "own id");
});

Deno.test("simulator: a NIC updated with another NIC's id is a 409; a CD-ROM's id is not checked", async () => {
  await using session = await simulatorSession({ delay: 0, vms: 1 });
  const vms = session.connection.systemService().vmsService();
  const [vm] = await vms.list();
  const nics = vms.vmService(vm.id!).nicsService();
  const first = await nics.add({ name: "nic-a" });
  const second = await nics.add({ name: "nic-b" });
  await refusedAsImmutable(nics.nicService(second.id!).update({ id: first.id, name: "nic-c" }));
  assert.equal((await nics.nicService(second.id!).get()).name, "nic-b");
  assert.equal(
    (await nics.nicService(second.id!).update({ id: second.id, name: "nic-c" })).name,
    "nic-c",
  );
  // The engine's VM CD-ROM update reads only the file (BackendVmCdromResource.update).
  const cdroms = vms.vmService(vm.id!).cdromsService();
  const [cdrom] = await cdroms.list();
  const changed = await cdroms.cdromService(cdrom.id!).update({ id: vm.id, file: { id: "" } });
  assert.equal(changed.id, cdrom.id);
});

Deno.test("simulator: every top-level collection refuses another object's id and takes the object's own", async () => {
  await using sim = await startSimulator({ delay: 0, vms: 2 });
  const headers = {
    Authorization: "Basic " + btoa(`${sim.username}:${sim.password}`),
    Accept: "application/xml",
    "Content-Type": "application/xml",
  };
  const send = async (path: string, method = "GET", body?: string) => {
    const answer = await fetch(`${sim.url}/${path}`, { method, headers, body });
    return { status: answer.status, text: await answer.text() };
  };
  const root = (await send("")).text;
  const paths = [...root.matchAll(/<link href="[^"]*\/api\/([a-z]+)" rel="[a-z]+"\/>/g)]
    .map((match) => match[1]);
  const checked: string[] = [];
  for (const path of paths) {
    const list = await send(path);
    const tag = /^<\?xml[^>]*\?>\s*<[a-z_]+>\s*<([a-z_]+)[ >]/.exec(list.text)?.[1];
    if (list.status !== 200 || tag === undefined) continue;
    const items = fromXml(list.text) as { id: string; description?: string }[];
    if (items.length < 2) continue;
    const [other, item] = items;
    const renamed = await send(
      `${path}/${item.id}`,
      "PUT",
      toXml(tag, { id: other.id, description: "taken" }),
    );
    if (renamed.status === 405) continue; // not updatable (operating systems)
    checked.push(path);
    assert.equal(renamed.status, 409, `${path}: ${renamed.text}`);
    assert.match(renamed.text, /<reason>Broken immutability constraint<\/reason>/);
    const after = fromXml((await send(`${path}/${item.id}`)).text) as { description?: string };
    assert.equal(after.description, item.description, `${path}: unchanged`);
    const own = await send(`${path}/${item.id}`, "PUT", toXml(tag, { id: item.id }));
    // (A built-in role is read only: refused, for another reason.)
    assert.doesNotMatch(own.text, /Broken immutability/, `${path}: its own id passes`);
  }
  for (const path of ["vms", "hosts", "clusters", "disks", "networks", "templates", "tags"]) {
    assert.ok(checked.includes(path), `${path} checked (${checked.join(", ")})`);
  }
});

Deno.test("simulator: a VM added with an id keeps it, as the engine's AddVmCommand keeps it", async () => {
  await using session = await simulatorSession({ delay: 0, vms: 1 });
  const vms = session.connection.systemService().vmsService();
  const base = { cluster: { name: "Default" }, template: { name: "Blank" } };
  const id = "11111111-2222-3333-4444-555555555555";
  const added = await vms.add({ ...base, id, name: "mine" });
  assert.equal(added.id, id);
  assert.equal((await vms.vmService(id).get()).name, "mine");
  // The engine reads the id as a UUID and keeps its canonical text.
  const loose = await vms.add({ ...base, id: "ABCDEF-1-2-3-4", name: "loose" });
  assert.equal(loose.id, "00abcdef-0001-0002-0003-000000000004");
  assert.equal((await vms.vmService(loose.id!).get()).name, "loose");
  // The empty or all-zero id means none: a new one is made.
  const none = await vms.add({ ...base, id: "00000000-0000-0000-0000-000000000000", name: "z" });
  assert.notEqual(none.id, "00000000-0000-0000-0000-000000000000");
  // A clone of a snapshot's VM keeps the id sent too, not its source's.
  const [source] = await vms.list({ search: "name=mine" });
  const snapshot = await vms.vmService(source.id!).snapshotsService().add({ description: "s" });
  const cloneId = "22222222-2222-3333-4444-555555555555";
  const snapshots = vms.vmService(source.id!).snapshotsService();
  await waitFor(
    () => snapshots.snapshotService(snapshot.id!).get(),
    (got) => got.snapshotStatus === types.SnapshotStatus.OK,
    { interval: 5, timeout: 5000 },
  );
  const clone = await vms.add({ ...base, id: cloneId, name: "clone", snapshots: [snapshot] });
  assert.equal(clone.id, cloneId);
});

Deno.test("simulator: a VM id in use or malformed is refused as the engine refuses it", async () => {
  await using session = await simulatorSession({ delay: 0, vms: 1 });
  const vms = session.connection.systemService().vmsService();
  const base = { cluster: { name: "Default" }, template: { name: "Blank" } };
  const [taken] = await vms.list();
  const count = (await vms.list()).length;
  let caught: unknown;
  await vms.add({ ...base, id: taken.id, name: "again" }).catch((error) => caught = error);
  assert.ok(caught instanceof OvirtError, `expected an OvirtError, got ${caught}`);
  assert.equal(caught.code, 400);
  assert.equal(caught.fault?.reason, "Operation Failed");
  assert.equal(
    caught.fault?.detail,
    "[Cannot add VM. VM with the given Id already exists in the system.]",
  );
  caught = undefined;
  await vms.add({ ...base, id: "not-a-uuid", name: "bad" }).catch((error) => caught = error);
  assert.ok(caught instanceof OvirtError, `expected an OvirtError, got ${caught}`);
  assert.equal(caught.code, 400);
  assert.equal(caught.fault?.reason, "Operation failed");
  assert.equal(caught.fault?.detail, "Invalid UUID string: not-a-uuid");
  assert.equal((await vms.list()).length, count);
  assert.equal((await vms.vmService(taken.id!).get()).name, taken.name);
});
