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
  const vm = await system.vmsService().add({
    name: "cloud01",
    cluster: { name: "Default" },
    template: { name: "Blank" },
    initialization: { hostName: "cloud01", rootPassword: "r00t-s3cret" },
  });
  assert.equal(vm.initialization?.hostName, "cloud01", "the rest of the struct is kept");
  assert.equal(vm.initialization?.rootPassword, undefined);
  const again = await system.vmsService().vmService(vm.id!).get();
  assert.equal(again.initialization?.rootPassword, undefined);
  assert.equal(again.initialization?.hostName, "cloud01");
});
