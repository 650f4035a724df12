/**
 * Successful statuses whose answer says the engine did not do what was asked, or did it
 * without sending the result: the error says what the engine did, and names the request
 * the same way whatever the method (`list()` or `listStream()`).
 */
import assert from "node:assert/strict";
import { Connection, OvirtError } from "../mod.ts";
import { type ApiContext, PASSWORD, startFakeEngine, USERNAME } from "./http_fake_engine.ts";

/** A fake engine answering API requests with `answer`, and a connection to it. */
async function setUp(answer: (request: Request, context: ApiContext) => Response) {
  const engine = await startFakeEngine({ api: answer });
  const connection = new Connection({
    url: engine.url,
    username: USERNAME,
    password: PASSWORD,
    correlationId: "c-1",
  });
  return {
    engine,
    system: connection.systemService(),
    async [Symbol.asyncDispose]() {
      await connection.close();
      await engine.close();
    },
  };
}

/** The error `call` rejects with, which must be an {@link OvirtError}. */
async function failure(call: () => Promise<unknown>): Promise<OvirtError> {
  try {
    await call();
  } catch (error) {
    assert.ok(error instanceof OvirtError, String(error));
    return error;
  }
  assert.fail("the call resolved");
}

Deno.test("errors of a successful status name the request as errors of a failed one do", async () => {
  let status = 500;
  await using setup = await setUp(() => new Response(null, { status }));
  const vms = setup.system.vmsService();
  const request = (error: OvirtError) =>
    /HTTP \d+ [A-Z][\w ]+ from (GET [^\s)]+)/.exec(error.message);
  const refused = request(await failure(() => vms.list({ search: "name=a*" })));
  status = 200;
  const empty = request(await failure(() => vms.list({ search: "name=a*" })));
  assert.ok(refused && empty);
  assert.equal(empty[1], refused[1]);
  assert.doesNotMatch(empty[1], /search/, "without the query, as refusals");
});
