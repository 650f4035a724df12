/**
 * The engine's search fields of networks (`vlanid`, `vmnetwork`, `datacenter`), groups
 * (`grpname`) and VM pools (`assigned_vm_count`, `type`), which the engine's completers
 * name otherwise than the model's members; a member path that is no link to another
 * object (`vlan.id`) is no field there.
 */

import assert from "node:assert/strict";
import { types } from "../mod.ts";
import { simulatorSession } from "./sim_session.ts";

function names(items: { name?: string }[]): string[] {
  return items.map((item) => item.name!).sort();
}

Deno.test("simulator: networks are searched by vlanid, vmnetwork and datacenter", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const system = session.connection.systemService();
  const networks = system.networksService();
  await networks.add({
    name: "vlan100",
    dataCenter: { name: "Default" },
    vlan: { id: 100 },
    usages: [],
  });
  assert.deepEqual(names(await networks.list({ search: "vlanid=100" })), ["vlan100", "vmnet"]);
  assert.deepEqual(names(await networks.list({ search: "vlanid>100" })), []);
  // No field on the engine (a VLAN is no object to cross-refer to): free text, no match.
  assert.deepEqual(names(await networks.list({ search: "vlan.id=100" })), []);
  assert.deepEqual(names(await networks.list({ search: "vmnetwork=false" })), ["vlan100"]);
  assert.deepEqual(
    names(await networks.list({ search: "datacenter=Default and vmnetwork=true" })),
    ["ovirtmgmt", "vmnet"],
  );
});

Deno.test("simulator: groups are searched by grpname, pools by their VM count", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const system = session.connection.systemService();
  const groups = system.groupsService();
  assert.deepEqual(names(await groups.list({ search: "grpname=group*" })), ["group-sample"]);
  const pools = system.vmPoolsService();
  await pools.add({
    name: "pool2",
    cluster: { name: "Default" },
    template: { name: "centos9" },
    size: 2,
    type: types.VmPoolType.MANUAL,
  });
  assert.deepEqual(names(await pools.list({ search: "assigned_vm_count=2" })), ["pool2"]);
  assert.deepEqual(names(await pools.list({ search: "assigned_vm_count>2" })), []);
  assert.deepEqual(names(await pools.list({ search: "type=manual" })), ["pool2"]);
});

Deno.test("simulator: providers are searched by the engine's name, url and description", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const providers = session.connection.systemService().externalHostProvidersService();
  await providers.add({
    name: "foreman1",
    url: "https://foreman.example.com",
    requiresAuthentication: false,
  });
  assert.deepEqual(names(await providers.list({ search: "url=*foreman*" })), ["foreman1"]);
  // A member of the model that is no field of the engine: free text, no match.
  assert.deepEqual(names(await providers.list({ search: "requires_authentication=false" })), []);
});
