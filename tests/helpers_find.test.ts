/**
 * `findByName` against the simulator: the object named exactly so, never one whose name
 * starts the same or differs in case, and an error naming the ids when several share it.
 */

import assert from "node:assert/strict";
import { Connection, findByName, OvirtError, type types } from "../mod.ts";
import { startSimulator } from "../testing/mod.ts";

Deno.test("findByName finds the VM named web-1, not WEB-1 (the search ignores case) nor web", async () => {
  await using simulator = await startSimulator({ empty: true, delay: 0 });
  await using connection = new Connection({
    url: simulator.url,
    username: simulator.username,
    password: simulator.password,
  });
  const vmsService = connection.systemService().vmsService();
  const blank = { cluster: { name: "Default" }, template: { name: "Blank" } };
  const web = await vmsService.add({ name: "web", description: "frontend 1", ...blank });
  const web1 = await vmsService.add({ name: "web-1", ...blank });
  const upper = await vmsService.add({ name: "WEB-1", ...blank });
  const answered = await vmsService.list({ search: "name=web-1" });
  assert.deepEqual(answered.map((vm) => vm.name).sort(), ["WEB-1", "web-1"]);
  assert.equal((await findByName(vmsService, "web-1"))?.id, web1.id);
  assert.equal((await findByName(vmsService, "WEB-1"))?.id, upper.id);
  assert.equal((await findByName(vmsService, "web"))?.id, web.id);
  // The item type may be given, as before the collection became the type parameter.
  const typed: types.Vm | undefined = await findByName<types.Vm>(vmsService, "web");
  assert.equal(typed?.description, "frontend 1");
  assert.equal(await findByName(vmsService, "Web-1"), undefined, "case counts");
  assert.equal(await findByName(vmsService, "we"), undefined);
  await assert.rejects(
    findByName(vmsService, ""),
    (error) => error instanceof OvirtError && /non-empty string/.test(error.message),
  );
});

Deno.test("findByName quotes a name with a space or quotes: web 1 is never web", async () => {
  // The engine takes no such VM name; the simulator's disks take it, enough for the search.
  await using simulator = await startSimulator({ delay: 0 });
  await using connection = new Connection({
    url: simulator.url,
    username: simulator.username,
    password: simulator.password,
  });
  const disksService = connection.systemService().disksService();
  const disk = (name: string, description?: string) =>
    disksService.add({
      name,
      description,
      format: "cow",
      provisionedSize: 1n << 30n,
      storageDomains: [{ name: "data" }],
    });
  const web = await disk("web", "frontend 1");
  const web1 = await disk("web 1");
  const odd = await disk('my "odd" disk*');
  await disk('my "odd" disk-two');
  // What the examples did: the engine reads `name=web 1` as name=web and the word 1.
  const [first] = await disksService.list({ search: "name=web 1" });
  assert.equal(first?.id, web.id, "the unquoted search finds web");
  assert.equal((await findByName(disksService, "web 1"))?.id, web1.id);
  assert.equal((await findByName(disksService, 'my "odd" disk*'))?.id, odd.id);
  assert.equal(await findByName(disksService, "WEB 1"), undefined, "case counts");
});

Deno.test("findByName refuses a name several objects share, naming their ids", async () => {
  await using simulator = await startSimulator({ delay: 0 });
  await using connection = new Connection({
    url: simulator.url,
    username: simulator.username,
    password: simulator.password,
  });
  const disksService = connection.systemService().disksService();
  const made: types.Disk[] = [];
  for (let i = 0; i < 2; i++) {
    made.push(
      await disksService.add({
        name: "scratch",
        format: "cow",
        provisionedSize: 1n << 30n,
        storageDomains: [{ name: "data" }],
      }),
    );
  }
  await assert.rejects(findByName(disksService, "scratch"), (error) => {
    assert.ok(error instanceof OvirtError, String(error));
    assert.match(error.message, /2 objects are named "scratch"/);
    for (const disk of made) assert.ok(error.message.includes(disk.id!), error.message);
    return true;
  });
});

Deno.test("findByName on a collection whose list takes no search does not type-check, and says so", async () => {
  await using simulator = await startSimulator({ delay: 0 });
  await using connection = new Connection({
    url: simulator.url,
    username: simulator.username,
    password: simulator.password,
  });
  await assert.rejects(
    // Refused by the type check too: a script that is not type-checked still gets a clear error.
    // @ts-expect-error: the roles' list takes no search
    findByName(connection.systemService().rolesService(), "SuperUser"),
    (error) => {
      assert.ok(error instanceof OvirtError, String(error));
      assert.match(error.message, /^findByName: the list at \/roles takes no search: list it/);
      return true;
    },
  );
});
