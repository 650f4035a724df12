/**
 * Parameters the engine reads that the API model (4.6.1) lacks (`ENGINE_PARAMETERS`,
 * `scripts/engine_facts.ts`) are options of their methods: TypeScript and the runtime take
 * them, they go where the engine reads them (the `<action>` body, or the query string), and
 * the simulator takes each.
 */

import assert from "node:assert/strict";
import { Connection, NotFoundError, type types } from "../mod.ts";
import { serviceRuntime } from "../transport/service.ts";
import { TemplateDiskService } from "../services/template_disk.ts";
import { PASSWORD, startFakeEngine, USERNAME, xml } from "./http_fake_engine.ts";
import { simulatorSession } from "./sim_session.ts";

/** A fake engine answering each API request by its method, and a connection to it. */
async function setUp() {
  const engine = await startFakeEngine({
    api: (request, { path }) => {
      if (request.method === "POST") return xml("<action><status>complete</status></action>");
      if (request.method === "DELETE") return new Response(null, { status: 200 });
      if (path.startsWith("users/")) return xml("<user id='u1'/>");
      return xml("<disk id='d1'/>");
    },
  });
  const connection = new Connection({ url: engine.url, username: USERNAME, password: PASSWORD });
  return {
    system: connection.systemService(),
    connection,
    /** The last API request: its method, URL and body. */
    last() {
      const request = engine.requests.at(-1)!;
      return { method: request.method, url: new URL(request.url), body: engine.bodies.at(-1)! };
    },
    async [Symbol.asyncDispose]() {
      await connection.close();
      await engine.close();
    },
  };
}

Deno.test("engine parameters the model lacks go in the <action> body", async () => {
  await using setup = await setUp();
  const host = setup.system.hostsService().hostService("h1");
  const targets = ["iqn.2026-01.com.example:a", "iqn.2026-01.com.example:b"];
  await host.unregisteredStorageDomainsDiscover({
    iscsi: { address: "192.0.2.10" },
    iscsiTargets: targets,
  });
  assert.match(
    setup.last().body,
    new RegExp(
      `<iscsi_targets><iscsi_target>${targets[0]}</iscsi_target>` +
        `<iscsi_target>${targets[1]}</iscsi_target></iscsi_targets>`,
    ),
  );

  const template = setup.system.storageDomainsService().storageDomainService("sd1")
    .templatesService().templateService("t1");
  await template.register({ clone: true, template: { name: "golden-copy" }, vm: {} });
  assert.match(setup.last().body, /<template><name>golden-copy<\/name><\/template>/);
  assert.match(setup.last().body, /<vm\/>|<vm><\/vm>/, "a <vm> is sent, so the name is applied");

  const volume = setup.system.clustersService().clusterService("c1").glusterVolumesService()
    .volumeService("g1");
  await volume.resetAllOptions({ force: true });
  assert.match(setup.last().body, /<force>true<\/force>/);
  // Read from the query of the POST only, which no generated option fills: `query` does.
  await volume.getProfileStatistics({ query: { nfsStatistics: "true" } });
  assert.equal(setup.last().url.searchParams.get("nfsStatistics"), "true");

  await host.approve({ rootPassword: "r00t" });
  assert.match(setup.last().body, /<root_password>r00t<\/root_password>/);
  const ssh: types.Ssh = { authenticationMethod: "password", user: { password: "pw" } };
  await host.approveUsingSsh({ ssh });
  assert.match(
    setup.last().body,
    /<ssh><authentication_method>password<\/authentication_method><user><password>pw<\/password>/,
  );

  const domain = setup.system.storageDomainsService().storageDomainService("sd1");
  const attached = setup.system.dataCentersService().dataCenterService("dc1")
    .storageDomainsService().storageDomainService("sd1");
  for (
    const disk of [
      domain.disksService().diskService("d1"),
      attached.disksService().diskService("d1"),
    ]
  ) {
    const choice = { storageDomain: { id: "sd2" }, diskProfile: { id: "p1" }, quota: { id: "q1" } };
    await disk.copy({ ...choice, async: false, filter: true });
    const copy = setup.last();
    assert.match(copy.body, /<disk_profile id="p1"\/>/);
    assert.match(copy.body, /<quota id="q1"\/>/);
    assert.match(copy.body, /<filter>true<\/filter>/);
    assert.equal(copy.url.searchParams.get("filter"), "true", "where the engine reads it");
    assert.equal(copy.url.searchParams.get("async"), "false");
    await disk.move(choice);
    assert.match(setup.last().body, /<disk_profile id="p1"\/>.*<quota id="q1"\/>/);
  }
});

Deno.test("engine parameters the model lacks go in the query of get, update and remove", async () => {
  await using setup = await setUp();
  const domainDisk = setup.system.storageDomainsService().storageDomainService("sd1")
    .disksService().diskService("d1");
  await domainDisk.get({ unregistered: true });
  assert.equal(setup.last().url.searchParams.get("unregistered"), "true");
  const attachedDisk = setup.system.dataCentersService().dataCenterService("dc1")
    .storageDomainsService().storageDomainService("sd1").disksService().diskService("d1");
  await attachedDisk.get({ unregistered: true });
  assert.equal(setup.last().url.searchParams.get("unregistered"), "true");

  await setup.system.usersService().userService("u1").update({ userOptions: [] }, { merge: true });
  assert.equal(setup.last().method, "PUT");
  assert.equal(setup.last().url.searchParams.get("merge"), "true");

  // No locator leads to a template's disk (the engine serves it at /templates/{id}/disks/{id}).
  const templateDisk = new TemplateDiskService(
    serviceRuntime(setup.system),
    "templates/t1/disks/d1",
  );
  await templateDisk.remove({ force: true, storageDomain: "sd1" });
  const { method, url } = setup.last();
  assert.equal(method, "DELETE");
  assert.deepEqual([url.searchParams.get("force"), url.searchParams.get("storage_domain")], [
    "true",
    "sd1",
  ]);
});

Deno.test("simulator: takes each engine parameter; a copy gets the profile and quota named", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const system = session.connection.systemService();
  const [host] = await system.hostsService().list();
  const hostService = system.hostsService().hostService(host.id!);
  const found = await hostService.unregisteredStorageDomainsDiscover({
    iscsi: { address: "192.0.2.10" },
    iscsiTargets: ["iqn.2026-01.com.example:a"],
  });
  assert.deepEqual(found, []);
  await hostService.approve({ rootPassword: "r00t" });
  await hostService.approveUsingSsh({
    ssh: { authenticationMethod: "password", user: { password: "pw" } },
  });

  const [cluster] = await system.clustersService().list({ search: "name=Default" });
  const volumes = system.clustersService().clusterService(cluster.id!).glusterVolumesService();
  const [volume] = await volumes.list();
  await volumes.volumeService(volume.id!).resetAllOptions({ force: true });

  const [user] = await system.usersService().list();
  const updated = await system.usersService().userService(user.id!).update({}, { merge: true });
  assert.equal(updated.id, user.id);

  const [data] = await system.storageDomainsService().list({ search: "name=data" });
  const disks = system.storageDomainsService().storageDomainService(data.id!).disksService();
  const [disk] = await disks.list();
  const profile = (await system.diskProfilesService().list()).find((p) => p.name === data.name)!;
  const [dataCenter] = await system.dataCentersService().list();
  const [quota] = await system.dataCentersService().dataCenterService(dataCenter.id!)
    .quotasService().list();
  await disks.diskService(disk.id!).copy({
    storageDomain: { id: data.id },
    disk: { name: "engine-parameters-copy" },
    diskProfile: { id: profile.id },
    quota: { id: quota.id },
    async: false,
    filter: false,
  });
  const [copy] = (await disks.list()).filter((item) => item.name === "engine-parameters-copy");
  assert.equal(copy.diskProfile?.id, profile.id);
  assert.equal(copy.quota?.id, quota.id);

  // Every disk here is registered: asked for an unregistered one, the engine answers 404.
  assert.equal((await disks.diskService(disk.id!).get()).id, disk.id);
  await assert.rejects(disks.diskService(disk.id!).get({ unregistered: true }), NotFoundError);
});
