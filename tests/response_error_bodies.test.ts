/**
 * Error answers whose body is not a `<fault>`: a server error's HTML page is not blamed on the
 * connection URL, the reason on a page holding only text is quoted (bounded, controls
 * escaped, secrets hidden), and a body cut short keeps the error of its status.
 */

import assert from "node:assert/strict";
import {
  AuthError,
  ConflictError,
  Connection,
  ConnectionError,
  NotFoundError,
  OvirtError,
} from "../mod.ts";
import { startRawServer } from "./http_raw_server.ts";

/** A server answering every request with `answer()`, and a connection to it with a token. */
function serving(answer: () => Response) {
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, async (request) => {
    await request.body?.cancel();
    return answer();
  });
  const url = `http://127.0.0.1:${server.addr.port}/ovirt-engine/api`;
  const connection = new Connection({ url, token: "t", retry: false });
  return {
    connection,
    /** What messages name the request `getError()` makes by. */
    vm: `GET ${url}/vms/1`,
    async [Symbol.asyncDispose]() {
      await connection.close();
      await server.shutdown();
    },
  };
}

/** The error `get()` of a VM fails with. */
async function getError(connection: Connection): Promise<OvirtError> {
  try {
    await connection.systemService().vmsService().vmService("1").get();
  } catch (error) {
    assert.ok(error instanceof OvirtError, String(error));
    return error;
  }
  assert.fail("the call succeeded");
}

const HINT = /connection URL is the API root/;

Deno.test("a 5xx whose body is HTML or another type is not blamed on the connection URL", async () => {
  const pages: Array<[number, string, string]> = [
    [500, "text/html;charset=UTF-8", "<html><body><h1>Internal Server Error</h1></body></html>"],
    [500, "application/json", '{"error": "boom"}'],
    [501, "text/html", "<html><body><p>Not Implemented</p></body></html>"],
  ];
  for (const [status, type, body] of pages) {
    await using setup = serving(() =>
      new Response(body, { status, headers: { "content-type": type } })
    );
    const error = await getError(setup.connection);
    assert.equal(error.code, status);
    const media = type.split(";")[0];
    assert.match(
      error.message,
      new RegExp(
        `^Request failed \\(HTTP ${status} .*\\): the answer is a ${
          media.replace("/", "\\/")
        } body, not XML$`,
      ),
    );
    assert.doesNotMatch(error.message, HINT);
  }
  // A 4xx page still gets the hint: a wrong URL is the usual cause there.
  await using setup = serving(() =>
    new Response("<html><body><h1>Gone</h1></body></html>", {
      status: 410,
      headers: { "content-type": "text/html" },
    })
  );
  assert.match((await getError(setup.connection)).message, HINT);
});

Deno.test("the reason on a page holding only text is quoted: entities read, controls escaped, secrets hidden", async () => {
  const notXml = "the answer is a text/html body, not XML";
  const cases: Array<[number, string, string]> = [
    [
      401,
      "The user jdoe@example.com with profile [example.com] is not authorized to perform login",
      "Not authorized (HTTP 401 Unauthorized from {vm}): check the user name and password or " +
      "the token: The user jdoe@example.com with profile [example.com] is not authorized to " +
      "perform login",
    ],
    [
      500,
      "Cannot run &lt;vm&gt; &amp; &#x201c;more&#8221; &#27;[2J &bogus; &#x110000;",
      `Request failed (HTTP 500 Internal Server Error from {vm}): ${notXml}: ` +
      "Cannot run <vm> & \u201cmore\u201d \\u001b[2J &bogus; &#x110000;",
    ],
    [
      400,
      "Refused\nAuthorization: Bearer abc.def",
      `Request failed (HTTP 400 Bad Request from {vm}): ${notXml}: Refused Authorization: ***; ` +
      "check that the connection URL is the API root, usually " +
      "https://<engine host>/ovirt-engine/api",
    ],
  ];
  for (const [status, text, expected] of cases) {
    await using setup = serving(() =>
      new Response(`<html><head><title>Error</title></head><body>${text}</body></html>`, {
        status,
        headers: { "content-type": "text/html;charset=UTF-8" },
      })
    );
    const error = await getError(setup.connection);
    assert.equal(error.code, status);
    assert.equal(error.message, expected.replace("{vm}", setup.vm));
  }
});

Deno.test("a page with markup, a long one, or one saying only its status is not quoted", async () => {
  const pages = [
    "<html><body><h1>Unauthorized</h1><p>This server could not verify you</p></body></html>",
    `<html><body>${"a".repeat(20_000)}</body></html>`,
    "<html><head><title>Error</title></head><body>Unauthorized</body></html>",
  ];
  for (const page of pages) {
    await using setup = serving(() =>
      new Response(page, { status: 401, headers: { "content-type": "text/html" } })
    );
    const error = await getError(setup.connection);
    assert.ok(error instanceof AuthError);
    assert.equal(
      error.message,
      `Not authorized (HTTP 401 Unauthorized from ${setup.vm}): check the user name and ` +
        "password or the token",
    );
  }
});

Deno.test("an error answer whose body is cut short keeps its status's class and code", async () => {
  const cut = (status: string) =>
    new TextEncoder().encode(
      `HTTP/1.1 ${status}\r\ncontent-type: application/xml\r\ncontent-length: 1000\r\n\r\n` +
        "<fault><reason>Operation Failed</reason><detail>[Cannot",
    );
  for (
    const [status, Class, call] of [
      [
        "404 Not Found",
        NotFoundError,
        (c: Connection) => c.systemService().vmsService().vmService("1").get(),
      ],
      [
        "409 Conflict",
        ConflictError,
        (c: Connection) => c.systemService().vmsService().add({ name: "x" }),
      ],
      [
        "500 Internal Server Error",
        OvirtError,
        (c: Connection) => c.systemService().vmsService().vmService("1").get(),
      ],
    ] as const
  ) {
    await using server = startRawServer(() => ({ raw: cut(status) }));
    await using connection = new Connection({
      url: `${server.origin}/ovirt-engine/api`,
      token: "t",
      retry: false,
    });
    await assert.rejects(call(connection), (error) => {
      assert.ok(error instanceof Class, `${status}: ${error}`);
      assert.ok(!(error instanceof ConnectionError), status);
      assert.equal(error.code, Number(status.slice(0, 3)));
      assert.match(
        error.message,
        new RegExp(
          `^Request failed \\(HTTP ${status} from .*\\); ` +
            "the body of the answer was cut short while it was read$",
        ),
      );
      assert.ok(error.cause instanceof ConnectionError, "the reading's failure is its cause");
      assert.equal(error.maybeApplied, false);
      return true;
    });
  }
});

Deno.test("an error page or text that repeats the request's token shows it hidden", async () => {
  const token = "sso-token-0123456789abcdefghij";
  const echoes = [
    ["text/html", (auth: string) => `<html><body>Refused for ${auth}</body></html>`],
    ["text/plain", (auth: string) => `Refused, token ${auth.slice("Bearer ".length)}`],
  ] as const;
  for (const [type, page] of echoes) {
    const server = Deno.serve(
      { port: 0, hostname: "127.0.0.1", onListen() {} },
      (request) =>
        new Response(page(request.headers.get("authorization") ?? ""), {
          status: 403,
          headers: { "Content-Type": type },
        }),
    );
    const url = `http://127.0.0.1:${server.addr.port}/ovirt-engine/api`;
    const connection = new Connection({ url, token, retry: false });
    try {
      const error = await getError(connection);
      assert.ok(error instanceof AuthError, `${type}: ${error}`);
      assert.ok(!error.message.includes(token), `${type}: ${error.message}`);
      assert.match(error.message, /Refused(,| for).*\*\*\*/, type);
    } finally {
      await connection.close();
      await server.shutdown();
    }
  }
});
