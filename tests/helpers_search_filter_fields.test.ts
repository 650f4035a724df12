import assert from "node:assert/strict";
import { Connection, OvirtError, searchQuery, where } from "../mod.ts";
import { startSimulator } from "../testing/mod.ts";

async function connect() {
  const simulator = await startSimulator({ delay: 0 });
  const connection = new Connection({
    url: simulator.url,
    username: simulator.username,
    password: simulator.password,
  });
  return { simulator, connection, system: connection.systemService() };
}

Deno.test("filter: an event's message is compared on its description", async () => {
  const { simulator, connection, system } = await connect();
  await using _simulator = simulator;
  await using _connection = connection;
  const events = system.eventsService();
  for (
    const [index, description] of ['VM "web" started', 'VM "web2" started', 'VM "old-web" started']
      .entries()
  ) {
    await events.add({ description, severity: "normal", origin: "test", customId: index + 1 });
  }
  for (const field of ["message", "MESSAGE"]) {
    const query = searchQuery(where.eq(field, 'VM "web" started'));
    assert.equal(query.exact, false);
    const answered = await events.list({ search: query.text });
    assert.equal(answered.length, 3, "the engine's answer holds look-alikes");
    assert.deepEqual(query.filter(answered).map((event) => event.description), [
      'VM "web" started',
    ]);
  }
});

Deno.test("filter: a user's usrname is compared on login and directory, login on the principal", async () => {
  const { simulator, connection, system } = await connect();
  await using _simulator = simulator;
  await using _connection = connection;
  const users = system.usersService();
  for (const login of ["o'brien", "o_brien", "oxbrien"]) {
    await users.add({ userName: `${login}@internal-authz`, domain: { name: "internal-authz" } });
  }
  const cases: [string, string][] = [
    ["usrname", "o'brien@internal-authz"],
    ["usrname", "O'Brien@Internal-Authz"],
    ["usrname", "o'brien"],
    ["login", "o'brien"],
  ];
  for (const [field, value] of cases) {
    const query = searchQuery(where.eq(field, value));
    const answered = await users.list({ search: query.text });
    assert.equal(answered.length, 3, `${field}=${value}: look-alikes answered`);
    assert.deepEqual(
      query.filter(answered).map((user) => user.userName),
      ["o'brien@internal-authz"],
      `${field}=${value}`,
    );
  }
  // Another directory is no match, though the login is.
  const other = searchQuery(where.eq("usrname", "o'brien@other-authz"));
  assert.deepEqual(other.filter(await users.list({ search: "usrname=o*brien" })), []);
});

Deno.test("filter: a search field no item shows is refused, not passed unchecked", async () => {
  const { simulator, connection, system } = await connect();
  await using _simulator = simulator;
  await using _connection = connection;
  // The engine finds VMs by their data center's name, which a VM of the API does not show.
  const query = searchQuery(where.eq("datacenter", 'Def"ault'));
  const answered = await system.vmsService().list({ search: query.text });
  assert.ok(answered.length > 0);
  assert.throws(
    () => query.filter(answered),
    (error) =>
      error instanceof OvirtError && /cannot check datacenter=Def\*ault/.test(error.message),
  );
  assert.deepEqual(query.filter([]), [], "nothing to check: nothing refused");
  // Networks show theirs as a reference: kept without its name, compared with follow.
  const networks = system.networksService();
  const listed = await networks.list({ search: query.text });
  assert.ok(listed.length > 0);
  assert.equal(query.filter(listed).length, listed.length);
  const followed = await networks.list({ search: query.text, follow: "data_center" });
  assert.deepEqual(query.filter(followed), []);
  const good = searchQuery(where.eq("datacenter", "Default"));
  assert.equal(good.exact, true);
});

Deno.test("filter: fields named otherwise in the API, as the engine's mappers show them", () => {
  // An event as the engine lists it: its references carry their names.
  const event = (user: string, vm: string) => ({ user: { id: "1", name: user }, vm: { name: vm } });
  const byUser = searchQuery(where.eq("usrname", "o'brien@internal-authz"));
  assert.deepEqual(
    byUser.filter([event("o'brien@internal-authz", "a"), event("oxbrien@internal-authz", "a")]),
    [event("o'brien@internal-authz", "a")],
  );
  const byVm = searchQuery(where.eq("event_vm", "web'1"));
  assert.deepEqual(byVm.filter([event("u", "web'1"), event("u", "webx1")]), [event("u", "web'1")]);
  // A storage domain's `type` is its storage's; its data centers are a list.
  const domain = (type: string, dataCenters: string[]) => ({
    type: "data",
    storage: { type },
    dataCenters: dataCenters.map((name) => ({ name })),
  });
  const byType = searchQuery(where.eq("type", "nf's"));
  assert.deepEqual(byType.filter([domain("nf's", []), domain("nfxs", [])]), [domain("nf's", [])]);
  const byCenter = searchQuery(where.eq("datacenter", "d'c"));
  assert.deepEqual(byCenter.filter([domain("nfs", ["x", "d'c"]), domain("nfs", ["dxc"])]), [
    domain("nfs", ["x", "d'c"]),
  ]);
  // A host's cpu_model is its cpu's name, a cluster's cpu_type its cpu's type.
  const byModel = searchQuery(where.eq("cpu_model", 'Xeon "Gold"'));
  assert.deepEqual(
    byModel.filter([{ cpu: { name: 'Xeon "Gold"' } }, { cpu: { name: "Xeon xGoldx" } }]),
    [{ cpu: { name: 'Xeon "Gold"' } }],
  );
  const byCpuType = searchQuery(where.eq("cpu_type", "Intel's"));
  assert.deepEqual(byCpuType.filter([{ cpu: { type: "Intel's" } }, { cpu: { type: "Intelxs" } }]), [
    { cpu: { type: "Intel's" } },
  ]);
});

Deno.test("filter: a field in capitals is the field; a dotted one through a reference is kept", () => {
  const vm = (description: string) => ({ description, cluster: { id: "c1", href: "/c/c1" } });
  const upper = searchQuery(where.eq("DESCRIPTION", "it's"));
  assert.deepEqual(upper.filter([vm("it's"), vm("itxs")]), [vm("it's")]);
  // `cluster.name` of a VM listed without `follow`: its cluster is a reference, not told.
  const byCluster = searchQuery(where.eq("cluster.name", "c'1"));
  assert.deepEqual(byCluster.filter([vm("a"), vm("b")]), [vm("a"), vm("b")]);
});
