/**
 * Ctrl-C (SIGINT), SIGTERM and SIGHUP during a command: `ovirt` aborts what it was doing through
 * the SDK's signal (a transfer is cancelled, its disk unlocked, a partial file or a new
 * disk removed), logs out, and exits 130, 143 or 129. The CLI runs as a process against the
 * simulator through an HTTP proxy of the test's, which holds image data (or an API answer)
 * half-way, so that the signal comes while bytes are moving, and which records the logout.
 */

import { spawnScript } from "./script_child.ts";
import assert from "node:assert/strict";
import { type Connection, uploadImage, waitFor } from "../mod.ts";
import { cliBench, spawnOvirt } from "./cli_harness.ts";

const MIB = 1024 ** 2;

/** Which requests the proxy holds: the answer's body after its first MiB, or the answer. */
type Hold = "body" | "answer";

/** A forward proxy that holds some answers until the client leaves. */
interface HoldingProxy extends AsyncDisposable {
  /** `http://127.0.0.1:port`, for `HTTP_PROXY`. */
  readonly url: string;
  /** `METHOD path` of each request passed on. */
  readonly requests: string[];
  /** Resolves once an answer is being held. */
  readonly holding: Promise<void>;
}

/** Starts a proxy holding the requests `hold` names. */
function startHoldingProxy(
  hold: (method: string, url: URL) => Hold | undefined,
): HoldingProxy {
  const requests: string[] = [];
  const holding = Promise.withResolvers<void>();
  const closing = Promise.withResolvers<void>();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    const url = new URL(request.url);
    requests.push(`${request.method} ${url.pathname}`);
    const how = hold(request.method, url);
    if (how === "answer") { // until the proxy closes: the client will have gone
      holding.resolve();
      await closing.promise;
      return new Response(null, { status: 502 });
    }
    const upstream = await fetch(url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      redirect: "manual",
    });
    if (how !== "body" || !upstream.body) {
      return new Response(upstream.body, { status: upstream.status, headers: upstream.headers });
    }
    const reader = upstream.body.getReader();
    const gone = Promise.withResolvers<void>(); // the client left
    let passed = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (passed >= MIB) {
          holding.resolve();
          await Promise.race([gone.promise, closing.promise]);
          await reader.cancel().catch(() => {});
          return controller.close();
        }
        const { value, done } = await reader.read();
        if (done) return controller.close();
        passed += value.byteLength;
        controller.enqueue(value);
      },
      cancel: () => {
        gone.resolve();
        return reader.cancel();
      },
    });
    return new Response(body, { status: upstream.status, headers: upstream.headers });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    requests,
    holding: holding.promise,
    async [Symbol.asyncDispose]() {
      closing.resolve();
      await server.shutdown();
    },
  };
}

/** Waits until `proxy` holds an answer of `child`; fails if `child` ends before. */
async function heldFor(proxy: HoldingProxy, child: Deno.ChildProcess): Promise<void> {
  const first = await Promise.race([proxy.holding.then(() => "held"), child.status]);
  assert.equal(first, "held", "the command ended before the proxy held anything");
}

/** Waits for `child` to end, SIGKILLing it after 30 s; its exit code and stderr. */
async function ended(child: Deno.ChildProcess): Promise<{ code: number; stderr: string }> {
  const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
  const { code, stderr } = await child.output();
  clearTimeout(timer);
  return { code, stderr: new TextDecoder().decode(stderr) };
}

/** Ids of the image transfers the engine has. */
async function transferIds(connection: Connection): Promise<Set<string | undefined>> {
  const transfers = await connection.systemService().imageTransfersService().list();
  return new Set(transfers.map((transfer) => transfer.id));
}

const LOGOUT = "POST /ovirt-engine/services/sso-logout";

// Ctrl-C, and SIGHUP as when the terminal of an ssh session closes.
for (const [signal, exit] of [["SIGINT", 130], ["SIGHUP", 129]] as const) {
  Deno.test(`${signal} during disk download: exit ${exit}, transfer cancelled, no file, logged out`, async () => {
    await using bench = await cliBench();
    const { connection, home } = bench;
    const image = `${home.path}/dense.raw`;
    const dense = new Uint8Array(16 * MIB);
    for (let offset = 0; offset < dense.length; offset += 65536) {
      crypto.getRandomValues(dense.subarray(offset, offset + 65536));
    }
    await Deno.writeFile(image, dense);
    const { disk } = await uploadImage(connection, image, {
      storageDomain: { name: "data" },
      name: "interrupted",
    });
    const before = await transferIds(connection);
    await using proxy = startHoldingProxy((method, url) =>
      method === "GET" && url.pathname.startsWith("/images/") ? "body" : undefined
    );
    const out = `${home.path}/copy.raw`;
    const child = spawnOvirt(
      ["disk", "download", "interrupted", out, "--wait-interval", "50ms"],
      { ...bench.env, HTTP_PROXY: proxy.url },
    );
    await heldFor(proxy, child); // a MiB has arrived, the rest is held
    assert.ok((await Deno.stat(out)).isFile, "the download has begun writing its file");
    child.kill(signal);
    const { code, stderr } = await ended(child);

    assert.equal(code, exit, stderr);
    await assert.rejects(Deno.stat(out), Deno.errors.NotFound, "the new file is removed");
    const transfers = await connection.systemService().imageTransfersService().list();
    const made = transfers.filter((transfer) => !before.has(transfer.id));
    assert.equal(made.length, 1);
    assert.match(made[0].phase!, /^(cancelled_user|finished_failure|finished_cleanup)$/);
    const status = await waitFor(
      () => connection.systemService().disksService().diskService(disk.id!).get(),
      (got) => got.status !== "locked",
      { interval: 20, timeout: 5000 },
    );
    assert.equal(status.status, "ok", "the disk is unlocked");
    assert.equal(proxy.requests.at(-1), LOGOUT, "the session is logged out, last");
  });
}

Deno.test("Ctrl-C during disk upload into a new disk: exit 130, the disk removed", async () => {
  await using bench = await cliBench();
  const { connection, home } = bench;
  const image = `${home.path}/upload.raw`;
  await Deno.writeFile(image, crypto.getRandomValues(new Uint8Array(65536)));
  const before = await transferIds(connection);
  await using proxy = startHoldingProxy((method, url) =>
    method === "PUT" && url.pathname.startsWith("/images/") ? "answer" : undefined
  );
  const child = spawnOvirt(
    ["disk", "upload", image, "--storage-domain", "data", "--name", "half-up"],
    { ...bench.env, HTTP_PROXY: proxy.url },
  );
  await heldFor(proxy, child); // the disk is made, the transfer open, its first PUT held
  child.kill("SIGINT");
  const { code, stderr } = await ended(child);

  assert.equal(code, 130, stderr);
  const disks = await connection.systemService().disksService().list();
  assert.deepEqual(disks.filter((disk) => disk.name === "half-up"), [], "the new disk is gone");
  const transfers = await connection.systemService().imageTransfersService().list();
  const made = transfers.filter((transfer) => !before.has(transfer.id));
  assert.equal(made.length, 1);
  assert.match(made[0].phase!, /^(cancelled_user|finished_failure|finished_cleanup)$/);
  assert.equal(proxy.requests.at(-1), LOGOUT);
});

Deno.test("SIGTERM while a list is awaited: exit 143 at once, logged out, no output", async () => {
  await using bench = await cliBench();
  await using proxy = startHoldingProxy((method, url) =>
    method === "GET" && url.pathname.endsWith("/api/vms") ? "answer" : undefined
  );
  const child = spawnOvirt(["vms", "list"], { ...bench.env, HTTP_PROXY: proxy.url });
  await heldFor(proxy, child);
  const sent = performance.now();
  child.kill("SIGTERM");
  const { code, stdout, stderr } = await child.output();
  assert.equal(code, 143, new TextDecoder().decode(stderr));
  assert.ok(performance.now() - sent < 5000, "it does not wait for the answer");
  assert.equal(stdout.byteLength, 0);
  assert.equal(proxy.requests.at(-1), LOGOUT);
});

Deno.test("a second Ctrl-C ends the process at once, while the cleanup still waits", async () => {
  await using bench = await cliBench();
  await using proxy = startHoldingProxy((method, url) =>
    (method === "GET" && url.pathname.endsWith("/api/vms")) ||
      `${method} ${url.pathname}` === LOGOUT
      ? "answer"
      : undefined
  );
  const child = spawnOvirt(["vms", "list"], { ...bench.env, HTTP_PROXY: proxy.url });
  await heldFor(proxy, child);
  child.kill("SIGINT");
  for (let tries = 0; !proxy.requests.includes(LOGOUT); tries++) { // the logout hangs
    assert.ok(tries < 100, "the first Ctrl-C logs out");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const sent = performance.now();
  child.kill("SIGINT");
  const { code } = await child.output();
  assert.equal(code, 130);
  assert.ok(performance.now() - sent < 3000, "it does not wait for the logout");
});

/** Resolves once `pid` catches SIGTERM (Linux: the `SigCgt` mask of /proc/PID/status). */
async function catchesSigterm(pid: number): Promise<void> {
  for (let tries = 0;; tries++) {
    const status = await Deno.readTextFile(`/proc/${pid}/status`);
    const caught = BigInt(`0x${/^SigCgt:\s*([0-9a-f]+)/m.exec(status)![1]}`);
    if ((caught >> 14n) & 1n) return;
    assert.ok(tries < 300, "the CLI never listened for SIGTERM");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

Deno.test({
  name: "SIGTERM while login waits for a password on stdin: exit 143 at once",
  ignore: Deno.build.os !== "linux",
  async fn() {
    await using bench = await cliBench();
    const env = { ...bench.env };
    delete env.OVIRT_PASSWORD;
    const child = spawnOvirt(["login"], env, "piped"); // stdin open, nothing written
    await catchesSigterm(child.pid);
    await new Promise((resolve) => setTimeout(resolve, 300)); // now reading stdin
    const sent = performance.now();
    child.kill("SIGTERM");
    const { code } = await child.output();
    assert.equal(code, 143);
    assert.ok(performance.now() - sent < 5000, "it does not wait out the cleanup limit");
  },
});

Deno.test({
  name: "Ctrl-C while --from - waits for stdin: exit 130 at once, for vm add and api alike",
  ignore: Deno.build.os !== "linux",
  async fn() {
    await using bench = await cliBench();
    for (const args of [["vm", "add", "--from", "-"], ["api", "POST", "/vms", "--from", "-"]]) {
      const child = spawnOvirt(args, bench.env, "piped"); // stdin open, nothing written
      await catchesSigterm(child.pid); // SIGINT's listener is added with SIGTERM's
      await new Promise((resolve) => setTimeout(resolve, 300)); // now reading stdin
      const sent = performance.now();
      child.kill("SIGINT");
      const { code } = await child.output();
      assert.equal(code, 130, args.join(" "));
      assert.ok(performance.now() - sent < 5000, `${args.join(" ")}: not the cleanup limit`);
    }
  },
});

Deno.test("a clean-up the engine never answers ends saying what it left behind", async () => {
  await using bench = await cliBench();
  const { home } = bench;
  const image = `${home.path}/stuck.raw`;
  await Deno.writeFile(image, crypto.getRandomValues(new Uint8Array(65536)));
  // The first PUT of image data is held, and so is every change the clean-up then asks for.
  await using proxy = startHoldingProxy((method, url) =>
    (method === "PUT" && url.pathname.startsWith("/images/")) ||
      (method === "POST" && /\/imagetransfers\/[^/]+\/(cancel|finalize)$/.test(url.pathname)) ||
      method === "DELETE"
      ? "answer"
      : undefined
  );
  const child = spawnOvirt(
    ["disk", "upload", image, "--storage-domain", "data", "--name", "stuck-up"],
    { ...bench.env, HTTP_PROXY: proxy.url },
  );
  await heldFor(proxy, child);
  child.kill("SIGINT");
  const { code, stderr } = await ended(child);
  assert.equal(code, 130, stderr);
  // The transfer helper's own clean-up ends after 10 s, before the CLI's limit, and says what
  // it left, with ids.
  assert.match(stderr, /^ovirt: interrupted by SIGINT; image transfer [0-9a-f-]+ could not be /m);
  assert.match(stderr, /disk [0-9a-f-]+ \("stuck-up"\) was not removed/);
});

Deno.test("a second Ctrl-C during an upload names the new disk and its transfer, by id", async () => {
  await using bench = await cliBench();
  const { connection, home } = bench;
  const image = `${home.path}/twice.raw`;
  await Deno.writeFile(image, crypto.getRandomValues(new Uint8Array(65536)));
  const before = await transferIds(connection);
  // The first PUT of image data is held, and so is the clean-up's cancel.
  await using proxy = startHoldingProxy((method, url) =>
    (method === "PUT" && url.pathname.startsWith("/images/")) ||
      (method === "POST" && /\/imagetransfers\/[^/]+\/cancel$/.test(url.pathname))
      ? "answer"
      : undefined
  );
  const child = spawnOvirt(
    ["disk", "upload", image, "--storage-domain", "data", "--name", "twice-up"],
    { ...bench.env, HTTP_PROXY: proxy.url },
  );
  await heldFor(proxy, child);
  child.kill("SIGINT");
  for (let tries = 0; !proxy.requests.some((line) => line.endsWith("/cancel")); tries++) {
    assert.ok(tries < 200, "the first Ctrl-C cancels the transfer");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill("SIGINT");
  const { code, stderr } = await ended(child);
  assert.equal(code, 130, stderr);
  const [disk] = (await connection.systemService().disksService().list())
    .filter((one) => one.name === "twice-up");
  const [transfer] = (await connection.systemService().imageTransfersService().list())
    .filter((one) => !before.has(one.id));
  assert.ok(disk?.id && transfer?.id, "the disk and its transfer are left");
  assert.equal(
    stderr.split("\n").filter((line) => line.includes("interrupted again")).join("\n"),
    "ovirt: interrupted again by SIGINT: the clean-up was not finished; it may have left " +
      `behind: the new disk "twice-up" (${disk.id}) on storage domain data: remove it once ` +
      `the engine unlocks it; image transfer ${transfer.id}`,
  );
});

Deno.test("Ctrl-C while ovirt login checks the API root: exit 130 at once, the token revoked", async () => {
  await using bench = await cliBench();
  await using proxy = startHoldingProxy((method, url) =>
    method === "GET" && url.pathname.replace(/\/+$/, "") === "/ovirt-engine/api"
      ? "answer"
      : undefined
  );
  const child = spawnOvirt(["login"], {
    ...bench.env,
    HTTP_PROXY: proxy.url,
    OVIRT_PASSWORD: bench.sim.password,
  });
  await heldFor(proxy, child);
  const sent = performance.now();
  child.kill("SIGINT");
  const { code, stderr } = await ended(child);
  assert.equal(code, 130, stderr);
  assert.ok(performance.now() - sent < 5_000, `it ended ${performance.now() - sent} ms after`);
  assert.doesNotMatch(stderr, /did not finish/);
  assert.ok(proxy.requests.includes(LOGOUT), "the token it got was revoked");
});

Deno.test("a clean-up cut short by the limit says what it may have left behind", async () => {
  const script = `
    import { Interrupt } from ${
    JSON.stringify(new URL("../cli/interrupt.ts", import.meta.url).href)
  };
    const interrupt = new Interrupt(200);
    using _disk = interrupt.leftovers.note('the new disk "web" on storage domain data');
    interrupt.leftovers.note("the partial file /tmp/x.raw");
    Deno.kill(Deno.pid, "SIGINT");
    await new Promise(() => setInterval(() => {}, 1000)); // a clean-up that never ends
  `;
  const child = await spawnScript(script, ["--allow-run", "--allow-read"]);
  const { code, stderr } = await child.output();
  assert.equal(code, 130);
  assert.equal(
    new TextDecoder().decode(stderr),
    "ovirt: the clean-up did not finish within 0 s; it may have left behind: the new disk " +
      '"web" on storage domain data; the partial file /tmp/x.raw\n',
  );
});
