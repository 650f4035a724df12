/**
 * `verify: "checksum"` of a qcow2 upload as ovirt-imageio answers it on file storage (NFS and
 * the like), over real HTTP: a server of the test's own stands between the SDK and the
 * simulator. Like imageio's file backend, it hashes the volume file, which is as long as what
 * was written (the qcow2 file), while a ranged `GET` reports the ticket's size, which the
 * engine makes larger than the file for a `cow` upload (`ceil(virtual * 1.1) + 1 MiB`). A
 * good upload must verify; a bad byte must still be found, and the new disk removed.
 */

import assert from "node:assert/strict";
import { Connection, OvirtError, types, uploadImage } from "../mod.ts";
import { type Simulator, startSimulator, type TransferQuirks } from "../testing/mod.ts";
import { CLUSTER, qcow2 } from "./qcow2_image.ts";
import { checksumTimeLimit } from "../helpers/transfer/verify.ts";
import { MAX_MILLISECONDS } from "../transport/options.ts";

const MIB = 1024 * 1024;
const VIRTUAL = 64 * MIB;
/** The size the engine gives the ticket of a `cow` upload on file storage. */
const TICKET_SIZE = Math.ceil(VIRTUAL * 1.1) + MIB;

/** imageio's block checksum of `bytes`: a digest per block (the last shorter), then theirs. */
async function blockChecksum(bytes: Uint8Array<ArrayBuffer>, blockSize: number): Promise<string> {
  const digests: Uint8Array[] = [];
  for (let offset = 0; offset < bytes.length; offset += blockSize) {
    const block = bytes.subarray(offset, offset + blockSize);
    digests.push(new Uint8Array(await crypto.subtle.digest("SHA-256", block)));
  }
  const all = new Uint8Array(digests.length * 32);
  digests.forEach((digest, index) => all.set(digest, index * 32));
  const outer = new Uint8Array(await crypto.subtle.digest("SHA-256", all));
  return Array.from(outer, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/**
 * A server in front of `sim` that passes everything on (with its own origin in the API's
 * answers, so that `proxy_url` leads to it) and answers as imageio on file storage: the
 * checksum of the bytes written so far, and the ticket's size in a read's `Content-Range`.
 */
function fileStorageImageio(sim: Simulator, checksumDelay = 0) {
  const simOrigin = new URL(sim.url).origin;
  const checksums: string[] = [];
  let written = 0;
  let origin = "";
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    const url = new URL(request.url);
    const headers = new Headers(request.headers);
    headers.delete("host");
    const body = request.body ? new Uint8Array(await request.arrayBuffer()) : undefined;
    const ticket = url.pathname.split("/").slice(0, 3).join("/");
    if (!url.pathname.startsWith("/images/")) {
      const answer = await fetch(simOrigin + url.pathname + url.search, {
        method: request.method,
        headers,
        body,
        redirect: "manual",
      });
      const text = (await answer.text()).replaceAll(simOrigin, origin);
      const answerHeaders = new Headers(answer.headers);
      answerHeaders.delete("content-length");
      answerHeaders.delete("content-encoding");
      return new Response(answer.body === null ? null : text, {
        status: answer.status,
        headers: answerHeaders,
      });
    }
    if (request.method === "GET" && url.pathname === `${ticket}/checksum`) {
      // imageio answers once it has read the whole image: a big one takes its time.
      await new Promise((resolve) => setTimeout(resolve, checksumDelay));
      const stored = await fetch(simOrigin + ticket, {
        headers: { Range: `bytes=0-${written - 1}` },
      });
      const bytes = new Uint8Array(await stored.arrayBuffer());
      const blockSize = Number(url.searchParams.get("block_size"));
      const checksum = await blockChecksum(bytes, blockSize);
      checksums.push(checksum);
      return Response.json({ algorithm: "sha256", block_size: blockSize, checksum });
    }
    const range = /^bytes (\d+)-(\d+)\//.exec(headers.get("content-range") ?? "");
    if (request.method === "PUT" && range) written = Math.max(written, Number(range[2]) + 1);
    if (request.method === "PATCH" && body) {
      const operation = JSON.parse(new TextDecoder().decode(body));
      if (operation.op === "zero") {
        written = Math.max(written, operation.offset + operation.size);
      }
    }
    const answer = await fetch(simOrigin + url.pathname + url.search, {
      method: request.method,
      headers,
      body,
    });
    const answerHeaders = new Headers(answer.headers);
    const total = /^(bytes \d+-\d+)\/\d+$/.exec(answerHeaders.get("content-range") ?? "");
    if (url.pathname === ticket && total) {
      answerHeaders.set("content-range", `${total[1]}/${TICKET_SIZE}`);
    }
    return new Response(answer.body, { status: answer.status, headers: answerHeaders });
  });
  origin = `http://127.0.0.1:${server.addr.port}`;
  return { origin, checksums, close: () => server.shutdown() };
}

/** A simulator with `quirks` behind {@link fileStorageImageio}, and a qcow2 file with data. */
async function setup(
  quirks: TransferQuirks = {},
  slow: { checksumDelay?: number; timeout?: number } = {},
) {
  const sim = await startSimulator({ delay: 0, transfers: quirks });
  const imageio = fileStorageImageio(sim, slow.checksumDelay);
  const connection = new Connection({
    url: `${imageio.origin}${new URL(sim.url).pathname}`,
    username: sim.username,
    password: sim.password,
    ...(slow.timeout ? { timeout: slow.timeout } : {}),
  });
  const bytes = qcow2({ size: VIRTUAL });
  for (let i = 0; i < CLUSTER; i++) bytes[3 * CLUSTER + i] = (i % 251) + 1; // its data cluster
  const path = await Deno.makeTempFile({ prefix: "ovirt-sdk-verify-cow-", suffix: ".qcow2" });
  await Deno.writeFile(path, bytes);
  return {
    connection,
    imageio,
    path,
    fileSize: bytes.length,
    async [Symbol.asyncDispose]() {
      await Deno.remove(path);
      await connection.close();
      await imageio.close();
      await sim.close();
    },
  };
}

const OPTIONS = {
  storageDomain: "data",
  pollInterval: 5,
  useProxy: true,
  verify: "checksum",
} as const;

Deno.test("verify checksum: a qcow2 upload on file storage, hashed as the file is, matches", async () => {
  await using t = await setup();
  const { disk, verified } = await uploadImage(t.connection, t.path, { ...OPTIONS, name: "good" });
  assert.equal(verified, "checksum");
  assert.equal(disk.status, types.DiskStatus.OK);
  assert.equal(disk.format, types.DiskFormat.COW);
  // The server hashed the file's bytes only, fewer than the ticket's size it reported.
  assert.equal(t.imageio.checksums.length, 1);
  assert.ok(t.fileSize < TICKET_SIZE);
});

Deno.test("verify checksum: a bad byte in a qcow2 upload on file storage still fails it", async () => {
  await using t = await setup({ corruptAt: 3 * CLUSTER + 10 });
  const disks = t.connection.systemService().disksService();
  await assert.rejects(
    uploadImage(t.connection, t.path, { ...OPTIONS, name: "bad" }),
    (error) => {
      assert.ok(error instanceof OvirtError, `an OvirtError, not ${error}`);
      const [server] = t.imageio.checksums;
      assert.match(
        error.message,
        new RegExp(
          `^The uploaded image differs from ${t.path}: sha256 checksum ${server} on the server, ` +
            `[0-9a-f]{64} \\(the file\\), [0-9a-f]{64} \\(followed by zeros to ${TICKET_SIZE} ` +
            "bytes\\) here$",
        ),
      );
      return true;
    },
  );
  assert.deepEqual(await disks.list({ search: "name=bad" }), [], "the new disk is removed");
});

Deno.test("verify checksum: the server's checksum may take longer than the connection's timeout", async () => {
  // The checksum comes after 2.5 s, the connection's calls are limited to 1 s: the checksum's
  // wait grows with the image instead, and it is asked once (again, the server starts over).
  await using t = await setup({}, { checksumDelay: 2500, timeout: 1000 });
  const { verified } = await uploadImage(t.connection, t.path, { ...OPTIONS, name: "slow" });
  assert.equal(verified, "checksum");
  assert.equal(t.imageio.checksums.length, 1);
});

Deno.test("verify checksum: the wait for an image of many TiB is what a timer can hold", () => {
  assert.equal(checksumTimeLimit(0), 60_000);
  assert.equal(checksumTimeLimit(8 * MIB), 61_000);
  for (const size of [16 * 2 ** 40, 20e12, 2 ** 53]) {
    const limit = checksumTimeLimit(size);
    assert.ok(limit > 0 && limit <= MAX_MILLISECONDS, `${size} bytes: ${limit} ms`);
  }
});
