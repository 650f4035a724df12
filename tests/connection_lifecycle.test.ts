import assert from "node:assert/strict";
import { Connection } from "../mod.ts";
import { OvirtError } from "../transport/errors.ts";
import { PASSWORD, startFakeEngine, USERNAME, xml } from "./http_fake_engine.ts";

Deno.test("constructor: sends nothing, and needs a URL and credentials", async () => {
  await using engine = await startFakeEngine();
  const connection = new Connection({ url: engine.url, username: USERNAME, password: PASSWORD });
  connection.systemService().vmsService().vmService("1");
  await connection.close();
  assert.equal(engine.logins.length + engine.requests.length + engine.logouts.length, 0);
  assert.throws(() => new Connection({ url: "not a url", token: "t" }), OvirtError);
  assert.throws(() => new Connection({ url: engine.url, username: USERNAME }), /password/);
  const unlimited = new Connection({ url: engine.url, token: "t", timeout: 0, connections: 0 });
  await unlimited.close(false);
  for (const timeout of [-1, Number.NaN, Infinity, 2 ** 31, "10" as unknown as number]) {
    assert.throws(
      () => new Connection({ url: engine.url, token: "t", timeout }),
      (error: Error) => error instanceof OvirtError && /The timeout option/.test(error.message),
    );
  }
});

Deno.test("close: a closed connection rejects further calls", async () => {
  await using engine = await startFakeEngine({ api: () => xml("<vms/>") });
  const connection = new Connection({ url: engine.url, username: USERNAME, password: PASSWORD });
  const vms = connection.systemService().vmsService();
  assert.deepEqual(await vms.list(), []);
  await connection.close();
  await connection.close();
  const closed = /The connection is closed/;
  await assert.rejects(vms.list(), closed);
  await assert.rejects(connection.systemService().get(), closed);
  await assert.rejects(connection.authenticate(), closed);
  await assert.rejects(connection.test(), closed);
  await assert.rejects(connection.followLink({ href: "/ovirt-engine/api/vms/1" }), closed);
  assert.equal(engine.requests.length, 1);
});

Deno.test("close: await using closes and logs out", async () => {
  await using engine = await startFakeEngine();
  {
    await using connection = new Connection({
      url: engine.url,
      username: USERNAME,
      password: PASSWORD,
    });
    assert.equal(await connection.test(), true);
  }
  assert.equal(engine.logouts.length, 1);
});

Deno.test("close: a failed logout still closes the connection", async () => {
  await using engine = await startFakeEngine();
  const lines: string[] = [];
  const connection = new Connection({
    url: engine.url,
    username: USERNAME,
    password: PASSWORD,
    ssoRevokeUrl: `${engine.origin}/nowhere`,
    debug: true,
    log: (line) => lines.push(line),
  });
  await connection.authenticate();
  await connection.close();
  await assert.rejects(connection.test(), /closed/);
  assert.ok(lines.some((line) => line.includes("Logout failed")));
});

Deno.test("test: true with good credentials, false or the error otherwise", async () => {
  await using engine = await startFakeEngine();
  await using good = new Connection({ url: engine.url, username: USERNAME, password: PASSWORD });
  assert.equal(await good.test(), true);
  await using bad = new Connection({ url: engine.url, username: USERNAME, password: "wrong" });
  assert.equal(await bad.test(), false);
  await assert.rejects(bad.test(true), /incorrect/);
  assert.equal(new URL(engine.requests[0].url).pathname, "/ovirt-engine/api");
});

Deno.test("service: walks the tree one segment at a time", async () => {
  await using engine = await startFakeEngine({ api: () => xml("<nic id='n'/>") });
  await using connection = new Connection({
    url: engine.url,
    username: USERNAME,
    password: PASSWORD,
  });
  const service = connection.service("vms/123/nics/n%2F1");
  assert.equal(service.path, "vms/123/nics/n%2F1");
  assert.equal(connection.service("").path, "");
  assert.equal(connection.service("/vms/").path, "vms");
  assert.throws(() => connection.service("nosuchthing"), OvirtError);
});

Deno.test("isLink: anything with an href", async () => {
  await using connection = new Connection({ url: "https://e/ovirt-engine/api", token: "t" });
  assert.equal(connection.isLink({ href: "/ovirt-engine/api/vms/1", id: "1" }), true);
  assert.equal(
    connection.isLink(Object.assign([], { href: "/ovirt-engine/api/vms/1/nics" })),
    true,
  );
  assert.equal(connection.isLink({ id: "1" }), false);
  assert.equal(connection.isLink([]), false);
  assert.equal(connection.isLink(undefined), false);
  assert.equal(connection.isLink("x"), false);
});

Deno.test("followLink: get() for an object, list() for a list", async () => {
  await using engine = await startFakeEngine({
    api: (_request, { path }) => {
      if (path === "vms/7/diskattachments") {
        return xml(
          "<disk_attachments><disk_attachment id='d9'>" +
            "<disk href='/ovirt-engine/api/disks/d9' id='d9'/></disk_attachment></disk_attachments>",
        );
      }
      if (path === "disks/d9") return xml("<disk id='d9'><name>root</name></disk>");
      return new Response("", { status: 404 });
    },
  });
  await using connection = new Connection({
    url: engine.url,
    username: USERNAME,
    password: PASSWORD,
  });
  const attachments = await connection.followLink(
    Object.assign([], { href: "/ovirt-engine/api/vms/7/diskattachments" }),
  );
  assert.equal(attachments.length, 1);
  const [attachment] = attachments as { disk?: { href?: string; id?: string } }[];
  const disk = await connection.followLink(attachment.disk!);
  assert.equal((disk as { name?: string }).name, "root");
  await assert.rejects(
    connection.followLink({ href: "/elsewhere/vms/1" }),
    /not below the API root/,
  );
  const noHref: { id: string; href?: string } = { id: "1" };
  await assert.rejects(connection.followLink(noHref), /without an href/);
  // service() takes an href too, the same as the path relative to the API root.
  for (const path of ["disks/d9", "/disks/d9", attachment.disk!.href!]) {
    const service = connection.service(path) as unknown as { get(): Promise<{ name?: string }> };
    assert.equal((await service.get()).name, "root", path);
  }
  assert.throws(() => connection.service("/elsewhere/vms/1"), /no service "elsewhere"/);
  // The API root's own href, with or without its final slash, is the system service.
  assert.equal(connection.service("/ovirt-engine/api").path, "");
  assert.equal(connection.service("/ovirt-engine/api/").path, "");
});
