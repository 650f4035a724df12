import assert from "node:assert/strict";
import { Connection } from "../mod.ts";
import { startSimulator } from "../testing/mod.ts";

Deno.test("simulator: credentials given to the engine never come back in its answers", async () => {
  await using simulator = await startSimulator({ delay: 0 });
  await using connection = new Connection({
    url: simulator.url,
    username: simulator.username,
    password: simulator.password,
  });
  const system = connection.systemService();
  const provider = await system.openstackImageProvidersService().add({
    name: "glance",
    url: "http://glance.example.com:9292",
    username: "glanceuser",
    password: "pr0vider-s3cret",
  });
  assert.equal(provider.password, undefined);
  assert.equal((await system.openstackImageProvidersService().list())[0]?.password, undefined);
});

Deno.test("simulator: a cloud-init root password comes back masked, as the engine's ******", async () => {
  await using simulator = await startSimulator({ delay: 0 });
  await using connection = new Connection({
    url: simulator.url,
    username: simulator.username,
    password: simulator.password,
  });
  const vms = connection.systemService().vmsService();
  const vm = await vms.add({
    name: "cloud01",
    cluster: { name: "Default" },
    template: { name: "Blank" },
    initialization: { hostName: "cloud01", rootPassword: "r00t-s3cret" },
  });
  assert.equal(vm.initialization?.hostName, "cloud01", "the rest of the struct is kept");
  assert.equal(vm.initialization?.rootPassword, "******");
  const again = await vms.vmService(vm.id!).get();
  assert.equal(again.initialization?.rootPassword, "******");
  assert.equal(again.initialization?.hostName, "cloud01");
  const plain = await vms.add({
    name: "cloud02",
    cluster: { name: "Default" },
    template: { name: "Blank" },
    initialization: { hostName: "cloud02" },
  });
  assert.equal(plain.initialization?.rootPassword, undefined, "no mask without a password");
});

Deno.test("simulator: sensitive driver options and authentication key values never come back", async () => {
  await using simulator = await startSimulator({ delay: 0 });
  await using connection = new Connection({
    url: simulator.url,
    username: simulator.username,
    password: simulator.password,
  });
  const system = connection.systemService();
  const domain = await system.storageDomainsService().add({
    name: "mbs",
    type: "managed_block_storage",
    host: { name: "host1" },
    storage: {
      type: "managed_block_storage",
      driverOptions: [{ name: "volume_driver", value: "cinder.volume.drivers.rbd.RBDDriver" }],
      driverSensitiveOptions: [{ name: "san_password", value: "s4n-s3cret" }],
    },
  });
  assert.equal(domain.storage?.driverSensitiveOptions, undefined);
  const listed = await system.storageDomainsService().list();
  const again = listed.find((item) => item.id === domain.id);
  assert.equal(again?.storage?.type, "managed_block_storage", "the rest of the struct is kept");
  assert.equal(again?.storage?.driverSensitiveOptions, undefined);
  assert.doesNotMatch(JSON.stringify(listed), /s4n-s3cret/);

  const cinder = await system.openstackVolumeProvidersService().add({
    name: "cinder",
    url: "http://cinder.example.com:8776",
  });
  const keys = system.openstackVolumeProvidersService().providerService(cinder.id!)
    .authenticationKeysService();
  const key = await keys.add({
    uuid: "0b9a4c4e-1f0b-4d2a-9a51-0c3c1c2d3e4f",
    value: "k3y-s3cret",
    usageType: "ceph",
  });
  assert.equal(key.value, undefined);
  assert.equal(key.usageType, "ceph", "the rest of the key is kept");
  const [listedKey] = await keys.list();
  assert.equal(listedKey?.value, undefined);
  assert.equal((await keys.keyService(key.id!).get()).value, undefined);
});

Deno.test("simulator: a member named like a secret in another struct is kept", async () => {
  await using simulator = await startSimulator({ delay: 0 });
  await using connection = new Connection({
    url: simulator.url,
    username: simulator.username,
    password: simulator.password,
  });
  const vms = connection.systemService().vmsService();
  const vm = await vms.add({
    name: "props01",
    cluster: { name: "Default" },
    template: { name: "Blank" },
    customProperties: [{ name: "hugepages", value: "1048576" }],
  });
  assert.equal(vm.customProperties?.[0]?.value, "1048576");
});
