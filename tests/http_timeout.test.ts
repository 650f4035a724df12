import assert from "node:assert/strict";
import { Connection } from "../mod.ts";
import { Deadline } from "../transport/deadline.ts";
import { OvirtError, TimeoutError } from "../transport/errors.ts";
import { PASSWORD, startFakeEngine, USERNAME, xml } from "./http_fake_engine.ts";
import { startSimulator } from "../testing/mod.ts";

/** An answer that sends its first bytes and then nothing, until the client goes away. */
function stalledBody(): Response {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode("<vms><vm id='1'>"));
    },
  });
  return new Response(body, { headers: { "Content-Type": "application/xml" } });
}

Deno.test("timeout: a body that stalls is a TimeoutError", async () => {
  await using engine = await startFakeEngine({ api: stalledBody });
  await using connection = new Connection({
    url: engine.url,
    username: USERNAME,
    password: PASSWORD,
    timeout: 300,
  });
  const started = performance.now();
  await assert.rejects(connection.systemService().vmsService().list(), TimeoutError);
  assert.ok(performance.now() - started < 3000);
});

Deno.test("timeout: the login counts against the time of the call", async () => {
  await using engine = await startFakeEngine({ ssoDelay: 400 });
  await using connection = new Connection({
    url: engine.url,
    username: USERNAME,
    password: PASSWORD,
    timeout: 100,
  });
  await assert.rejects(connection.systemService().get(), TimeoutError);
});

Deno.test("timeout: calls that finish in time leave no timers behind", async () => {
  await using engine = await startFakeEngine({ api: () => xml("<vms/>") });
  await using connection = new Connection({
    url: engine.url,
    username: USERNAME,
    password: PASSWORD,
    timeout: 60_000,
  });
  assert.deepEqual(await connection.systemService().vmsService().list(), []);
});

Deno.test("signal: aborting a call rejects it with an OvirtError, not a TimeoutError", async () => {
  await using engine = await startFakeEngine({ api: stalledBody });
  await using connection = new Connection({
    url: engine.url,
    username: USERNAME,
    password: PASSWORD,
    timeout: 10_000,
  });
  const controller = new AbortController();
  const call = connection.systemService().vmsService().list({ signal: controller.signal });
  setTimeout(() => controller.abort(), 100);
  await assert.rejects(call, (error) => {
    assert.ok(error instanceof OvirtError);
    assert.ok(!(error instanceof TimeoutError));
    assert.match(error.message, /aborted/);
    return true;
  });
});

Deno.test("signal: without a timeout, aborting a call with a stalled body still ends it", async () => {
  const controller = new AbortController();
  await using engine = await startFakeEngine({
    api: () => {
      const answer = stalledBody();
      queueMicrotask(() => controller.abort());
      return answer;
    },
  });
  await using connection = new Connection({
    url: engine.url,
    username: USERNAME,
    password: PASSWORD,
  });
  const call = connection.systemService().vmsService().list({ signal: controller.signal });
  await assert.rejects(call, (error) => {
    assert.ok(error instanceof OvirtError);
    assert.ok(!(error instanceof TimeoutError));
    assert.match(error.message, /aborted/);
    assert.equal((error.cause as Error).name, "AbortError");
    return true;
  });
});

Deno.test("deadline: a call nothing can end has no signal; with only the caller's, it follows it", () => {
  using free = new Deadline(undefined, undefined);
  assert.equal(free.signal, undefined);
  assert.equal(free.remaining(), Infinity);
  const controller = new AbortController();
  const caller = controller.signal;
  {
    using followed = new Deadline(0, caller);
    assert.notEqual(followed.signal, caller);
    controller.abort(new Error("stop"));
    assert.equal(followed.signal?.reason, caller.reason, "aborts with the caller's reason");
  }
  using timed = new Deadline(60_000, caller);
  assert.ok(timed.signal instanceof AbortSignal);
  assert.notEqual(timed.signal, caller);
});

Deno.test("timeout: with node:https, calls whose answers never come all end in time", async () => {
  // Deno's node:http now and then keeps a request waiting for its answer alive when it is
  // destroyed; half the answers never coming, with kept-alive connections, met that in about
  // one call in fifteen.
  await using simulator = await startSimulator({ tls: true, vms: 5 });
  await using connection = new Connection({
    url: simulator.url,
    username: simulator.username,
    password: simulator.password,
    insecure: true,
    timeout: 250,
    retry: false,
    connections: 16,
  });
  await connection.systemService().get();
  simulator.setFaults({ stallAnswer: 0.5 });
  const outcomes: string[] = [];
  for (let round = 0; round < 5; round++) {
    const calls = Array.from({ length: 20 }, () =>
      connection.systemService().get().then(
        () => "ok",
        (error) => error instanceof TimeoutError ? "timed out" : `${error}`,
      ));
    const late = new Promise<string[]>((resolve) => setTimeout(() => resolve(["late"]), 3000));
    outcomes.push(...await Promise.race([Promise.all(calls), late]));
  }
  simulator.setFaults({ stallAnswer: undefined });
  assert.deepEqual(outcomes.filter((outcome) => outcome !== "ok" && outcome !== "timed out"), []);
  assert.ok(outcomes.includes("timed out"), "some answers never came");
  // Closing lets go of every connection, those of the calls given up on included.
  const port = Number(new URL(simulator.url).port);
  await connection.close(false);
  await new Promise((resolve) => setTimeout(resolve, 100));
  const open = socketsTo(port);
  if (open !== undefined) assert.equal(open, 0, "client sockets left open");
});

/**
 * How many sockets of this process are connected to `port` on loopback, as Linux lists them
 * in `/proc`; `undefined` elsewhere.
 */
function socketsTo(port: number): number | undefined {
  const ours = new Set<string>();
  let table: string;
  try {
    table = Deno.readTextFileSync("/proc/net/tcp");
    for (const entry of Deno.readDirSync("/proc/self/fd")) {
      try {
        const target = Deno.readLinkSync(`/proc/self/fd/${entry.name}`);
        const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
        if (inode !== undefined) ours.add(inode);
      } catch { /* closed meanwhile */ }
    }
  } catch {
    return undefined;
  }
  const remote = `:${port.toString(16).toUpperCase().padStart(4, "0")}`;
  return table.split("\n").slice(1).map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields.length > 9 && fields[2].endsWith(remote) && ours.has(fields[9]))
    .length;
}
