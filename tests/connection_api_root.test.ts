import assert from "node:assert/strict";
import { Connection } from "../mod.ts";
import { OvirtError } from "../transport/errors.ts";
import { startSimulator } from "../testing/mod.ts";
import { PASSWORD, startFakeEngine, USERNAME, xml } from "./http_fake_engine.ts";

const PORTAL = "<html><head><title>oVirt</title></head><body>Welcome</body></html>";

Deno.test("test(): a 200 HTML page (a proxy's, a portal's) is not the engine", async () => {
  await using engine = await startFakeEngine({
    api: () => new Response(PORTAL, { headers: { "Content-Type": "text/html" } }),
  });
  await using connection = new Connection({
    url: engine.url,
    username: USERNAME,
    password: PASSWORD,
  });
  assert.equal(await connection.test(), false);
  await assert.rejects(connection.test(true), (error) => {
    assert.ok(error instanceof OvirtError);
    assert.match(error.message, /is a text\/html body, not the API root document <api>/);
    return true;
  });
});

Deno.test("test(): another XML document at the URL is not the API root either", async () => {
  await using engine = await startFakeEngine({ api: () => xml("<vms/>") });
  await using connection = new Connection({
    url: engine.url,
    username: USERNAME,
    password: PASSWORD,
  });
  await assert.rejects(connection.test(true), /a <vms> document, not the API root/);
});

Deno.test("engineVersion(): read from the API root once, then remembered", async () => {
  await using simulator = await startSimulator({ delay: 0 });
  await using connection = new Connection({
    url: simulator.url,
    username: simulator.username,
    password: simulator.password,
  });
  assert.equal(await connection.test(), true);
  const before = simulator.requestCount;
  const version = await connection.engineVersion();
  assert.equal(typeof version.major, "number");
  assert.equal(typeof version.minor, "number");
  assert.match(version.fullVersion ?? "", /^\d+\.\d+/);
  assert.deepEqual(await connection.engineVersion(), version);
  assert.equal(simulator.requestCount - before, 1, "asked once");
});
