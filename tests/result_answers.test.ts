/**
 * Successful statuses whose answer says the engine did not do what was asked, or did it
 * without sending the result: the error says what the engine did, and names the request
 * the same way whatever the method (`list()` or `listStream()`).
 */
import assert from "node:assert/strict";
import { Connection, listStream, OvirtError, type VmsService } from "../mod.ts";
import { EXIT, exitCodeOf } from "../cli/errors.ts";
import { cliHome, oneErrorLine, ovirt } from "./cli_harness.ts";
import { type ApiContext, PASSWORD, startFakeEngine, USERNAME, xml } from "./http_fake_engine.ts";

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

/** The items of `items`, read to the end. */
async function drain(items: AsyncIterable<unknown>): Promise<unknown[]> {
  const all = [];
  for await (const item of items) all.push(item);
  return all;
}

Deno.test("a blocking action whose tasks failed (<action> status failed, no fault) is an error", async () => {
  let status = "failed";
  await using setup = await setUp(() =>
    xml(
      `<action><async>false</async><status>${status}</status>` +
        `<storage_domain id="sd2"/></action>`,
    )
  );
  const disk = setup.system.disksService().diskService("d1");
  const move = () => disk.move({ storageDomain: { id: "sd2" }, async: false });
  const error = await failure(move);
  assert.equal(error.constructor, OvirtError);
  assert.equal(error.code, 200);
  assert.equal(error.fault, undefined);
  assert.equal(error.maybeApplied, false);
  assert.match(
    error.message,
    /^HTTP 200 OK from POST http:\/\/\S+\/ovirt-engine\/api\/disks\/d1\/move: the engine reports the action failed, without a fault saying why \(its events may\) \[correlation id c-1\]$/,
  );
  assert.notEqual(exitCodeOf(error), EXIT.OK, "the CLI exits non-zero");
  // An action without an output, and a removal, answered so: errors too.
  const vm = setup.system.vmsService().vmService("v1");
  assert.match((await failure(() => vm.start())).message, /reports the action failed/);
  assert.match((await failure(() => vm.remove())).message, /reports the removal failed/);
  status = "complete";
  assert.equal(await move(), undefined);
  assert.equal(await vm.remove(), undefined);
});

Deno.test("ovirt vm start answered <action> status failed exits non-zero and says so", async () => {
  await using engine = await startFakeEngine({
    api: () => xml("<action><status>failed</status></action>"),
  });
  await using home = await cliHome();
  const id = "11111111-1111-1111-1111-111111111111";
  const run = await ovirt(["vm", "start", id, "--url", engine.url, "--username", USERNAME], {
    ...home.env,
    OVIRT_PASSWORD: PASSWORD,
  });
  assert.equal(run.code, EXIT.FAILURE, run.stderr);
  assert.match(
    oneErrorLine(run),
    /\/vms\/11111111-1111-1111-1111-111111111111\/start: the engine reports the action failed/,
  );
  assert.ok(engine.requests.some((request) => request.url.endsWith(`/vms/${id}/start`)));
});

Deno.test("an add answered 2xx without a body was made: maybeApplied, and says to look first", async () => {
  let status = 202;
  await using setup = await setUp(() => new Response(null, { status }));
  const bricks = setup.system.clustersService().clusterService("c").glusterVolumesService()
    .volumeService("v").glusterBricksService();
  const vms = setup.system.vmsService();
  const adds = [
    () => bricks.add([{ serverId: "h1", brickDir: "/b1" }]),
    () => vms.add({ name: "web", cluster: { name: "c" }, template: { name: "Blank" } }),
  ];
  for (const code of [202, 201, 200]) {
    status = code;
    for (const add of adds) {
      const error = await failure(add);
      assert.equal(error.code, code);
      assert.equal(error.maybeApplied, true);
      assert.match(
        error.message,
        /^HTTP 20\d \w.* from POST http:\/\/\S+ has no body: the engine accepted the addition but sent nothing back; look for the object before adding it again/,
      );
      assert.equal(exitCodeOf(error), EXIT.MAYBE_APPLIED);
    }
  }
  // A read answered so is no change: as before.
  status = 200;
  const read = await failure(() => vms.vmService("v1").get());
  assert.equal(read.maybeApplied, false);
  assert.match(read.message, /^HTTP 200 OK from GET \S+\/vms\/v1 has no body \[correlation/);
});

Deno.test("listStream() errors for a bad 200 answer name the request and status as list()'s", async () => {
  const answers: Record<string, () => Response> = {
    "an empty body": () => new Response(null),
    "a list cut short": () => xml(`<vms><vm id="1"><name>a1</name></vm><vm id="2"><na`),
    "another document": () => xml(`<vm id="1"/>`),
  };
  for (const [what, answer] of Object.entries(answers)) {
    await using setup = await setUp(answer);
    const vms = setup.system.vmsService();
    const listed = await failure(() => vms.list({ search: "name=a*" }));
    const streamed = await failure(() => drain(listStream(vms, { search: "name=a*" })));
    const named = /^HTTP 200 OK from GET http:\/\/\S+\/ovirt-engine\/api\/vms /;
    for (const error of [listed, streamed]) {
      assert.match(error.message, named, what);
      assert.match(error.message, / \[correlation id c-1\]$/, what);
      assert.equal(error.code, 200, what);
      assert.equal(error.correlationId, "c-1", what);
      assert.equal(error.constructor, OvirtError, what);
    }
    if (what !== "another document") assert.equal(streamed.message, listed.message, what);
  }
});

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

/**
 * A list answer whose body stalls: before its first byte (`items` 0), or after `items` items
 * sent a few milliseconds apart (so that they arrive as several chunks); it ends when the
 * client lets it go, or after 10 s.
 */
function stalledList(items: number): Response {
  const encoder = new TextEncoder();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      for (let item = 1; item <= items; item++) {
        const vm = `<vm id="${item}"><name>vm${item}</name></vm>`;
        controller.enqueue(encoder.encode(item === 1 ? `<vms>${vm}` : vm));
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      timer = setTimeout(() => {
        controller.enqueue(encoder.encode("</vms>"));
        controller.close();
      }, 10_000);
    },
    cancel: () => clearTimeout(timer),
  });
  return new Response(body, { headers: { "Content-Type": "application/xml" } });
}

/** A list long enough to start the list worker (1 MiB), for `?warm`. */
const LONG_LIST = `<vms>${
  Array.from({ length: 5000 }, (_, i) => `<vm id="${i}"><name>${"x".repeat(200)}</name></vm>`)
    .join("")
}</vms>`;

Deno.test("listStream() aborted, out of time or cut by close() fails as list() does, not as a bad 200", async () => {
  type End = "abort" | "signal timeout" | "timeout" | "close";
  const expected: Record<End, [string, string]> = {
    "abort": ["OvirtError", "The request was aborted"],
    "signal timeout": ["TimeoutError", "The request did not finish within its signal's time limit"],
    "timeout": ["TimeoutError", "The request did not finish within 300 ms"],
    "close": ["OvirtError", "The connection was closed before the list answer was read"],
  };
  // Each server's requests follow one another (its ports tell the worker's); the four run at once.
  const runs = [0, 3].flatMap((items) =>
    [false, true].map((listWorker) => ({ items, listWorker }))
  );
  await Promise.all(runs.map(async ({ items, listWorker }) => {
    const ports: number[] = [];
    await using server = Deno.serve(
      { port: 0, hostname: "127.0.0.1", onListen() {} },
      (request, info) => {
        ports.push(info.remoteAddr.port);
        return new URL(request.url).searchParams.has("warm") ? xml(LONG_LIST) : stalledList(items);
      },
    );
    const url = `http://127.0.0.1:${server.addr.port}/ovirt-engine/api`;
    for (const end of Object.keys(expected) as End[]) {
      const what = `${end}, ${items} items first, listWorker ${listWorker}`;
      const ended = async (call: (vms: VmsService, signal?: AbortSignal) => Promise<unknown>) => {
        const timeout = end === "timeout" ? 300 : undefined;
        const connection = new Connection({ url, token: "t", listWorker, timeout });
        const vms = connection.systemService().vmsService();
        if (listWorker) {
          // A long list starts the worker, which takes the lists after it.
          await vms.list({ query: { warm: "1" } });
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        const controller = new AbortController();
        const signal = end === "abort"
          ? controller.signal
          : end === "signal timeout"
          ? AbortSignal.timeout(300)
          : undefined;
        const timer = setTimeout(
          () => end === "close" ? connection.close() : controller.abort(),
          300,
        );
        try {
          return await failure(() => call(vms, signal));
        } finally {
          clearTimeout(timer);
          await connection.close();
          if (listWorker) assert.notEqual(ports.at(-1), ports.at(-2), `${what}: the worker's`);
        }
      };
      const listed = await ended((vms, signal) => vms.list({ signal }));
      const streamed = await ended((vms, signal) => drain(listStream(vms, { signal })));
      for (const error of [listed, streamed]) {
        assert.deepEqual([error.constructor.name, error.message], expected[end], what);
        assert.equal(error.code, undefined, what);
      }
    }
  }));
});
