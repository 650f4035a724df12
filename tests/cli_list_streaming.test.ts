/**
 * `ovirt ... list` prints the items as the engine's answer arrives, the same text as the
 * whole list rendered at once, at the pace of its output's reader: run as processes through
 * a proxy that holds back the end of the list's answer (and notes how much of it was taken),
 * against simulators.
 */

import assert from "node:assert/strict";
import { type Connection, toXml, type types } from "../mod.ts";
import { startSimulator } from "../testing/mod.ts";
import { defaultColumns } from "../cli/output/cells.ts";
import { listText } from "../cli/output/list_text.ts";
import { type Format, render } from "../cli/output/render.ts";
import { nameReferences } from "../cli/reference_names.ts";
import { cliHome, oneErrorLine, ovirt, simulatorEnv, spawnOvirt } from "./cli_harness.ts";
import { simulatorSession } from "./sim_session.ts";

/** What became of one answer to a list of VMs that the proxy gave. */
interface Answer {
  /** Its chunks, the held ones included. */
  readonly total: number;
  /** Chunks sent so far. */
  sent: number;
  /** Whether the client stopped reading it before its end (closed the connection). */
  cancelled: boolean;
  /** Sends the held chunks. */
  release(): void;
}

/** A proxy in front of a simulator that serves lists of VMs its own way. */
interface ListProxy extends AsyncDisposable {
  /** `http://127.0.0.1:port`, for `HTTP_PROXY`. */
  readonly url: string;
  /** The answers to `GET .../api/vms`, by their `max` ("" without). */
  readonly answers: Map<string, Answer>;
  /** Resolves to the answer to the list with `max` ("" without), once it began. */
  answer(max?: string): Promise<Answer>;
}

/** How the proxy serves `GET .../api/vms`. */
interface ListServing {
  /** The chunks of the answer, made from the engine's body. */
  chunks(engine: Uint8Array): Uint8Array[];
  /** Chunks at the end sent only once the answer is released (default: none). */
  held?: number;
  /** Milliseconds between the held chunks, once released. */
  pace?: number;
}

/** Starts a proxy passing every request on, but lists of VMs as `serving` says. */
function startListProxy(serving: ListServing): ListProxy {
  const answers = new Map<string, Answer>();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    const url = new URL(request.url);
    const upstream = await fetch(url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      redirect: "manual",
    });
    if (request.method !== "GET" || !url.pathname.endsWith("/api/vms")) {
      return new Response(upstream.body, { status: upstream.status, headers: upstream.headers });
    }
    const chunks = serving.chunks(new Uint8Array(await upstream.arrayBuffer()));
    const released = Promise.withResolvers<void>();
    const answer: Answer = {
      total: chunks.length,
      sent: 0,
      cancelled: false,
      release: released.resolve,
    };
    answers.set(url.searchParams.get("max") ?? "", answer);
    const openAt = chunks.length - (serving.held ?? 0);
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (answer.sent >= openAt) {
          await released.promise;
          if (serving.pace) await new Promise((resolve) => setTimeout(resolve, serving.pace));
        }
        if (answer.cancelled) return;
        if (answer.sent === chunks.length) return controller.close();
        controller.enqueue(chunks[answer.sent++].slice());
      },
      cancel() {
        answer.cancelled = true;
      },
    }, { highWaterMark: 0 });
    const headers = new Headers(upstream.headers);
    headers.delete("content-length");
    return new Response(body, { status: upstream.status, headers });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    answers,
    async answer(max = "") {
      while (!answers.has(max)) await new Promise((resolve) => setTimeout(resolve, 5));
      return answers.get(max)!;
    },
    async [Symbol.asyncDispose]() {
      for (const answer of answers.values()) answer.release();
      await server.shutdown();
    },
  };
}

/** Runs `tasks`, three at a time. */
async function inParallel(tasks: (() => Promise<void>)[]): Promise<void> {
  const queue = [...tasks];
  const worker = async () => {
    for (let task = queue.shift(); task; task = queue.shift()) await task();
  };
  await Promise.all([worker(), worker(), worker()]);
}

/** `bytes` in chunks of `size`. */
function chunked(bytes: Uint8Array, size: number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size));
  return chunks;
}

/** Resolves to what `reader` gives first; rejects if nothing comes within `ms`. */
async function firstRead(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  ms: number,
  what: string,
): Promise<Uint8Array> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`nothing was printed ${what}`)), ms);
  });
  try {
    const { value, done } = await Promise.race([reader.read(), late]);
    assert.ok(!done && value, `the output ended ${what}`);
    return value;
  } finally {
    clearTimeout(timer);
  }
}

/** Everything `reader` gives after `first`, as text. */
async function rest(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  first: Uint8Array,
): Promise<string> {
  const decoder = new TextDecoder();
  let text = decoder.decode(first, { stream: true });
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    text += decoder.decode(read.value, { stream: true });
  }
  return text + decoder.decode();
}

/** What `render()` prints for `items` in `format`, their references named as the CLI does. */
async function rendered(
  connection: Connection,
  items: readonly unknown[],
  type: string,
  format: Format,
  extra: { columns?: string[]; headers?: boolean } = {},
): Promise<string> {
  const copies = structuredClone(items);
  const columns = extra.columns ?? defaultColumns(type);
  if (format === "table" || format === "csv") {
    await nameReferences(connection, copies, type, columns);
  }
  return render(copies, type, { format, width: Infinity, headers: true, ...extra });
}

Deno.test("a list is printed as it arrives (a table at its end), the same text as render() of it all", async () => {
  await using session = await simulatorSession({ delay: 0, vms: 450 });
  const { sim, connection } = session;
  await using home = await cliHome();
  await using proxy = startListProxy({ chunks: (body) => chunked(body, 16 * 1024), held: 4 });
  const env = { ...home.env, ...simulatorEnv(sim), HTTP_PROXY: proxy.url };
  const vms = await connection.systemService().vmsService().list();
  assert.equal(vms.length, 450);
  const columns = ["name", "host", "cluster", "cpu.topology.cores"];
  const cases: [string[], Format, { columns?: string[]; headers?: boolean }, boolean][] = [
    [["-o", "json"], "json", {}, true],
    [["-o", "xml"], "xml", {}, true],
    // CSV names the hosts of 200 rows at a time; a table needs every row for its widths.
    [["-o", "csv"], "csv", {}, true],
    [["-c", columns.join(","), "--no-headers"], "table", { columns, headers: false }, false],
  ];
  // Each run lists with its own --max (above the count), by which the proxy tells them apart.
  await inParallel(cases.map(([args, format, extra, streams], index) => async () => {
    const max = String(1000 + index);
    const child = spawnOvirt(["vms", "list", "--max", max, ...args], env);
    const reader = child.stdout.getReader();
    try {
      const answer = await proxy.answer(max);
      let first: Uint8Array;
      if (streams) {
        first = await firstRead(reader, 10_000, `with ${args.join(" ")} before the list's end`);
        assert.ok(answer.sent < answer.total, "printed before the end of the list was sent");
        answer.release();
      } else {
        answer.release();
        first = await firstRead(reader, 10_000, `with ${args.join(" ") || "no flag"}`);
      }
      const stdout = await rest(reader, first);
      const [{ code }, stderr] = await Promise.all([
        child.status,
        new Response(child.stderr).text(),
      ]);
      assert.equal(code, 0, stderr);
      assert.equal(stdout, await rendered(connection, vms, "Vm", format, extra), args.join(" "));
    } finally {
      proxy.answers.get(max)?.release();
      await reader.cancel().catch(() => {});
      try {
        child.kill("SIGKILL");
      } catch {
        // it has ended
      }
      await child.status;
    }
  }));
  // A nested collection's list, and an empty one, straight from the simulator.
  const direct = { ...home.env, ...simulatorEnv(sim) };
  const nics = await connection.systemService().vmsService().vmService(vms[0].id!).nicsService()
    .list();
  const [nested, none] = await Promise.all([
    ovirt(["vm", "nics", vms[0].name!, "-o", "yaml"], direct),
    ovirt(["vms", "list", "--search", "name=nothing", "-o", "json"], direct),
  ]);
  assert.equal(nested.code, 0, nested.stderr);
  assert.equal(nested.stdout, await rendered(connection, nics, "Nic", "yaml"));
  assert.equal(none.code, 0, none.stderr);
  assert.equal(none.stdout, "[]\n");
});

Deno.test("listText() makes render()'s text of a list, whatever its batches, empty lists too", async () => {
  await using session = await simulatorSession({ delay: 0, vms: 30 });
  const { connection } = session;
  const vms = await connection.systemService().vmsService().list();
  const nics = await connection.systemService().vmsService().vmService(vms[0].id!).nicsService()
    .list();
  const lists: [readonly unknown[], string][] = [[vms, "Vm"], [nics, "Nic"], [[], "Vm"]];
  const formats: Format[] = ["json", "yaml", "xml", "ids", "csv", "table"];
  for (const [items, type] of lists) {
    for (const format of formats) {
      for (const headers of [true, false]) {
        const options = { format, width: 80, headers };
        const expected = render(items, type, options);
        for (const size of [1, 7, 200]) {
          const text = listText(type, options);
          let written = "";
          for (let at = 0; at < items.length; at += size) {
            written += text.items(items.slice(at, at + size));
          }
          written += text.end();
          assert.equal(written, expected, `${type} ${format} ${headers} ${size}`);
        }
      }
    }
  }
});

Deno.test("a reader that stops after the first line (| head -1) stops the list's download; exit 0", async () => {
  await using session = await simulatorSession({ delay: 0, vms: 200 });
  await using home = await cliHome();
  await using proxy = startListProxy({
    chunks: (body) => chunked(body, 4 * 1024),
    held: 100,
    pace: 20,
  });
  const env = { ...home.env, ...simulatorEnv(session.sim), HTTP_PROXY: proxy.url };
  const child = spawnOvirt(["vms", "list", "-o", "ids"], env);
  const reader = child.stdout.getReader();
  try {
    const first = await firstRead(reader, 10_000, "before the list's end");
    assert.match(new TextDecoder().decode(first), /^[0-9a-f-]{36}\n/);
    await reader.cancel(); // closes the pipe, as head does after its line
    (await proxy.answer()).release();
    const [status, stderr] = await Promise.all([child.status, new Response(child.stderr).text()]);
    assert.equal(stderr, "");
    assert.equal(status.code, 0);
    const answer = await proxy.answer();
    assert.ok(answer.sent < answer.total, `ended at ${answer.sent} of ${answer.total} chunks`);
    for (let waited = 0; !answer.cancelled && waited < 3000; waited += 10) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.ok(answer.cancelled, "the download was stopped");
  } finally {
    proxy.answers.get("")?.release();
    try {
      child.kill("SIGKILL");
    } catch {
      // it has ended
    }
    await child.status;
  }
});

Deno.test("a list whose reader stalls waits for it, holding little; SIGTERM then ends it with 143", async () => {
  await using session = await simulatorSession({ delay: 0, vms: 1 });
  await using home = await cliHome();
  const [vm] = await session.connection.systemService().vmsService().list();
  // 600 VMs of 100 kB each: 60 MB, far more than the pipes, sockets and buffers between.
  const fat = new TextEncoder().encode(toXml("vm", { ...vm, description: "x".repeat(100_000) }));
  const items = 600;
  await using proxy = startListProxy({
    chunks: () => [
      new TextEncoder().encode("<vms>"),
      ...Array<Uint8Array>(items).fill(fat),
      new TextEncoder().encode("</vms>"),
    ],
  });
  const env = { ...home.env, ...simulatorEnv(session.sim), HTTP_PROXY: proxy.url };
  const child = spawnOvirt(["vms", "list", "-o", "json"], env);
  const reader = child.stdout.getReader();
  try {
    await firstRead(reader, 10_000, "at all"); // then nobody reads
    const answer = await proxy.answer();
    let sent = -1;
    for (let round = 0; round < 50 && answer.sent !== sent; round++) {
      sent = answer.sent;
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    assert.ok(sent < items / 2, `the list is read at its reader's pace: ${sent} of ${items} sent`);
    child.kill("SIGTERM");
    const [status, stderr] = await Promise.all([child.status, new Response(child.stderr).text()]);
    assert.equal(stderr, "");
    assert.equal(status.code, 143);
  } finally {
    await reader.cancel().catch(() => {});
    try {
      child.kill("SIGKILL");
    } catch {
      // it has ended
    }
    await child.status;
  }
});

Deno.test("the engine failing in mid-list: what was printed stays, one error line, exit 5", async () => {
  await using sim = await startSimulator({ delay: 0, vms: 40 });
  await using home = await cliHome();
  const env = { ...home.env, ...simulatorEnv(sim) };
  const all = await ovirt(["vms", "list", "-o", "json"], env);
  assert.equal(all.code, 0, all.stderr);
  const vms = JSON.parse(all.stdout) as types.Vm[];
  sim.setFaults({ dropConnection: 1 }); // each API answer cut half-way through its body
  const ids = await ovirt(["vms", "list", "-o", "ids"], env);
  assert.equal(ids.code, 5, ids.stderr);
  assert.match(oneErrorLine(ids), /^ovirt: Cannot talk to http:\/\/127\.0\.0\.1:\d+: /);
  const printed = ids.stdout.split("\n").slice(0, -1);
  assert.ok(printed.length > 0 && printed.length < vms.length, `${printed.length} ids printed`);
  assert.deepEqual(printed, vms.slice(0, printed.length).map((vm) => vm.id));
  const json = await ovirt(["vms", "list", "-o", "json"], env);
  assert.equal(json.code, 5, json.stderr);
  assert.equal(oneErrorLine(json), oneErrorLine(ids));
  assert.ok(
    json.stdout.length > 2 && all.stdout.startsWith(json.stdout),
    "a part of the same text",
  );
});
