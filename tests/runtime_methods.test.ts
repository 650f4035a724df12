import assert from "node:assert/strict";
import { Connection } from "../mod.ts";
import { OvirtError } from "../transport/errors.ts";
import { type ApiContext, PASSWORD, startFakeEngine, USERNAME, xml } from "./http_fake_engine.ts";

/** A fake engine answering API requests with `answer`, and a connection to it. */
async function setUp(answer: (request: Request, context: ApiContext) => Response) {
  const engine = await startFakeEngine({ api: answer });
  const connection = new Connection({ url: engine.url, username: USERNAME, password: PASSWORD });
  return {
    engine,
    system: connection.systemService(),
    /** Method, path and body of the last API request. */
    last() {
      const request = engine.requests.at(-1)!;
      const url = new URL(request.url);
      return {
        method: request.method,
        path: url.pathname + url.search,
        body: engine.bodies.at(-1),
      };
    },
    async [Symbol.asyncDispose]() {
      await connection.close();
      await engine.close();
    },
  };
}

Deno.test("get: resolves to the typed object", async () => {
  await using setup = await setUp(() =>
    xml(
      "<vm href='/ovirt-engine/api/vms/7' id='7'><name>web</name><memory>1073741824</memory>" +
        "<status>up</status></vm>",
    )
  );
  const vm = await setup.system.vmsService().vmService("7").get({ nextRun: true });
  assert.equal(vm.id, "7");
  assert.equal(vm.name, "web");
  assert.equal(vm.memory, 1073741824);
  assert.equal(vm.status, "up");
  assert.deepEqual(setup.last(), {
    method: "GET",
    path: "/ovirt-engine/api/vms/7?next_run=true",
    body: "",
  });
});

Deno.test("list: an array, [] for an empty collection", async () => {
  let body = "<vms><vm id='1'/><vm id='2'/></vms>";
  await using setup = await setUp(() => xml(body));
  const vms = setup.system.vmsService();
  assert.deepEqual((await vms.list()).map((vm) => vm.id), ["1", "2"]);
  body = "<vms/>";
  assert.deepEqual(await vms.list(), []);
});

Deno.test("list: a large list is read from the stream", async () => {
  const count = 20_000;
  await using setup = await setUp(() => {
    const encoder = new TextEncoder();
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent === 0) controller.enqueue(encoder.encode("<vms>"));
        if (sent === count) {
          controller.enqueue(encoder.encode("</vms>"));
          controller.close();
          return;
        }
        const end = Math.min(count, sent + 1000);
        let chunk = "";
        for (; sent < end; sent++) chunk += `<vm id="${sent}"><name>vm${sent}</name></vm>`;
        controller.enqueue(encoder.encode(chunk));
      },
    });
    return new Response(stream, { headers: { "Content-Type": "application/xml" } });
  });
  const vms = await setup.system.vmsService().list();
  assert.equal(vms.length, count);
  assert.equal(vms[count - 1].name, `vm${count - 1}`);
});

Deno.test("add: posts the object, accepts 200, 201 and 202", async () => {
  let status = 201;
  await using setup = await setUp(() => xml("<vm id='9'><name>web</name></vm>", status));
  const vms = setup.system.vmsService();
  for (status of [200, 201, 202]) {
    const vm = await vms.add({ name: "web", cluster: { name: "Default" } }, { clone: true });
    assert.equal(vm.id, "9");
  }
  const last = setup.last();
  assert.equal(last.method, "POST");
  assert.equal(last.path, "/ovirt-engine/api/vms?clone=true");
  assert.equal(last.body, "<vm><name>web</name><cluster><name>Default</name></cluster></vm>");
});

Deno.test("add: a list main parameter is sent as its list document", async () => {
  await using setup = await setUp(() => xml("<bricks><brick id='b1'/></bricks>", 201));
  const bricks = await setup.system.clustersService().clusterService("c").glusterVolumesService()
    .volumeService("v").glusterBricksService().add([{ name: "b1" }], { replicaCount: 2 });
  assert.deepEqual(bricks.map((brick) => brick.id), ["b1"]);
  const last = setup.last();
  assert.equal(
    last.path,
    "/ovirt-engine/api/clusters/c/glustervolumes/v/glusterbricks?replica_count=2",
  );
  assert.equal(last.body, "<bricks><brick><name>b1</name></brick></bricks>");
});

Deno.test("update: puts the members that are set", async () => {
  await using setup = await setUp(() => xml("<vm id='7'><memory>2048</memory></vm>"));
  const vm = await setup.system.vmsService().vmService("7").update({ memory: 2048 }, {
    nextRun: true,
  });
  assert.equal(vm.memory, 2048);
  assert.deepEqual(setup.last(), {
    method: "PUT",
    path: "/ovirt-engine/api/vms/7?next_run=true",
    body: "<vm><memory>2048</memory></vm>",
  });
});

Deno.test("remove: 200 with or without <action>, 202 and 204 resolve to undefined", async () => {
  const answers = [
    () => xml("<action><status>complete</status></action>"),
    () => new Response(null, { status: 200 }),
    () => new Response(null, { status: 202 }),
    () => new Response(null, { status: 204 }),
  ];
  let answer = answers[0];
  await using setup = await setUp(() => answer());
  const vm = setup.system.vmsService().vmService("7");
  for (answer of answers) assert.equal(await vm.remove({ force: true }), undefined);
  assert.equal(setup.last().method, "DELETE");
  assert.equal(setup.last().path, "/ovirt-engine/api/vms/7?force=true");
});

Deno.test("remove and actions: a 200 whose body is not XML is no success", async () => {
  // What a proxy's or an SSO portal's page looks like when it answers in the engine's place.
  const pages = [
    () =>
      new Response("<html><body>Log in</body></html>", {
        headers: { "Content-Type": "text/html" },
      }),
    () => new Response("gone", { headers: { "Content-Type": "text/plain" } }),
    () => new Response('{"ok":true}', { headers: { "Content-Type": "application/json" } }),
  ];
  let answer = pages[0];
  await using setup = await setUp(() => answer());
  const vm = setup.system.vmsService().vmService("7");
  for (answer of pages) {
    for (const call of [() => vm.remove(), () => vm.start(), () => vm.stop()]) {
      await assert.rejects(call(), (error) => {
        assert.ok(error instanceof OvirtError, String(error));
        assert.match(error.message, /not the XML of the oVirt API/);
        return true;
      });
    }
  }
});

Deno.test("remove: an <action> holding a fault is an error", async () => {
  await using setup = await setUp(() =>
    xml(
      "<action><fault><reason>Operation Failed</reason><detail>[VM is locked]</detail></fault>" +
        "<status>failed</status></action>",
    )
  );
  await assert.rejects(setup.system.vmsService().vmService("7").remove(), /VM is locked/);
});

Deno.test("action: without parameters sends <action/>, resolves to undefined", async () => {
  await using setup = await setUp(() => xml("<action><status>complete</status></action>"));
  assert.equal(await setup.system.vmsService().vmService("7").stop(), undefined);
  assert.deepEqual(setup.last(), {
    method: "POST",
    path: "/ovirt-engine/api/vms/7/stop",
    body: "<action/>",
  });
});

Deno.test("action: parameters go into the <action> body", async () => {
  await using setup = await setUp(() => xml("<action><status>complete</status></action>", 202));
  await setup.system.vmsService().vmService("7").start({
    useCloudInit: true,
    vm: { initialization: { hostName: "web01" } },
    query: { correlation_id: "c1" },
  });
  const last = setup.last();
  assert.equal(last.path, "/ovirt-engine/api/vms/7/start?correlation_id=c1");
  assert.match(last.body!, /^<action>.*<\/action>$/);
  assert.match(last.body!, /<use_cloud_init>true<\/use_cloud_init>/);
  assert.match(
    last.body!,
    /<vm><initialization><host_name>web01<\/host_name><\/initialization><\/vm>/,
  );
});

Deno.test("action: a signature sends its parent's request", async () => {
  await using setup = await setUp(() => xml("<action><status>complete</status></action>"));
  await setup.system.vmsService().vmService("7").exportToPathOnHost({
    host: { id: "h1" },
    directory: "/tmp",
  });
  assert.equal(setup.last().path, "/ovirt-engine/api/vms/7/export");
});

Deno.test("action: resolves to its output", async () => {
  let answer = "<action><is_attached>true</is_attached><status>complete</status></action>";
  await using setup = await setUp(() => xml(answer));
  const domain = setup.system.storageDomainsService().storageDomainService("s1");
  assert.equal(await domain.isAttached(), true);
  assert.equal(setup.last().path, "/ovirt-engine/api/storagedomains/s1/isattached");
  const host = setup.system.hostsService().hostService("h1");
  answer = "<action><iscsi_targets><iscsi_target>iqn.a</iscsi_target>" +
    "<iscsi_target>iqn.b</iscsi_target></iscsi_targets></action>";
  assert.deepEqual(await host.iscsiDiscover(), ["iqn.a", "iqn.b"]);
  answer = "<action><status>complete</status></action>";
  assert.deepEqual(await host.iscsiDiscover(), [], "a missing list output is []");
});

Deno.test("action: an answer without the yes or no the action asks for is refused", async () => {
  let answer: string | null = "<action><status>complete</status></action>";
  await using setup = await setUp(() => answer === null ? new Response(null) : xml(answer));
  const domain = setup.system.storageDomainsService().storageDomainService("s1");
  const attached: boolean = await domain.isAttached().then(
    () => assert.fail("resolved without an answer"),
    (error) => {
      assert.ok(error instanceof OvirtError, String(error));
      assert.equal(
        error.message,
        `HTTP 200 OK from POST ${setup.engine.url}/storagedomains/s1/isattached holds no ` +
          "<is_attached>, " +
          "the answer the action asks for",
      );
      return false;
    },
  );
  assert.equal(attached, false);
  answer = null; // an empty answer
  await assert.rejects(domain.isAttached(), /holds no <is_attached>/);
  answer = "<action><is_attached>false</is_attached><status>complete</status></action>";
  const answered: boolean = await domain.isAttached(); // typed a boolean, as api.md says
  assert.equal(answered, false);
});

Deno.test("action: an empty answer is fine without an output", async () => {
  await using setup = await setUp(() => new Response(null, { status: 200 }));
  assert.equal(await setup.system.vmsService().vmService("7").start(), undefined);
  const host = setup.system.hostsService().hostService("h1");
  assert.deepEqual(await host.iscsiDiscover(), []);
});

Deno.test("query: values are written as the protocol says", async () => {
  await using setup = await setUp(() => xml("<vms/>"));
  await setup.system.vmsService().list({ max: 0, caseSensitive: true, search: "" });
  assert.equal(setup.last().path, "/ovirt-engine/api/vms?case_sensitive=true&max=0&search=");
});

Deno.test("query: a value that does not fit its parameter is refused before anything is sent", async () => {
  await using setup = await setUp(() => xml("<vms/>"));
  const vms = setup.system.vmsService();
  const vm = vms.vmService("7");
  // deno-lint-ignore no-explicit-any -- what a JavaScript caller, or a parsed config, may pass
  const loose = (options: Record<string, unknown>) => options as any;
  const refusals: [() => Promise<unknown>, RegExp][] = [
    [() => vms.list(loose({ max: 1.5 })), /^The parameter "max" needs an integer, got 1\.5$/],
    [() => vms.list(loose({ max: "10" })), /^The parameter "max" needs an integer, got "10"$/],
    [() => vms.list(loose({ max: NaN })), /^The parameter "max" needs an integer, got NaN$/],
    // the engine would read "1" as false: the VM removed without force
    [() => vm.remove(loose({ force: 1 })), /^The parameter "force" needs a boolean, got 1$/],
    [() => vms.list(loose({ search: 5 })), /^The parameter "search" needs a string, got 5$/],
    [() => vms.list({ search: "name=\ud800" }), /"search" holds a lone surrogate/],
  ];
  for (const [call, message] of refusals) {
    await assert.rejects(call(), (error) => {
      assert.ok(error instanceof OvirtError, String(error));
      assert.match(error.message, message);
      return true;
    });
  }
  assert.equal(setup.engine.requests.length, 0);
  await vms.list({ max: 10n as unknown as number, search: "name=wéb" });
  assert.equal(setup.last().path, "/ovirt-engine/api/vms?max=10&search=name%3Dw%C3%A9b");
  await vms.list(loose({ max: null, search: null })); // null is absent, as in a body
  assert.equal(setup.last().path, "/ovirt-engine/api/vms");
});

Deno.test("an answer without a type that is not XML: the error names the request", async () => {
  // A body of bytes: no Content-Type at all.
  await using setup = await setUp(() => new Response(new TextEncoder().encode("OK")));
  const vm = setup.system.vmsService().vmService("7");
  for (const [call, method] of [[() => vm.remove(), "DELETE"], [() => vm.get(), "GET"]] as const) {
    await assert.rejects(call(), (error) => {
      assert.ok(error instanceof OvirtError, String(error));
      assert.match(
        error.message,
        new RegExp(
          `^HTTP 200 OK from ${method} http://\\S+/ovirt-engine/api/vms/7 cannot be read: `,
        ),
      );
      return true;
    });
  }
});

Deno.test("add: an engine answering with a completed <action> resolves to what was sent", async () => {
  let status = "complete";
  await using setup = await setUp(() => xml(`<action><status>${status}</status></action>`));
  const hosts = setup.system.clustersService().clusterService("c").affinityGroupsService()
    .groupService("g").hostsService();
  const sent = { id: "h1" };
  assert.equal(await hosts.add(sent), sent);
  assert.deepEqual(setup.last(), {
    method: "POST",
    path: "/ovirt-engine/api/clusters/c/affinitygroups/g/hosts",
    body: '<host id="h1"/>',
  });
  status = "failed";
  await assert.rejects(hosts.add(sent), /reports the addition failed/);
});

Deno.test("actions: parameters the engine reads from the query are sent there too", async () => {
  await using setup = await setUp(() => xml("<action><status>complete</status></action>"));
  const host = setup.system.hostsService().hostService("h");
  await host.setupNetworks({ async: true, checkConnectivity: false });
  assert.equal(setup.last().path, "/ovirt-engine/api/hosts/h/setupnetworks?async=true");
  assert.match(setup.last().body!, /<async>true<\/async>/);
  await setup.system.vmsService().vmService("v").start({ filter: true });
  assert.equal(setup.last().path, "/ovirt-engine/api/vms/v/start?filter=true");
  await host.deactivate({ stopGlusterService: true, query: { x: "1" } });
  assert.equal(
    setup.last().path,
    "/ovirt-engine/api/hosts/h/deactivate?stop_gluster_service=true&x=1",
  );
  const vm = setup.system.storageDomainsService().storageDomainService("sd").vmsService()
    .vmService("v");
  await vm.import({ collapseSnapshots: true, cluster: { name: "c" } });
  assert.equal(
    setup.last().path,
    "/ovirt-engine/api/storagedomains/sd/vms/v/import?collapse_snapshots=true",
  );
  assert.match(setup.last().body!, /<collapse_snapshots>true<\/collapse_snapshots>/);
});

Deno.test("actions: an answer that is the output's own document is the output", async () => {
  let answer = "<gluster_volume_profile_details><brick_profile_details/>" +
    "</gluster_volume_profile_details>";
  await using setup = await setUp(() => xml(answer));
  const volume = setup.system.clustersService().clusterService("c").glusterVolumesService()
    .volumeService("v");
  assert.deepEqual(await volume.getProfileStatistics(), { brickProfileDetails: [] });
  answer = "<host id='1'/>";
  await assert.rejects(volume.getProfileStatistics(), /unexpected <host> document/);
});

Deno.test("remove: a list parameter goes in an <action> body of the DELETE", async () => {
  await using setup = await setUp(() => new Response(null, { status: 200 }));
  const bricks = setup.system.clustersService().clusterService("c").glusterVolumesService()
    .volumeService("v").glusterBricksService();
  await bricks.remove({ bricks: [{ name: "host1:/b1" }], replicaCount: 2 });
  const request = setup.engine.requests.at(-1)!;
  assert.equal(request.headers.get("content-type"), "application/xml");
  assert.deepEqual(setup.last(), {
    method: "DELETE",
    path: "/ovirt-engine/api/clusters/c/glustervolumes/v/glusterbricks?replica_count=2",
    body: "<action><bricks><brick><name>host1:/b1</name></brick></bricks></action>",
  });
});

Deno.test("options: a name that is no parameter is refused before anything is sent", async () => {
  await using setup = await setUp(() => xml("<action><status>complete</status></action>"));
  const vm = setup.system.vmsService().vmService("v");
  const sent = setup.engine.requests.length;
  for (
    const [call, refused] of [
      [() => vm.remove({ detach_only: true } as object), /"detach_only" .* "detachOnly"/],
      [() => vm.shutdown({ Force: true } as object), /"Force" .* "force"/],
      [() => vm.remove({ detachOnyl: true } as object), /"detachOnyl" .* "detachOnly"/],
      [() => vm.get({ header: {} } as object), /"header" .* "headers"/],
      [() => vm.get({ nextrun: true } as object), /"nextrun" .* "nextRun"/],
      [
        () => vm.start({ bogus: 1 } as object),
        /"bogus" is not an option of the start action at \/vms\/v$/,
      ],
    ] as const
  ) {
    await assert.rejects(call(), refused);
  }
  assert.equal(setup.engine.requests.length, sent, "nothing was sent");
  await vm.remove({ detachOnly: true, force: undefined, correlationId: "a-1" });
});
