/**
 * The cost of the SDK's request path (headers, cap, token, typed reading) over plain
 * `fetch` of the same URLs, on loopback, sequentially and in parallel.
 *
 * Run with `deno bench --allow-net bench/http_bench.ts`, or `deno run --allow-net
 * bench/http_bench.ts [rounds]` for the sequential contenders paired round by round: each round
 * times N calls of `fetch` + `readXml`, then N calls of `get()`, in wall time and in the CPU time
 * of this process (the server's included, the same for both); it prints the medians over the
 * rounds of the wall ratio and of the CPU added per call, steadier than separate timings on a
 * shared machine.
 */

import process from "node:process";
import { Connection } from "../mod.ts";
import { readXml } from "../transport/xml/read_xml.ts";

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

/** Wall and CPU time, in µs per call, of {@link N} sequential calls of `call`. */
async function timed(call: (id: number) => Promise<unknown>): Promise<[number, number]> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  for (let id = 0; id < N; id++) await call(id);
  const wall = (performance.now() - start) * 1000 / N;
  const { user, system } = process.cpuUsage(cpu);
  return [wall, (user + system) / N];
}

/** The middle value of `values`. */
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}

if (import.meta.main) {
  const rounds = Number(Deno.args[0] ?? 201);
  for (let id = 0; id < 300; id++) {
    await fetchAndRead(id);
    await sdkGet(id);
  }
  const ratios: number[] = [];
  const added: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const [fetchWall, fetchCpu] = await timed(fetchAndRead);
    const [getWall, getCpu] = await timed(sdkGet);
    ratios.push(getWall / fetchWall);
    added.push(getCpu - fetchCpu);
  }
  console.log(
    `get() against fetch + readXml, ${N} sequential calls a round, ${rounds} rounds: wall ` +
      `ratio ${median(ratios).toFixed(3)}x, CPU added ${median(added).toFixed(1)} µs per call ` +
      `(medians over the rounds)`,
  );
  Deno.exit(0);
}
