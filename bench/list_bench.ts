/**
 * End to end over loopback TLS: `list()` and `listStream()` against the bare transfer of the
 * same body with `fetch`, `fetch` plus saxes events, and `fetch` plus our reader on the whole
 * bytes; and a small `get()` against `fetch` plus `readXml` of the same URL. Two servers,
 * each in a process of its own, as an engine would be:
 * - the simulator with 10,000 VMs (about 34 MB of XML): making and writing the answer is its
 *   own cost, so every contender waits for it;
 * - a static server (`static_server.ts`) answering with the exact bytes the simulator
 *   answered, and with 20,000 events (`xml_corpora.ts`): the server is not the bottleneck.
 *
 * `list()` and `listStream()` run with the list worker (the default: bodies received on a
 * thread of their own) and `list()` once more without it.
 *
 * `deno bench --allow-all bench/list_bench.ts`, or `deno run --allow-all bench/list_bench.ts
 * [rounds] [filter]` for the contenders interleaved round by round (min and median of each,
 * against the first of its group; 15 rounds unless told); `filter` keeps the groups whose name
 * holds it. Each line also gives the CPU time of one call, average of the rounds: this process's
 * (all its threads: the reader, the list worker, V8's garbage collection helpers) and the
 * server's (read from `/proc`, so on Linux only). Their sum over the machine's cores is a floor
 * under the time of a call; when that floor is near the time, the call is bound by CPU. Last
 * come the end-to-end targets of issue 18 as ratios of the same run's figures.
 */

import process from "node:process";
import { saxesReference } from "./saxes_elements.ts";
import { Connection } from "../mod.ts";
import { readXml } from "../transport/xml/read_xml.ts";
import { listStream } from "../helpers/stream.ts";
import { eventXml } from "./xml_corpora.ts";
import { seededRandom } from "../tests/xml_test_utils.ts";

const VMS = 10_000;
const EVENTS = 20_000;
const API = "/ovirt-engine/api";

/** Starts `script` with `args` in a process of its own and reads the JSON line it prints. */
async function spawn(script: string, args: string[]) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net", "--allow-read", "--allow-write", script, ...args],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  return { child, ready: JSON.parse((await lines.read()).value!) };
}

const simulator = await spawn(new URL("../testing/main.ts", import.meta.url).pathname, [
  "--json",
  "--vms",
  String(VMS),
  "--delay",
  "0",
]);
const { username, password, caFile } = simulator.ready;
const simCa = await Deno.readTextFile(caFile);
const simOptions = { url: simulator.ready.url, username, password, caCerts: [simCa] };
const simConnection = new Connection(simOptions);
/** The same, reading every answer on this thread: what `list()` was before the list worker. */
const simOneThread = new Connection({ ...simOptions, listWorker: false });
const simClient = Deno.createHttpClient({ caCerts: [simCa] });
const simHeaders = {
  Authorization: `Bearer ${await simConnection.authenticate()}`,
  Version: "4",
  Accept: "application/xml",
};
const [first] = await simConnection.systemService().vmsService().list({ max: 1 });

// The static server's answers: the simulator's own bytes, and a list of events.
const dir = await Deno.makeTempDir({ prefix: "ovirt-list-bench-" });
const recorded = async (path: string) => {
  const response = await fetch(`${simulator.ready.url}/${path}`, {
    headers: simHeaders,
    client: simClient,
  });
  if (!response.ok) throw new Error(`HTTP ${response.status} from the simulator`);
  const file = `${dir}/${path.replaceAll("/", "_")}.xml`;
  await Deno.writeFile(file, await response.bytes());
  return file;
};
const random = seededRandom(18);
const events = [`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<events>\n`];
for (let i = 0; i < EVENTS; i++) events.push(eventXml(i, random));
events.push("</events>\n");
await Deno.writeTextFile(`${dir}/events.xml`, events.join(""));
await Deno.writeTextFile(
  `${dir}/manifest.json`,
  JSON.stringify({
    [`${API}/vms`]: await recorded("vms"),
    [`${API}/vms/${first.id}`]: await recorded(`vms/${first.id}`),
    [`${API}/events`]: `${dir}/events.xml`,
  }),
);
const statics = await spawn(new URL("./static_server.ts", import.meta.url).pathname, [
  `${dir}/manifest.json`,
]);
const staticCa: string = statics.ready.caCert;
const staticOptions = {
  url: `${statics.ready.url}${API}`,
  username: "bench",
  password: "bench",
  caCerts: [staticCa],
};
const staticConnection = new Connection(staticOptions);
const staticOneThread = new Connection({ ...staticOptions, listWorker: false });
const staticClient = Deno.createHttpClient({ caCerts: [staticCa] });
// What the engine needs, as the simulator contenders send it: the token, the version, XML.
const staticHeaders = {
  Authorization: "Bearer static-bench-token",
  Version: "4",
  Accept: "application/xml",
};

globalThis.addEventListener("unload", () => {
  simClient.close();
  staticClient.close();
  simConnection.close(false);
  staticConnection.close(false);
  simOneThread.close(false);
  staticOneThread.close(false);
  simulator.child.kill();
  statics.child.kill();
  Deno.removeSync(dir, { recursive: true });
});

/** One benchmark: `run` once is one iteration. */
interface Contender {
  readonly group: string;
  readonly name: string;
  readonly run: () => Promise<void>;
}

const contenders: Contender[] = [];

/** The contenders on the list at `path` of a server, `count` items long. */
function listGroup(
  group: string,
  fetchBody: (path: string) => Promise<Response>,
  connections: { listWorker: Connection; oneThread: Connection },
  path: "vms" | "events",
  count: number,
): void {
  const serviceOf = (connection: Connection) =>
    path === "vms"
      ? connection.systemService().vmsService()
      : connection.systemService().eventsService();
  const service = serviceOf(connections.listWorker);
  const oneThread = serviceOf(connections.oneThread);
  const expect = (length: number) => {
    if (length !== count) throw new Error(`${length} items instead of ${count}`);
  };
  contenders.push(
    {
      group,
      name: "fetch: body bytes only",
      run: async () => void await (await fetchBody(path)).bytes(),
    },
    {
      group,
      name: "fetch + saxes events (streamed)",
      run: async () => {
        const { parser, elements } = saxesReference();
        const decoder = new TextDecoder();
        for await (const chunk of (await fetchBody(path)).body!) {
          parser.write(decoder.decode(chunk, { stream: true }));
        }
        parser.close();
        if (elements() < count) throw new Error("too few elements");
      },
    },
    {
      group,
      name: "fetch + readXml of the whole bytes",
      run: async () => {
        expect((readXml(await (await fetchBody(path)).bytes()).value as unknown[]).length);
      },
    },
    { group, name: "list()", run: async () => expect((await service.list()).length) },
    {
      group,
      name: "list(), listWorker: false",
      run: async () => expect((await oneThread.list()).length),
    },
    {
      group,
      name: "listStream()",
      run: async () => {
        let length = 0;
        for await (const _item of listStream(service)) length++;
        expect(length);
      },
    },
  );
}

/** The contenders on a small `get()` from a server. */
function getGroup(
  group: string,
  fetchBody: (path: string) => Promise<Response>,
  connection: Connection,
): void {
  const vm = connection.systemService().vmsService().vmService(first.id!);
  contenders.push(
    {
      group,
      name: "fetch + readXml of one VM",
      run: async () => void readXml(await (await fetchBody(`vms/${first.id}`)).bytes()),
    },
    { group, name: "get() of one VM", run: async () => void await vm.get() },
  );
}

/** `fetch` of a path under the API of a server, which must answer 200. */
function fetcher(root: string, headers: HeadersInit, client: Deno.HttpClient) {
  return async (path: string) => {
    const response = await fetch(`${root}/${path}`, { headers, client });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return response;
  };
}

const fromSimulator = fetcher(simulator.ready.url, simHeaders, simClient);
const fromStatic = fetcher(`${statics.ready.url}${API}`, staticHeaders, staticClient);
const simulatorConnections = { listWorker: simConnection, oneThread: simOneThread };
const staticConnections = { listWorker: staticConnection, oneThread: staticOneThread };
listGroup("vms (simulator)", fromSimulator, simulatorConnections, "vms", VMS);
listGroup("vms (static)", fromStatic, staticConnections, "vms", VMS);
listGroup("events (static)", fromStatic, staticConnections, "events", EVENTS);
getGroup("small get (simulator)", fromSimulator, simConnection);
getGroup("small get (static)", fromStatic, staticConnection);

/** Iterations of one sample: a small get is too short to time alone. */
const repeat = (contender: Contender) => contender.group.startsWith("small") ? 50 : 1;

let previous = "";
for (const contender of contenders) {
  const small = repeat(contender) > 1;
  Deno.bench({
    name: contender.name,
    group: contender.group,
    baseline: contender.group !== previous,
    n: small ? 200 : 5,
    warmup: small ? 20 : 1,
  }, contender.run);
  previous = contender.group;
}

/** CPU time used so far by this process, all its threads, in ms. */
function ownCpu(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** CPU time used so far by the server process `pid`, in ms (from `/proc`; NaN without it). */
function serverCpu(pid: number): number {
  try {
    const fields = Deno.readTextFileSync(`/proc/${pid}/stat`).split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10; // utime + stime, in 10 ms ticks
  } catch {
    return NaN;
  }
}

/** The process of the server a group's contenders ask. */
const serverOf = (group: string) =>
  group.includes("simulator") ? simulator.child.pid : statics.child.pid;

/** The median of `samples`, which it sorts. */
function median(samples: number[]): number {
  samples.sort((a, b) => a - b);
  return samples[samples.length >> 1];
}

/** The average of `samples`. */
const average = (samples: number[]) => samples.reduce((a, b) => a + b, 0) / samples.length;

if (import.meta.main) {
  const rounds = Number(Deno.args[0] ?? 15);
  const chosen = contenders.filter((c) => c.group.includes(Deno.args[1] ?? ""));
  const times = chosen.map(() => [] as number[]);
  const cpu = chosen.map(() => ({ own: [] as number[], server: [] as number[] }));
  // Warmed up until compiled: a small call's first hundreds are mostly not yet optimized code.
  for (const contender of chosen) {
    for (let k = repeat(contender) * 4; k > 0; k--) await contender.run();
  }
  for (let round = 0; round < rounds; round++) {
    for (const [i, contender] of chosen.entries()) {
      const server = serverOf(contender.group);
      const ownBefore = ownCpu(), serverBefore = serverCpu(server);
      const start = performance.now();
      for (let k = repeat(contender); k > 0; k--) await contender.run();
      times[i].push((performance.now() - start) / repeat(contender));
      cpu[i].own.push((ownCpu() - ownBefore) / repeat(contender));
      cpu[i].server.push((serverCpu(server) - serverBefore) / repeat(contender));
    }
  }
  const stats = times.map((samples) => ({ min: Math.min(...samples), median: median(samples) }));
  const ms = (value: number) => value < 10 ? value.toFixed(2) : value.toFixed(0);
  for (const [i, contender] of chosen.entries()) {
    const base = stats[chosen.findIndex((c) => c.group === contender.group)];
    const { min, median: middle } = stats[i];
    console.log(
      `${contender.group.padEnd(22)} ${contender.name.padEnd(36)} min ${ms(min).padStart(6)} ms ` +
        `(${(min / base.min).toFixed(2)}x)  median ${ms(middle).padStart(6)} ms ` +
        `(${(middle / base.median).toFixed(2)}x)  cpu ${ms(average(cpu[i].own)).padStart(5)} ` +
        `+ server ${ms(average(cpu[i].server)).padStart(5)} ms`,
    );
  }
  // The end-to-end targets of issue 18, as ratios of the same run's figures.
  const statsOf = (group: string, name: string) => {
    const i = chosen.findIndex((c) => c.group === group && c.name === name);
    return i < 0 ? undefined : stats[i];
  };
  const ratio = (
    group: string,
    what: string,
    [over, under]: [string, string],
    target: string,
  ) => {
    const a = statsOf(group, over), b = statsOf(group, under);
    if (a === undefined || b === undefined) return;
    console.log(
      `${group.padEnd(22)} ${what.padEnd(36)} ${(a.min / b.min).toFixed(2)}x by min, ` +
        `${(a.median / b.median).toFixed(2)}x by median (target: ${target})`,
    );
  };
  const saxes = "fetch + saxes events (streamed)", bare = "fetch: body bytes only";
  for (const group of new Set(chosen.map((c) => c.group))) {
    // Against the simulator every contender waits for it to make the answer: the target there
    // is the bare transfer; against the static server, the reading.
    if (group.includes("simulator")) {
      ratio(group, "list() against the bare fetch", ["list()", bare], "<= 1.25x");
    } else {
      ratio(group, "list() faster than fetch + saxes", [saxes, "list()"], ">= 2.5x");
    }
    ratio(group, "listStream() against list()", ["listStream()", "list()"], "<= 1.10x");
    const get = "get() of one VM", fetchAndRead = "fetch + readXml of one VM";
    ratio(group, "get() against fetch + readXml", [get, fetchAndRead], "<= 1.15x");
  }
  Deno.exit(0);
}
