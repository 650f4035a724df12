/**
 * `ovirt` in shell scripts, run as processes against simulators: a profile chosen by name
 * whose engine is not the one a leftover `OVIRT_URL` names is refused before anything is sent;
 * signals stop a command whose output's reader stalls (a list, a download to stdout, which
 * still cleans up); name completion sees past the first 500 objects; verb help says what
 * each struct flag takes.
 */

import assert from "node:assert/strict";
import { uploadImage, waitFor } from "../mod.ts";
import { startSimulator } from "../testing/mod.ts";
import {
  cliBench,
  cliHome,
  cliProcess,
  oneErrorLine,
  simulatorEnv,
  spawnOvirt,
} from "./cli_harness.ts";

Deno.test("a profile chosen with -p or OVIRT_PROFILE and an OVIRT_URL of another engine are refused", async () => {
  await using cli = cliProcess(); // its commands without input run one after the other in it
  await using lab = await startSimulator({ delay: 0, vms: 2 });
  await using prod = await startSimulator({ delay: 0, vms: 3, password: lab.password });
  await using home = await cliHome();
  const set = await cli.run(
    ["profile", "set", "prod", "--url", prod.url, "--username", prod.username],
    home.env,
  );
  assert.equal(set.code, 0, set.stderr);
  const env = {
    ...home.env,
    OVIRT_URL: lab.url,
    OVIRT_USERNAME: lab.username,
    OVIRT_PASSWORD: lab.password,
  };
  const sent = () => lab.requestCount + lab.loginCount + prod.requestCount + prod.loginCount;
  const before = sent();
  for (
    const [args, extra] of [
      [["-p", "prod", "vms", "list"], {}],
      [["vm", "remove", "vm0001", "--profile", "prod"], {}],
      [["vms", "list"], { OVIRT_PROFILE: "prod" }],
    ] as const
  ) {
    const run = await cli.run(args, { ...env, ...extra });
    assert.equal(run.code, 2, run.stderr);
    assert.equal(
      oneErrorLine(run),
      `ovirt: OVIRT_URL says ${lab.url}, profile "prod" says ${prod.url}: unset one`,
    );
  }
  assert.equal(sent(), before, "nothing was sent to either engine");

  const count = async (args: string[], extra: Record<string, string> = {}) => {
    const run = await cli.run([...args, "vms", "list", "-o", "ids"], { ...env, ...extra });
    assert.equal(run.code, 0, run.stderr);
    return run.stdout.trim().split("\n").length;
  };
  assert.equal(await count(["-p", "prod", "--url", prod.url]), 3, "--url on the line wins");
  assert.equal(await count(["-p", "prod"], { OVIRT_URL: `${prod.url}/` }), 3, "the same engine");
  // Another user name on the right engine is not refused here: the engine's login refuses it.
  const stranger = await cli.run(["-p", "prod", "vms", "list"], {
    ...env,
    OVIRT_URL: prod.url,
    OVIRT_USERNAME: "someone@else",
  });
  assert.equal(stranger.code, 4, stranger.stderr);
  assert.equal(await count([]), 2, "the current profile, not chosen on the line: OVIRT_URL wins");
});

Deno.test("SIGTERM and Ctrl-C stop ovirt while the reader of its output stalls", async () => {
  await using sim = await startSimulator({ delay: 0, vms: 400 });
  await using home = await cliHome();
  for (const [signal, code] of [["SIGTERM", 143], ["SIGINT", 130]] as const) {
    const child = spawnOvirt(["vms", "list", "-o", "json"], { ...home.env, ...simulatorEnv(sim) });
    // One read shows that the output began; then nobody reads, and the pipe fills.
    const reader = child.stdout.getReader();
    assert.equal((await reader.read()).done, false);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    child.kill(signal);
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    const status = await child.status;
    clearTimeout(timer);
    await reader.cancel();
    const stderr = new TextDecoder().decode(await new Response(child.stderr).arrayBuffer());
    assert.equal(status.code, code, `${signal}: ${stderr}`);
    assert.equal(stderr, "");
  }
});

Deno.test("name completion finds names past the first 500 objects, by the engine's search", async () => {
  await using sim = await startSimulator({ delay: 0, vms: 1000 });
  await using home = await cliHome();
  await using cli = cliProcess(); // its commands run one after the other in it
  const env = { ...home.env, ...simulatorEnv(sim) };
  const complete = async (...words: string[]) => {
    const run = await cli.run(["__complete", ...words], env);
    assert.equal(run.code, 0, run.stderr);
    return run.stdout.split("\n").filter((line) => line !== "");
  };
  const late = await complete("vm", "show", "vm099");
  assert.deepEqual(late, Array.from({ length: 10 }, (_, index) => `vm099${index}`));
  assert.deepEqual(await complete("vm", "start", "vm1000"), ["vm1000"]);
  // A collection whose list takes no search: its first objects, as before.
  assert.deepEqual(await complete("mac-pool", "show", "De"), ["Default"]);
});

Deno.test("verb help says what each struct flag takes", async () => {
  await using home = await cliHome();
  await using cli = cliProcess(); // its commands run one after the other in it
  const flagLine = async (args: string[], flag: string) => {
    const run = await cli.run([...args, "--help"], home.env);
    assert.equal(run.code, 0, run.stderr);
    const line = run.stdout.split("\n").find((text) => text.trimStart().startsWith(`${flag} `));
    assert.ok(line, `${args.join(" ")}: no ${flag} in ${run.stdout}`);
    return line.trim().split(/\s{2,}/)[1];
  };
  assert.equal(
    await flagLine(["vm", "ticket"], "--ticket"),
    "Ticket: key=value,... or JSON, or an id (it has no name)",
  );
  assert.equal(
    await flagLine(["cluster", "add"], "--version"),
    "Version: MAJOR.MINOR (4.7), key=value,... or JSON",
  );
  assert.equal(
    await flagLine(["vm", "add"], "--cpu"),
    'Cpu: its type ("Intel Icelake Server Family"), key=value,... or JSON',
  );
  assert.equal(
    await flagLine(["vm", "add"], "--cluster"),
    "Cluster: a name, an id, key=value,... or JSON",
  );
});

Deno.test("SIGTERM ends a download to a stalled stdout with its clean-up: the disk unlocked", async () => {
  await using bench = await cliBench();
  const { connection, home } = bench;
  const image = `${home.path}/dense.raw`;
  const dense = new Uint8Array(8 * 1024 ** 2);
  for (let offset = 0; offset < dense.length; offset += 65536) {
    crypto.getRandomValues(dense.subarray(offset, offset + 65536));
  }
  await Deno.writeFile(image, dense);
  const { disk } = await uploadImage(connection, image, {
    storageDomain: { name: "data" },
    name: "stalled",
  });
  const child = spawnOvirt(
    ["disk", "download", "stalled", "-", "--wait-interval", "50ms"],
    bench.env,
  );
  const reader = child.stdout.getReader();
  assert.equal((await reader.read()).done, false, "the download has begun");
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const signalled = Date.now();
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
  const status = await child.status;
  clearTimeout(timer);
  await reader.cancel();
  const stderr = new TextDecoder().decode(await new Response(child.stderr).arrayBuffer());
  assert.equal(status.code, 143, stderr);
  assert.equal(stderr, "", "the clean-up finished");
  assert.ok(Date.now() - signalled < 10_000, "well within the clean-up limit");
  const after = await waitFor(
    () => connection.systemService().disksService().diskService(disk.id!).get(),
    (got) => got.status !== "locked",
    { interval: 20, timeout: 5000 },
  );
  assert.equal(after.status, "ok", "the disk is unlocked");
});
