/**
 * The cost of the SDK's request path (headers, cap, token, typed reading) over plain
 * `fetch` of the same URLs, on loopback, sequentially and in parallel.
 *
 * Run with `deno bench --allow-net bench/http_bench.ts`.
 */

import { Connection } from "../mod.ts";
import { readXml } from "../transport/xml/reader.ts";

/** Calls per benchmark iteration. */
const N = 50;
const TOKEN = "bench-token";
const VM = '<vm href="/ovirt-engine/api/vms/ID" id="ID"><name>web-ID</name>' +
  "<memory>1073741824</memory><status>up</status><cpu><topology><cores>2</cores>" +
  "<sockets>1</sockets></topology></cpu></vm>";

const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, (request) => {
  const id = new URL(request.url).pathname.split("/").at(-1)!;
  return new Response(VM.replaceAll("ID", id), {
    headers: { "Content-Type": "application/xml" },
  });
});
const apiUrl = `http://127.0.0.1:${server.addr.port}/ovirt-engine/api`;
// Both sides may have all N requests in flight.
const connection = new Connection({ url: apiUrl, token: TOKEN, connections: N });
const vms = connection.systemService().vmsService();
const headers = { Authorization: `Bearer ${TOKEN}`, Version: "4", Accept: "application/xml" };
globalThis.addEventListener("unload", () => {
  connection.close();
  server.shutdown();
});

async function plainFetch(id: number): Promise<Uint8Array> {
  const response = await fetch(`${apiUrl}/vms/${id}`, { headers });
  return await response.bytes();
}

/** Plain `fetch` plus the XML reading the SDK does: what is left is the SDK's own cost. */
async function fetchAndRead(id: number): Promise<unknown> {
  return readXml(await plainFetch(id)).value;
}

function sdkGet(id: number): Promise<unknown> {
  return vms.vmService(String(id)).get();
}

Deno.bench({
  name: `fetch, ${N} sequential`,
  group: "sequential",
  baseline: true,
  async fn() {
    for (let id = 0; id < N; id++) await plainFetch(id);
  },
});

Deno.bench({
  name: `fetch + readXml, ${N} sequential`,
  group: "sequential",
  async fn() {
    for (let id = 0; id < N; id++) await fetchAndRead(id);
  },
});

Deno.bench({
  name: `get(), ${N} sequential`,
  group: "sequential",
  async fn() {
    for (let id = 0; id < N; id++) await sdkGet(id);
  },
});

Deno.bench({
  name: `fetch, ${N} parallel`,
  group: "parallel",
  baseline: true,
  async fn() {
    await Promise.all(Array.from({ length: N }, (_, id) => plainFetch(id)));
  },
});

Deno.bench({
  name: `fetch + readXml, ${N} parallel`,
  group: "parallel",
  async fn() {
    await Promise.all(Array.from({ length: N }, (_, id) => fetchAndRead(id)));
  },
});

Deno.bench({
  name: `get(), ${N} parallel`,
  group: "parallel",
  async fn() {
    await Promise.all(Array.from({ length: N }, (_, id) => sdkGet(id)));
  },
});
