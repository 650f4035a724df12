/**
 * End to end over loopback TLS: `list()` and `listStream()` of the simulator's 10,000 VMs
 * (about 34 MB of XML) against the bare transfer of the same body with `fetch`, `fetch` plus
 * saxes events, and `fetch` plus our reader on the whole bytes; and a small `get()` against
 * `fetch` plus `readXml` of the same URL. The simulator runs in a process of its own, as an
 * engine would, so that making the answer does not compete with reading it.
 *
 * Run with `deno bench --allow-all bench/list_bench.ts`.
 */

import { SaxesParser } from "npm:saxes@6";
import { Connection } from "../mod.ts";
import { readXml } from "../transport/xml/reader.ts";
import { listStream } from "../helpers/stream.ts";

const VMS = 10_000;
const simulator = new Deno.Command(Deno.execPath(), {
  args: [
    "run",
    "--allow-net",
    "--allow-read",
    "--allow-write",
    new URL("../testing/main.ts", import.meta.url).pathname,
    "--json",
    "--vms",
    String(VMS),
    "--delay",
    "0",
  ],
  stdout: "piped",
  stderr: "inherit",
}).spawn();
const lines = simulator.stdout.pipeThrough(new TextDecoderStream()).getReader();
const { url, username, password, caFile } = JSON.parse((await lines.read()).value!);
const caCert = await Deno.readTextFile(caFile);

const connection = new Connection({ url, username, password, caCerts: [caCert] });
const vms = connection.systemService().vmsService();
const token = await connection.authenticate();
const client = Deno.createHttpClient({ caCerts: [caCert] });
const headers = { Authorization: `Bearer ${token}`, Version: "4", Accept: "application/xml" };
const [first] = await vms.list({ max: 1 });
globalThis.addEventListener("unload", () => {
  client.close();
  connection.close(false);
  simulator.kill();
});

async function fetchBody(path: string): Promise<Response> {
  const response = await fetch(`${url}/${path}`, { headers, client });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response;
}

const list = { group: "list", n: 5, warmup: 1 };

Deno.bench({ name: "fetch: body bytes only", ...list, baseline: true }, async () => {
  await (await fetchBody("vms")).bytes();
});

Deno.bench({ name: "fetch + saxes events (streamed)", ...list }, async () => {
  const parser = new SaxesParser();
  let elements = 0;
  parser.on("opentag", () => elements++);
  const decoder = new TextDecoder();
  for await (const chunk of (await fetchBody("vms")).body!) {
    parser.write(decoder.decode(chunk, { stream: true }));
  }
  parser.close();
  if (elements === 0) throw new Error("no elements");
});

Deno.bench({ name: "fetch + readXml of the whole bytes", ...list }, async () => {
  const document = readXml(await (await fetchBody("vms")).bytes());
  if ((document.value as unknown[]).length !== VMS) throw new Error("short list");
});

Deno.bench({ name: "list()", ...list }, async () => {
  if ((await vms.list()).length !== VMS) throw new Error("short list");
});

Deno.bench({ name: "listStream()", ...list }, async () => {
  let count = 0;
  for await (const _vm of listStream(vms)) count++;
  if (count !== VMS) throw new Error("short list");
});

const small = { group: "small get", n: 200, warmup: 20 };

Deno.bench({ name: "fetch + readXml of one VM", ...small, baseline: true }, async () => {
  readXml(await (await fetchBody(`vms/${first.id}`)).bytes());
});

Deno.bench({ name: "get() of one VM", ...small }, async () => {
  await vms.vmService(first.id!).get();
});
