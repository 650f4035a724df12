import assert from "node:assert/strict";
import { Connection, fromXml, type types } from "../mod.ts";
import { ConnectionError, OvirtError, TimeoutError } from "../transport/errors.ts";
import { SDK_VERSION } from "../transport/version.ts";
import { PASSWORD, startFakeEngine, USERNAME, xml } from "./http_fake_engine.ts";

/** A fake engine answering every API request with `body`, and a connection to it. */
async function setUp(body = "<vm id='1'/>", headers: Record<string, string> = {}) {
  const engine = await startFakeEngine({ api: () => xml(body) });
  const connection = new Connection({
    url: engine.url,
    username: USERNAME,
    password: PASSWORD,
    headers,
  });
  return {
    engine,
    connection,
    /** The last API request the engine got. */
    last: () => engine.requests.at(-1)!,
    async [Symbol.asyncDispose]() {
      await connection.close();
      await engine.close();
    },
  };
}

Deno.test("headers: the defaults of every API request", async () => {
  await using setup = await setUp();
  await setup.connection.systemService().vmsService().vmService("1").get();
  const headers = setup.last().headers;
  assert.equal(headers.get("version"), "4");
  assert.equal(headers.get("accept"), "application/xml");
  assert.equal(headers.get("user-agent"), `ovirt-sdk-deno/${SDK_VERSION}`);
  assert.match(headers.get("authorization")!, /^Bearer token-1-/);
  assert.equal(headers.get("content-type"), null, "no Content-Type without a body");
  assert.equal(headers.get("all-content"), null);
});

Deno.test("headers: Content-Type on bodies; connection headers lose to call headers", async () => {
  await using setup = await setUp("<vm id='1'/>", { "X-Site": "a", "X-Both": "connection" });
  const vms = setup.connection.systemService().vmsService();
  await vms.add({ name: "web" }, { headers: { "X-Both": "call" } });
  const request = setup.last();
  assert.equal(request.method, "POST");
  assert.equal(request.headers.get("content-type"), "application/xml");
  assert.equal(request.headers.get("x-site"), "a");
  assert.equal(request.headers.get("x-both"), "call");
  assert.match(setup.engine.bodies.at(-1)!, /^<vm>.*<\/vm>$/s);
});

for (const [transport, extra] of [["fetch", {}], ["node:http", { insecure: true }]] as const) {
  Deno.test(`headers (${transport}): a name replaces the same name in any case; the token wins`, async () => {
    await using engine = await startFakeEngine({ api: () => xml("<vm id='1'/>") });
    await using connection = new Connection({
      url: engine.url,
      username: USERNAME,
      password: PASSWORD,
      headers: { "x-both": "connection", "ACCEPT": "application/xml; q=1" },
      ...extra,
    });
    await connection.systemService().vmsService().vmService("1").get({
      headers: { "X-BOTH": "call", "Authorization": "Basic not-the-token" },
      correlationId: "job-7",
    });
    const headers = engine.requests.at(-1)!.headers;
    assert.equal(headers.get("x-both"), "call");
    assert.equal(headers.get("accept"), "application/xml; q=1");
    assert.equal(headers.get("correlation-id"), "job-7");
    assert.match(headers.get("authorization")!, /^Bearer token-1-/, "the token always wins");
  });
}

Deno.test("query: model parameters by wire name, sorted, with the call's query", async () => {
  await using setup = await setUp("<vms/>");
  const vms = setup.connection.systemService().vmsService();
  await vms.list({
    search: "name=web* and status=up",
    max: 10,
    caseSensitive: false,
    follow: "nics,disk_attachments.disk",
    query: { correlation_id: "abc" },
  });
  const url = new URL(setup.last().url);
  assert.equal(url.pathname, "/ovirt-engine/api/vms");
  assert.deepEqual([...url.searchParams.keys()], [
    "case_sensitive",
    "correlation_id",
    "follow",
    "max",
    "search",
  ]);
  assert.equal(url.searchParams.get("search"), "name=web* and status=up");
  assert.equal(url.searchParams.get("case_sensitive"), "false");
  assert.equal(url.searchParams.get("max"), "10");
  assert.ok(url.search.includes("search=name%3Dweb*%20and%20status%3Dup"));
});

Deno.test("query: all_content=true is mirrored in the All-Content header", async () => {
  await using setup = await setUp("<vms/>");
  const vms = setup.connection.systemService().vmsService();
  await vms.list({ allContent: true });
  assert.equal(new URL(setup.last().url).searchParams.get("all_content"), "true");
  assert.equal(setup.last().headers.get("all-content"), "true");
  await vms.list({ allContent: false });
  assert.equal(setup.last().headers.get("all-content"), null);
  await vms.list({ allContent: true, query: { a: "1", zz: "2" } });
  assert.equal(setup.last().headers.get("all-content"), "true", "between other parameters");
  await vms.list({ query: { recall_content: "true", all_content: "truest" } });
  assert.equal(setup.last().headers.get("all-content"), null, "only all_content=true itself");
});

Deno.test("query: a remove sends its parameters as the query of a DELETE", async () => {
  await using setup = await setUp("");
  await setup.connection.systemService().vmsService().vmService("7").diskAttachmentsService()
    .attachmentService("d9").remove({ detachOnly: true });
  const request = setup.last();
  assert.equal(request.method, "DELETE");
  const url = new URL(request.url);
  assert.equal(url.pathname, "/ovirt-engine/api/vms/7/diskattachments/d9");
  assert.equal(url.search, "?detach_only=true");
});

Deno.test("paths: identifiers are percent-encoded and stay below their collection", async () => {
  await using setup = await setUp();
  const vms = setup.connection.systemService().vmsService();
  await vms.vmService("../hosts").get();
  assert.equal(new URL(setup.last().url).pathname, "/ovirt-engine/api/vms/..%2Fhosts");
  await vms.vmService("a b/c?d#e").get();
  assert.equal(new URL(setup.last().url).pathname, "/ovirt-engine/api/vms/a%20b%2Fc%3Fd%23e");
  assert.throws(() => vms.vmService(".."), /Invalid identifier/);
  // An id that is no string (a missing member read from an object) never becomes "undefined".
  for (const [id, told] of [[undefined, "undefined"], [null, "null"], [7, "a number"]] as const) {
    assert.throws(
      () => vms.vmService(id as unknown as string),
      new RegExp(`An identifier below "/vms" must be a string, not ${told}$`),
    );
  }
});

Deno.test("fromXml: the caller names the type the document holds", () => {
  const vm: types.Vm = fromXml("<vm id='1'><name>a</name></vm>");
  assert.equal(vm.name, "a");
  const vms = fromXml<types.Vm[]>("<vms><vm id='2'/></vms>");
  assert.equal(vms[0].id, "2");
});

Deno.test("paths: an action posts to its segment below the service", async () => {
  await using setup = await setUp("<action><status>complete</status></action>");
  await setup.connection.systemService().vmsService().vmService("7").start();
  const request = setup.last();
  assert.equal(request.method, "POST");
  assert.equal(new URL(request.url).pathname, "/ovirt-engine/api/vms/7/start");
  assert.equal(request.headers.get("content-type"), "application/xml");
});

Deno.test("version: SDK_VERSION matches deno.json", async () => {
  const config = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url)));
  assert.equal(SDK_VERSION, config.version);
});

Deno.test("query: connection-level parameters on every API request; the call's own win", async () => {
  const engine = await startFakeEngine({ api: () => xml("<vms/>") });
  await using connection = new Connection({
    url: engine.url,
    username: USERNAME,
    password: PASSWORD,
    query: { correlation_id: "batch-7", max: "5" },
  });
  try {
    const vms = connection.systemService().vmsService();
    await vms.list();
    const first = new URL(engine.requests.at(-1)!.url);
    assert.equal(first.searchParams.get("correlation_id"), "batch-7");
    assert.equal(first.searchParams.get("max"), "5");
    await vms.list({ max: 2, query: { correlation_id: "call" } });
    const second = new URL(engine.requests.at(-1)!.url);
    assert.equal(second.searchParams.get("max"), "2");
    assert.equal(second.searchParams.get("correlation_id"), "call");
  } finally {
    await connection.close();
    await engine.close();
  }
});

Deno.test("transferRequest: a network failure never shows the transfer URL's ticket", async () => {
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (probe.addr as Deno.NetAddr).port;
  probe.close();
  const lines: string[] = [];
  await using connection = new Connection({
    url: `http://127.0.0.1:${port}/ovirt-engine/api`,
    token: "t",
    debug: true,
    log: (line) => lines.push(line),
  });
  const ticket = "0b2c7e3a-ticket-9f1d";
  await assert.rejects(
    connection.transferRequest({ method: "GET", url: `http://127.0.0.1:${port}/images/${ticket}` }),
    (error: Error) => {
      assert.ok(error instanceof ConnectionError);
      for (let current: unknown = error; current instanceof Error; current = current.cause) {
        assert.ok(!current.message.includes(ticket), `leaked in ${current.message}`);
      }
      return true;
    },
  );
  assert.ok(!lines.join("\n").includes(ticket), "nor the debug log");
});

for (const timeout of [undefined, 60_000]) {
  Deno.test(`transferRequest: the caller's abort stops the body too (timeout ${timeout})`, async () => {
    const chunk = new Uint8Array(64 * 1024);
    await using server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, () => {
      let timer: ReturnType<typeof setInterval>;
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          timer = setInterval(() => controller.enqueue(chunk), 20); // for ever
        },
        cancel() {
          clearInterval(timer);
        },
      });
      return new Response(body);
    });
    await using connection = new Connection({
      url: `http://127.0.0.1:${server.addr.port}/ovirt-engine/api`,
      token: "t",
      ...(timeout ? { timeout } : {}),
    });
    const controller = new AbortController();
    const response = await connection.transferRequest({
      method: "GET",
      url: `http://127.0.0.1:${server.addr.port}/images/ticket`,
      signal: controller.signal,
    });
    const reader = response.body!.getReader();
    assert.ok((await reader.read()).value, "the body flows");
    controller.abort(new Error("stopped by the operator"));
    const stopped = performance.now();
    let failure: unknown;
    try {
      // The body must stop; it flows for ever otherwise (given up here after 2 s).
      while (!(await reader.read()).done && performance.now() - stopped < 2_000) { /* on */ }
    } catch (error) {
      failure = error;
    }
    const took = performance.now() - stopped;
    await reader.cancel().catch(() => {}); // lets the server end
    assert.ok(failure !== undefined, "the body went on after the abort");
    assert.ok(took < 1_000, `${took} ms`);
  });
}

Deno.test("correlation: the id sent is the one the error names, however it was given", async () => {
  const fault = "<fault><reason>Operation Failed</reason><detail>[busy]</detail></fault>";
  await using engine = await startFakeEngine({
    api: () => new Response(fault, { status: 409, headers: { "content-type": "application/xml" } }),
  });
  const cases: [options: object, call: object, expected: string][] = [
    [
      { headers: { "Correlation-Id": "conn-header" } },
      { correlationId: "call-option" },
      "call-option",
    ],
    [
      { correlationId: "conn-option" },
      { headers: { "correlation-id": "call-header" } },
      "call-header",
    ],
    [{ headers: { "CORRELATION-ID": "conn-header" } }, {}, "conn-header"],
    [{ headers: { "Correlation-Id": "conn-header" }, correlationId: () => "made" }, {}, "made"],
  ];
  for (const [options, call, expected] of cases) {
    await using connection = new Connection({
      url: engine.url,
      username: USERNAME,
      password: PASSWORD,
      retry: false,
      ...options,
    });
    await assert.rejects(
      connection.systemService().vmsService().vmService("1").start(call),
      (error: { correlationId?: string; message: string }) => {
        assert.equal(error.correlationId, expected);
        assert.match(error.message, new RegExp(`\\[correlation id ${expected}\\]`));
        return true;
      },
    );
    assert.equal(engine.requests.at(-1)!.headers.get("correlation-id"), expected);
  }
});

Deno.test("correlation: an id the engine would change is refused before anything is sent", async () => {
  await using engine = await startFakeEngine({ api: () => xml("<vm id='1'/>") });
  const options = { url: engine.url, username: USERNAME, password: PASSWORD };
  assert.throws(
    () => new Connection({ ...options, headers: { "Correlation-Id": "nightly run" } }),
    /headers "Correlation-Id" option "nightly run" is not one the engine keeps as it is/,
  );
  assert.throws(
    () => new Connection({ ...options, correlationId: "x".repeat(37) }),
    /correlationId option "x{37}" is not one the engine keeps/,
  );
  await using connection = new Connection({
    ...options,
    correlationId: () => `nightly-${crypto.randomUUID()}`, // 44 characters: cut by the engine
  });
  const vm = connection.systemService().vmsService().vmService("1");
  for (
    const call of [
      () => vm.get(),
      () => vm.get({ correlationId: "a/b" }),
      () => vm.get({ headers: { "Correlation-Id": "é" } }),
    ]
  ) {
    await assert.rejects(call(), (error: Error) => {
      assert.ok(error instanceof OvirtError, String(error));
      assert.match(error.message, /is not one the engine keeps as it is \(1 to 36 of/);
      return true;
    });
  }
  assert.equal(engine.requests.length, 0);
});

Deno.test("signal: AbortSignal.timeout() is a TimeoutError, another abort an OvirtError", async () => {
  await using engine = await startFakeEngine({
    api: () => new Promise<Response>((resolve) => setTimeout(() => resolve(xml("<vms/>")), 400)),
  });
  const options = {
    url: engine.url,
    username: USERNAME,
    password: PASSWORD,
    retry: false as const,
  };
  await using connection = new Connection(options);
  const vms = connection.systemService().vmsService();
  await assert.rejects(vms.list({ signal: AbortSignal.timeout(50) }), (error) => {
    assert.ok(error instanceof TimeoutError, String(error));
    assert.equal((error.cause as DOMException).name, "TimeoutError");
    return true;
  });
  const controller = new AbortController();
  setTimeout(() => controller.abort("stop"), 50);
  await assert.rejects(vms.list({ signal: controller.signal }), (error) => {
    assert.ok(error instanceof OvirtError && !(error instanceof TimeoutError), String(error));
    assert.equal(error.message, "The request was aborted");
    assert.equal(error.cause, "stop");
    return true;
  });
});
