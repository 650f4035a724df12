/**
 * `isLink` narrows a value to one whose `href` is a `string` (primitives of a union left
 * out), and `followLink` takes what declares an `href`, in generic helpers too; a plain
 * `list()` answer carries none and is refused at run time.
 */

import assert from "node:assert/strict";
import { type Connection, OvirtError, type types } from "../mod.ts";
import { simulatorSession } from "./sim_session.ts";

Deno.test("isLink types href a string; followLink follows lists, objects and what isLink narrowed", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const { connection } = session;
  const [vm] = await connection.systemService().vmsService().list();
  assert.ok(connection.isLink(vm.nics), "a VM's nics come as a link");
  const href: string = vm.nics.href; // no `!`: the guard made it a string
  assert.match(href, /\/vms\/[^/]+\/nics$/);
  const nics: types.Nic[] = await connection.followLink(vm.nics);
  assert.ok(nics.length > 0);
  const cluster: types.Cluster = await connection.followLink(vm.cluster!);
  assert.ok(cluster.name);
  const unknown: unknown = JSON.parse(JSON.stringify(vm.cluster));
  assert.ok(connection.isLink(unknown));
  const followed = await connection.followLink(unknown);
  assert.equal((followed as types.Cluster).id, cluster.id);
  assert.equal(connection.isLink({ id: "1" }), false);
});

/** A user's generic helper: what it is given is read again. */
function refresh<T extends types.Identified>(connection: Connection, value: T): Promise<T> {
  return connection.followLink(value);
}

Deno.test("isLink leaves primitives out of a union; followLink takes a generic entity", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const { connection } = session;
  const [vm] = await connection.systemService().vmsService().list();
  const either = vm as string | types.Vm;
  assert.ok(connection.isLink(either));
  const id: string | undefined = either.id; // a Vm: the string is left out
  assert.equal(id, vm.id);
  const again = await refresh(connection, vm);
  assert.equal(again.id, vm.id);
});

Deno.test("followLink refuses a plain list() answer at run time", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const { connection } = session;
  const vms = await connection.systemService().vmsService().list();
  await assert.rejects(
    connection.followLink(vms),
    (error) => error instanceof OvirtError && /without an href/.test(error.message),
  );
  await assert.rejects(
    // @ts-expect-error: nor does an object whose type has no href
    connection.followLink({ id: vms[0].id }),
    (error) => error instanceof OvirtError && /without an href/.test(error.message),
  );
});
