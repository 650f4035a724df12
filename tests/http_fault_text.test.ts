import assert from "node:assert/strict";
import { Connection, OvirtError } from "../mod.ts";
import { serverText } from "../transport/server_text.ts";
import { startRawServer } from "./http_raw_server.ts";

/** A connection with a token to `origin`, no retries. */
function connectionTo(
  origin: string,
  options: { caFile?: string; caCerts?: string[]; insecure?: boolean } = {},
) {
  return new Connection({
    url: `${origin}/ovirt-engine/api`,
    token: "t",
    retry: false,
    ...options,
  });
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

Deno.test("fault text: controls escaped, lines folded and long text cut in the message", async () => {
  // XML holds no C0 controls but line breaks and tabs; C1 controls and bidi overrides it does.
  const detail = `\u009b2J\u009b31m\u202eDone\r\n\tnext line${"x".repeat(5000)}`;
  await using server = startRawServer(() => ({
    status: 400,
    headers: { "content-type": "application/xml" },
    body: `<fault><reason>Operation Failed</reason><detail>${detail}</detail></fault>`,
  }));
  await using connection = connectionTo(server.origin);
  const error = await getError(connection);
  // deno-lint-ignore no-control-regex
  assert.doesNotMatch(error.message, /[\u0000-\u001f\u007f-\u009f\u202e]/);
  assert.match(error.message, /^Operation Failed: \\u009b2J\\u009b31m\\u202eDone next linexxx/);
  assert.match(error.message, /more characters\) \(HTTP 400/);
  assert.equal(error.fault?.detail, detail.replace("\r\n", "\n"), "the fault is kept as read");
});

Deno.test("fault text: the status reason is escaped too (node:http passes it on)", async () => {
  const head = "HTTP/1.1 500 \u001b[2JPWNED\r\nContent-Length: 0\r\n\r\n";
  await using server = startRawServer(() => ({ raw: new TextEncoder().encode(head) }));
  await using connection = connectionTo(server.origin, { insecure: true });
  const error = await getError(connection);
  assert.match(error.message, /HTTP 500 \\u001b\[2JPWNED from GET/);
});

Deno.test("fault text: a plain text refusal is quoted in the message", async () => {
  await using server = startRawServer(() => ({
    status: 400,
    headers: { "content-type": "text/plain;charset=UTF-8" },
    body: "Cannot switch the VM to maintenance: it is not running.\n",
  }));
  await using connection = connectionTo(server.origin);
  const error = await getError(connection);
  assert.equal(error.code, 400);
  assert.match(
    error.message,
    /^Request failed \(HTTP 400 .*\): Cannot switch the VM to maintenance: it is not running\.$/,
  );
});

Deno.test("fault text: 401 asks for other credentials, 403 without a fault for permissions", async () => {
  for (
    const [status, expected] of [
      [401, /^Not authorized \(HTTP 401 .*\): check the user name and password or the token: No$/],
      [
        403,
        /^Forbidden \(HTTP 403 .*\): the user may not do this \(check its roles and permissions on the object\), or a proxy in front of the engine refused the request: No$/,
      ],
    ] as const
  ) {
    await using server = startRawServer(() => ({
      status,
      headers: { "content-type": "text/plain" },
      body: "No",
    }));
    await using connection = connectionTo(server.origin);
    const error = await getError(connection);
    assert.equal(error.code, status);
    assert.equal(error.name, "AuthError");
    assert.match(error.message, expected);
  }
});

Deno.test("fault text: escapes count towards the cut", async () => {
  await using server = startRawServer(() => ({
    status: 400,
    headers: { "content-type": "text/plain" },
    body: "\u0001".repeat(20_000),
  }));
  await using connection = connectionTo(server.origin);
  const error = await getError(connection);
  assert.ok(error.message.length < 1200, `a message of ${error.message.length} characters`);
  assert.match(error.message, /(\\u0001)+… \(\d+ more characters\)$/);
});

Deno.test("CA certificates: a file or text holding none is refused by name", async () => {
  const file = await Deno.makeTempFile({ suffix: ".pem" });
  try {
    await Deno.writeTextFile(file, "not a certificate\n");
    await using connection = connectionTo("https://127.0.0.1:9", { caFile: file });
    const error = await getError(connection);
    assert.equal(
      error.message,
      `The CA file "${file}" holds no PEM certificate ("-----BEGIN CERTIFICATE-----")`,
    );
  } finally {
    await Deno.remove(file);
  }
  assert.throws(
    () => connectionTo("https://127.0.0.1:9", { caCerts: ["-----BEGIN PRIVATE KEY-----"] }),
    /caCerts\[0\] holds no PEM certificate/,
  );
});

Deno.test("serverText counts the characters of the server's text it leaves out", () => {
  assert.equal(serverText("line1\r\nline2\r\nline3", 12), "line1 line2 … (5 more characters)");
  assert.equal(
    serverText(`a${"\n".repeat(10)}${"b".repeat(10)}`, 10),
    "a bbbbbbbb… (2 more characters)",
  );
  assert.equal(serverText(`\\u0041${"c".repeat(20)}`, 10), "\\u0041cccc… (16 more characters)");
  assert.equal(serverText("\u0001\u0002", 8), "\\u0001… (1 more characters)");
  assert.equal(serverText("😀😀", 3), "😀… (2 more characters)", "never half a character");
});

Deno.test("fault text: a fault of a few MiB keeps its reason and detail", async () => {
  const detail = `[${"Cannot remove VM: it is used by a pool. ".repeat(60_000)}]`; // ~2.4 MB
  await using server = startRawServer(() => ({
    status: 400,
    headers: { "content-type": "application/xml" },
    body: `<fault><reason>Operation Failed</reason><detail>${detail}</detail></fault>`,
  }));
  await using connection = connectionTo(server.origin);
  const error = await getError(connection);
  assert.equal(error.fault?.reason, "Operation Failed");
  assert.equal(error.fault?.detail, detail);
  assert.match(error.message, /^Operation Failed: \[Cannot remove VM/);
});
