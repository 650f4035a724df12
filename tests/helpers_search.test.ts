import assert from "node:assert/strict";
import { Connection, OvirtError, searchQuery, types, where } from "../mod.ts";
import { startSimulator } from "../testing/mod.ts";

const text = (condition: Parameters<typeof searchQuery>[0]) => searchQuery(condition).text;

Deno.test("searchQuery quotes values only where the language needs it", () => {
  assert.equal(text(where.eq("name", "web01")), "name=web01");
  assert.equal(text(where.eq("name", "my vm")), 'name="my vm"');
  assert.equal(text(where.eq("description", "AND")), 'description="AND"', "a keyword");
  assert.equal(text(where.eq("description", "")), 'description=""');
  assert.equal(text(where.eq("description", "a=b!c<d")), 'description="a=b!c<d"');
  assert.equal(text(where.eq("name", "50_off")), "name=50_off", "the engine escapes _ itself");
  assert.equal(text(where.eq("memory", 1024)), "memory=1024");
  assert.equal(text(where.gt("memory", 1024)), "memory>1024");
  assert.equal(text(where.le("cpu.topology.cores", 4)), "cpu.topology.cores<=4");
  assert.equal(text(where.eq("stateless", true)), "stateless=true");
  assert.equal(text(where.ne("status", "up")), "status!=up");
  assert.equal(text(undefined), "");
  assert.ok(searchQuery(where.eq("name", "my vm")).exact);
});

Deno.test("searchQuery keeps wildcards only when asked for", () => {
  const like = searchQuery(where.like("name", "web*"));
  assert.equal(like.text, "name=web*");
  assert.ok(like.exact, "the engine matches a wildcard pattern exactly");
  const literal = searchQuery(where.eq("name", "web*"));
  assert.equal(literal.text, "name=web*", "the language has no literal *: the engine matches more");
  assert.equal(literal.exact, false);
  const names = [{ name: "web*" }, { name: "web01" }, { name: "WEB*" }];
  assert.deepEqual(literal.filter(names), [{ name: "web*" }, { name: "WEB*" }]);
  assert.deepEqual(literal.filter(names, { caseSensitive: true }), [{ name: "web*" }]);
  assert.deepEqual(like.filter(names), names, "an exact query filters nothing out");
});

Deno.test("searchQuery: a % is itself to the engine, a \\ is matched loosely there and exactly here", () => {
  const percent = searchQuery(where.eq("name", "50%"));
  assert.equal(percent.text, "name=50%", "the engine escapes a % in a value: it is itself");
  assert.equal(percent.exact, true);
  assert.equal(searchQuery(where.ne("name", "50%")).text, "name!=50%");
  assert.throws(
    () => searchQuery(where.ne("name", "my_vm")),
    /where\.ne: the engine cannot compare name with "my_vm" exactly/,
    "after != the engine reads _ as any one character",
  );
  assert.equal(searchQuery(where.eq("name", "my_vm")).exact, true, "after = it is itself");
  const backslash = searchQuery(where.eq("name", "back\\slash"));
  assert.equal(backslash.text, "name=back*slash", "the engine's own rules for a \\");
  assert.equal(backslash.exact, false);
  assert.deepEqual(backslash.filter([{ name: "back\\slash" }, { name: "backslash" }]), [
    { name: "back\\slash" },
  ]);
});

Deno.test("searchQuery stands in for what no value can hold: quotes, a trailing backslash", () => {
  const odd = searchQuery(where.eq("name", 'my "odd" vm*'));
  assert.equal(odd.text, 'name="my *odd* vm*"');
  assert.equal(odd.exact, false);
  const trailing = searchQuery(where.eq("name", "ends\\"));
  assert.equal(trailing.text, "name=ends*");
  assert.deepEqual(trailing.filter([{ name: "ends\\" }, { name: "ends" }, { name: "endsX" }]), [
    { name: "ends\\" },
  ]);
  const pattern = searchQuery(where.like("name", 'a"b*'));
  assert.equal(pattern.text, "name=a*b*");
  assert.deepEqual(pattern.filter([{ name: 'a"b' }, { name: 'a"bc' }, { name: "axb" }]), [
    { name: 'a"b' },
    { name: 'a"bc' },
  ]);
  const nested = searchQuery(where.eq("cluster.name", "x*"));
  // An item without the value (not sent, as without all_content) cannot be checked: kept.
  assert.deepEqual(nested.filter([{ cluster: { name: "x*" } }, { cluster: { name: "xy" } }, {}]), [
    { cluster: { name: "x*" } },
    {},
  ]);
});

Deno.test("searchQuery joins with and/or, and binding tighter, and sorts", () => {
  assert.equal(
    text(where.and(where.eq("a", 1), where.or(where.eq("b", 2), where.eq("c", 3)))),
    "a=1 and b=2 or a=1 and c=3",
  );
  assert.equal(
    text(where.or(where.and(where.eq("a", 1), where.eq("b", 2)), where.eq("c", 3))),
    "a=1 and b=2 or c=3",
  );
  assert.equal(
    searchQuery(where.like("name", "web*"), { sortBy: "name", order: "desc" }).text,
    "name=web* sortby name desc",
  );
  assert.equal(
    searchQuery(undefined, { sortBy: "creation_time" }).text,
    "sortby creation_time asc",
  );
});

Deno.test("searchQuery refuses what it cannot say, with an OvirtError", () => {
  const refused = (make: () => unknown, message: RegExp) =>
    assert.throws(
      make,
      (error: Error) => error instanceof OvirtError && message.test(error.message),
    );
  refused(() => where.eq("na me", "x"), /is not a search field name/);
  refused(() => where.eq("name", Number.NaN), /is not a number/);
  refused(() => where.eq("name", null as unknown as string), /must be a string/);
  refused(() => where.ne("name", "x*"), /cannot compare name with "x\*" exactly/);
  refused(() => where.and(), /at least one condition/);
  const loose = (value: unknown) => value as Parameters<typeof where.and>[0];
  refused(() => where.and(loose("name=x")), /"name=x" is not a condition made by where/);
  refused(() => where.or(where.eq("a", 1), loose(5)), /5 is not a condition made by where/);
  refused(() => where.and(loose({ kind: "comparison" })), /is not a condition made by where/);
  refused(() => where.and(loose(null)), /null is not a condition made by where/);
  refused(
    () => searchQuery(where.or(where.eq("name", 'a"b'), where.eq("name", "c"))),
    /cannot be matched exactly inside "or"/,
  );
  refused(() => searchQuery(undefined, { sortBy: "name;drop" }), /not a search field name/);
  refused(
    () => searchQuery(undefined, { sortBy: "name", order: "up" as "asc" }),
    /order must be "asc" or "desc"/,
  );
  const wide = Array.from({ length: 7 }, (_, i) => where.or(where.eq("a", i), where.eq("b", i)));
  refused(() => searchQuery(where.and(...wide)), /more than 64 terms/);
});

Deno.test("searchQuery writes numbers in plain decimals, never with an exponent", () => {
  assert.equal(text(where.gt("memory", 1e21)), "memory>1000000000000000000000");
  assert.equal(text(where.lt("cpu_shares", 1e-7)), "cpu_shares<0.0000001");
});

Deno.test("searchQuery filter: a reference is checked by its name when followed, else kept", async () => {
  await using simulator = await startSimulator({ empty: true, delay: 0 });
  await using connection = new Connection({
    url: simulator.url,
    username: simulator.username,
    password: simulator.password,
  });
  const system = connection.systemService();
  for (const name of ["prod-blue", "prod_sky_blue"]) {
    await system.clustersService().add({
      name,
      dataCenter: { name: "Default" },
      cpu: { type: "Intel Nehalem Family" },
    });
    await system.vmsService().add({
      name: `vm-of-${name}`,
      description: `vm of ${name}`,
      cluster: { name },
      template: { name: "Blank" },
    });
  }
  // The engine takes no quote in a cluster name: for one, it answers look-alikes only.
  const query = searchQuery(where.eq("cluster", 'prod"blue'));
  assert.equal(query.exact, false);
  const answered = await system.vmsService().list({ search: query.text });
  assert.deepEqual(answered.map((vm) => vm.description).sort(), [
    "vm of prod-blue",
    "vm of prod_sky_blue",
  ]);
  // Without the cluster's name the filter cannot tell: it keeps the engine's answer.
  assert.equal(query.filter(answered).length, 2);
  const followed = await system.vmsService().list({ search: query.text, follow: "cluster" });
  assert.deepEqual(query.filter(followed), []);
});

Deno.test('searchQuery round trip: the simulator\'s search finds a VM described as my "odd" vm* exactly', async () => {
  await using simulator = await startSimulator({ empty: true, delay: 0 });
  await using connection = new Connection({
    url: simulator.url,
    username: simulator.username,
    password: simulator.password,
  });
  const vmsService = connection.systemService().vmsService();
  // Descriptions: the engine takes no VM name with a space, a quote or a *.
  const descriptions = [
    'my "odd" vm*',
    'my "odd" vm',
    'my "odd" vm*2',
    "my xoddx vm*",
    "my vm",
    "web01",
  ];
  for (const [index, description] of descriptions.entries()) {
    await vmsService.add({
      name: `vm${index}`,
      description,
      cluster: { name: "Default" },
      template: { name: "Blank" },
    });
  }
  const odd = searchQuery(where.eq("description", 'my "odd" vm*'));
  const answered = await vmsService.list({ search: odd.text });
  assert.ok(answered.length > 1, "the engine's answer holds look-alikes");
  assert.deepEqual(odd.filter(answered).map((vm) => vm.description), ['my "odd" vm*']);
  const plain = searchQuery(where.eq("description", "my vm"));
  const listed = await vmsService.list({ search: plain.text });
  assert.deepEqual(listed.map((vm) => vm.description), ["my vm"]);
  const sorted = searchQuery(where.like("description", "my*"), { sortBy: "name", order: "desc" });
  const names = (await vmsService.list({ search: sorted.text })).map((vm) => vm.name);
  assert.deepEqual(names, ["vm4", "vm3", "vm2", "vm1", "vm0"]);
});

Deno.test("searchQuery writes a status as the engine's search reads it: no underscores", async () => {
  assert.equal(text(where.eq("status", types.HostStatus.NON_OPERATIONAL)), "status=nonoperational");
  assert.equal(text(where.ne("vms.status", "wait_for_launch")), "vms.status!=waitforlaunch");
  assert.equal(text(where.eq("status", "up")), "status=up");
  assert.equal(text(where.eq("name", "my_vm")), "name=my_vm", "other fields keep theirs");
  assert.equal(text(where.eq("status", "a_b c")), 'status="a_b c"', "not an enum's spelling");
  await using simulator = await startSimulator({ delay: 3_000 });
  await using connection = new Connection({
    url: simulator.url,
    username: simulator.username,
    password: simulator.password,
  });
  const vmsService = connection.systemService().vmsService();
  const [down] = await vmsService.list({ search: "status=down", max: 1 });
  await vmsService.vmService(down.id!).start();
  const { status } = await vmsService.vmService(down.id!).get();
  assert.match(status!, /_/, "a status with an underscore, on its way up");
  const query = searchQuery(where.and(where.eq("id", down.id!), where.eq("status", status!)));
  assert.deepEqual((await vmsService.list({ search: query.text })).map((vm) => vm.id), [down.id]);
});

Deno.test("searchQuery writes a VM's status migrating as the engine's migratingfrom or migratingto", async () => {
  assert.equal(
    text(where.eq("status", types.VmStatus.MIGRATING)),
    "status=migratingfrom or status=migratingto",
  );
  assert.equal(
    text(where.and(where.eq("cluster", "prod"), where.ne("status", types.VmStatus.MIGRATING))),
    "cluster=prod and status!=migratingfrom and status!=migratingto",
  );
  assert.equal(
    text(where.and(where.eq("cluster", "prod"), where.eq("vms.status", "MIGRATING"))),
    "cluster=prod and vms.status=migratingfrom or cluster=prod and vms.status=migratingto",
  );
  await using simulator = await startSimulator({ delay: 2_000 });
  await using connection = new Connection({
    url: simulator.url,
    username: simulator.username,
    password: simulator.password,
  });
  const vmsService = connection.systemService().vmsService();
  const [moving, staying] = await vmsService.list({ search: "status=up and host=host1" });
  await vmsService.vmService(moving.id!).migrate({ host: { name: "host2" } });
  assert.equal((await vmsService.vmService(moving.id!).get()).status, types.VmStatus.MIGRATING);
  const found = async (condition: Parameters<typeof searchQuery>[0]) =>
    (await vmsService.list({ search: searchQuery(condition).text })).map((vm) => vm.id);
  assert.deepEqual(await found(where.eq("status", types.VmStatus.MIGRATING)), [moving.id]);
  const others = await found(where.ne("status", types.VmStatus.MIGRATING));
  assert.ok(!others.includes(moving.id) && (staying === undefined || others.includes(staying.id)));
});

Deno.test("searchQuery: a value with % or _ is found exactly, as the engine escapes them", async () => {
  await using simulator = await startSimulator({ delay: 0 });
  await using connection = new Connection({
    url: simulator.url,
    username: simulator.username,
    password: simulator.password,
  });
  const vmsService = connection.systemService().vmsService();
  // Descriptions: the engine takes no VM name with a %.
  for (const [index, description] of ["50%", "500", "my_vm", "myxvm"].entries()) {
    await vmsService.add({
      name: `odd${index}`,
      description,
      cluster: { name: "Default" },
      template: { name: "Blank" },
    });
  }
  const found = async (description: string) => {
    const query = searchQuery(where.eq("description", description));
    assert.equal(query.exact, true);
    return (await vmsService.list({ search: query.text })).map((vm) => vm.description);
  };
  assert.deepEqual(await found("50%"), ["50%"]);
  assert.deepEqual(await found("my_vm"), ["my_vm"]);
});

Deno.test("searchQuery: a loose value and-ed with status migrating is filtered, not refused", () => {
  const query = searchQuery(
    where.and(where.eq("status", types.VmStatus.MIGRATING), where.eq("name", "web;1")),
  );
  assert.equal(
    query.text,
    "status=migratingfrom and name=web*1 or status=migratingto and name=web*1",
  );
  assert.equal(query.exact, false);
  assert.deepEqual(query.filter([{ name: "web;1" }, { name: "webX1" }]), [{ name: "web;1" }]);
  assert.throws(
    () => searchQuery(where.or(where.eq("name", "web;1"), where.eq("name", "db"))),
    /name cannot be matched exactly inside "or"/,
  );
  assert.equal(
    searchQuery(where.ne("bios_type", types.BiosType.Q35_OVMF)).text,
    "bios_type!=q35_ovmf",
    "an enum's value is compared exactly after != too",
  );
  assert.equal(searchQuery(where.ne("os", "rhel_8x64")).text, "os!=rhel_8x64");
});
