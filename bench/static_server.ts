/**
 * A static HTTPS server for `bench/list_bench.ts`, run in a process of its own: it answers
 * each path of a manifest with the bytes of a file (recorded from the simulator, or made by
 * the bench), and the SSO token endpoint with a fixed token, so that reading can be measured
 * where the server is not the bottleneck. The same kind of test certificate as the simulator
 * (`testing/tls.ts`); HTTP/1.1 written by hand on the TLS connection, each answer prepared
 * whole and sent with one write (`Deno.serve`'s own TLS answers a small request about 40 ms
 * late, and the simulator's front copies every byte through a second connection).
 *
 * `deno run --allow-net --allow-read bench/static_server.ts MANIFEST` where MANIFEST is a JSON
 * file `{ "/path": "/file/of/its/answer.xml", ... }`; prints one JSON line `{ url, caCert }`.
 *
 * @module
 */

import { createTlsMaterial } from "../testing/tls.ts";

const TOKEN_PATH = "/ovirt-engine/sso/oauth/token";
const encoder = new TextEncoder();

/** A whole HTTP/1.1 answer: status line, headers and body. */
function answer(status: string, type: string, body: Uint8Array): Uint8Array {
  const head = encoder.encode(
    `HTTP/1.1 ${status}\r\ncontent-type: ${type}\r\ncontent-length: ${body.length}\r\n\r\n`,
  );
  const bytes = new Uint8Array(head.length + body.length);
  bytes.set(head);
  bytes.set(body, head.length);
  return bytes;
}

const answers = new Map<string, Uint8Array>();
const manifest: Record<string, string> = JSON.parse(await Deno.readTextFile(Deno.args[0]));
for (const [path, file] of Object.entries(manifest)) {
  answers.set(path, answer("200 OK", "application/xml;charset=UTF-8", await Deno.readFile(file)));
}
const token = JSON.stringify({ access_token: "static-bench-token", token_type: "bearer" });
answers.set(TOKEN_PATH, answer("200 OK", "application/json", encoder.encode(token)));
const notFound = answer("404 Not Found", "text/plain", new Uint8Array());

/** Answers the requests of one connection, one after the other, until it closes. */
async function serve(conn: Deno.Conn): Promise<void> {
  const decoder = new TextDecoder();
  const buffer = new Uint8Array(64 * 1024);
  let pending = new Uint8Array(0);
  for (;;) {
    const headEnd = indexOfBlankLine(pending);
    const head = headEnd < 0 ? "" : decoder.decode(pending.subarray(0, headEnd));
    const end = headEnd + 4 + Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
    if (headEnd < 0 || pending.length < end) {
      const read = await conn.read(buffer);
      if (read === null) return;
      const joined = new Uint8Array(pending.length + read);
      joined.set(pending);
      joined.set(buffer.subarray(0, read), pending.length);
      pending = joined;
      continue;
    }
    pending = pending.slice(end);
    const bytes = answers.get(head.split(" ", 2)[1]?.split("?")[0] ?? "") ?? notFound;
    for (let written = 0; written < bytes.length;) {
      written += await conn.write(bytes.subarray(written));
    }
  }
}

/** Where the first `\r\n\r\n` of `bytes` starts, or -1. */
function indexOfBlankLine(bytes: Uint8Array): number {
  for (let i = 0; i + 3 < bytes.length; i++) {
    if (bytes[i] === 13 && bytes[i + 1] === 10 && bytes[i + 2] === 13 && bytes[i + 3] === 10) {
      return i;
    }
  }
  return -1;
}

const tls = await createTlsMaterial();
const listener = Deno.listenTls({
  hostname: "127.0.0.1",
  port: 0,
  cert: tls.cert,
  key: tls.key,
  alpnProtocols: ["http/1.1"],
});
console.log(JSON.stringify({ url: `https://127.0.0.1:${listener.addr.port}`, caCert: tls.caCert }));
for await (const conn of listener) serve(conn).catch(() => {}).finally(() => conn.close());
