/**
 * Error answers whose body stalls after its first bytes (a proxy's page sent slowly, a
 * connection gone without a word): the call fails with its status's error after a short
 * wait, not when (or if) the body ends, and not with the call's time-out; a body that
 * arrives in time is still quoted.
 */

import assert from "node:assert/strict";
import { ConflictError, Connection, NotFoundError, OvirtError, TimeoutError } from "../mod.ts";

/** How long a stalled body takes to end on its own (unless the client lets it go first). */
const STALL = 10_000;

/** A body sending `head`, then (after `pause` ms, if given) `tail`, then the end. */
function slowBody(head: string, tail: string, pause = STALL) {
  const encoder = new TextEncoder();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let cancelled = false;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(head));
      timer = setTimeout(() => {
        controller.enqueue(encoder.encode(tail));
        controller.close();
      }, pause);
    },
    cancel() {
      cancelled = true;
      clearTimeout(timer);
    },
  });
  return { body, cancelled: () => cancelled };
}

/** A server answering every request with `answer()`, and a connection to it with a token. */
function serving(answer: () => Response, timeout?: number) {
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, async (request) => {
    await request.body?.cancel();
    return answer();
  });
  const url = `http://127.0.0.1:${server.addr.port}/ovirt-engine/api`;
  const connection = new Connection({ url, token: "t", retry: false, timeout });
  return {
    connection,
    url,
    async [Symbol.asyncDispose]() {
      await connection.close();
      await server.shutdown();
    },
  };
}

/** The error `call` fails with, and how long it took in ms. */
async function timedFailure(call: () => Promise<unknown>): Promise<[OvirtError, number]> {
  const started = performance.now();
  try {
    await call();
  } catch (error) {
    assert.ok(error instanceof OvirtError, String(error));
    return [error, performance.now() - started];
  }
  assert.fail("the call succeeded");
}

const LATE = "; the body of the answer had not all arrived after 2000 ms and was let go";

Deno.test("an error page that stalls gives its status's error after a short wait, with or without a timeout", async () => {
  const pages: Array<[number, typeof OvirtError, string]> = [
    [
      500,
      OvirtError,
      "Request failed (HTTP 500 Internal Server Error from GET {url}/vms): " +
      "the answer is a text/html body, not XML",
    ],
    [
      404,
      NotFoundError,
      "Request failed (HTTP 404 Not Found from GET {url}/vms): the answer " +
      "is a text/html body, not XML; check that the connection URL is the API root, usually " +
      "https://<engine host>/ovirt-engine/api",
    ],
    [
      502,
      OvirtError,
      "Unavailable (HTTP 502 Bad Gateway from GET {url}/vms): the engine, or a " +
      "proxy in front of it, cannot answer now; it may be starting",
    ],
  ];
  // Each case waits about 2 s: they run at once.
  const cases = [undefined, 4_000].flatMap((timeout) =>
    pages.map((page) => [timeout, ...page] as const)
  );
  await Promise.all(cases.map(async ([timeout, status, kind, message]) => {
    const what = `${status}, timeout ${timeout}`;
    const page = slowBody("<html><head><title>Error</title></head><body>", "</body></html>");
    await using setup = serving(
      () => new Response(page.body, { status, headers: { "content-type": "text/html" } }),
      timeout,
    );
    const [error, took] = await timedFailure(() =>
      setup.connection.systemService().vmsService().list()
    );
    assert.equal(error.constructor, kind, what);
    assert.ok(!(error instanceof TimeoutError), what);
    assert.equal(error.code, status, what);
    assert.equal(error.message, message.replace("{url}", setup.url) + LATE, what);
    assert.ok(took >= 1_900 && took < 3_500, `${what}: ${took} ms`);
    for (let wait = 0; !page.cancelled() && wait < 20; wait++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.ok(page.cancelled(), `${what}: the page is let go`);
  }));
});

Deno.test("a fault or a plain text refusal that stalls gives its status's error; one in time is quoted", async () => {
  const fault = "<fault><reason>Operation Failed</reason><detail>[Cannot add VM. The name is " +
    "in use.]</detail></fault>";
  const answers: Array<[string, string, number | undefined, string]> = [
    [
      "application/xml",
      fault,
      undefined,
      `Request failed (HTTP 409 Conflict from POST {url}/vms)${LATE}`,
    ],
    [
      "text/plain",
      "The name is in use",
      undefined,
      `Request failed (HTTP 409 Conflict from POST {url}/vms)${LATE}`,
    ],
    [
      "application/xml",
      fault,
      300,
      "Operation Failed: [Cannot add VM. The name is in use.] " +
      "(HTTP 409 Conflict from POST {url}/vms)",
    ],
    [
      "text/plain",
      "The name is in use",
      300,
      "Request failed (HTTP 409 Conflict from POST " +
      "{url}/vms): The name is in use",
    ],
  ];
  await Promise.all(answers.map(async ([type, text, pause, message]) => {
    const what = `${type}, pause ${pause}`;
    const cut = Math.floor(text.length / 2);
    const answer = slowBody(text.slice(0, cut), text.slice(cut), pause);
    await using setup = serving(() =>
      new Response(answer.body, { status: 409, headers: { "content-type": type } })
    );
    const [error, took] = await timedFailure(() =>
      setup.connection.systemService().vmsService().add({ name: "a", cluster: { name: "c" } })
    );
    assert.ok(error instanceof ConflictError, what);
    assert.equal(error.code, 409, what);
    assert.equal(error.message, message.replace("{url}", setup.url), what);
    assert.equal(
      error.fault?.reason,
      pause && type === "application/xml" ? "Operation Failed" : undefined,
      what,
    );
    assert.ok(took < 3_500, `${what}: ${took} ms`);
  }));
});
