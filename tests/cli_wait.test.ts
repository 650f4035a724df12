/**
 * `ovirt ... --wait`: the wait ends in failure (exit 1, the status named) when the object
 * reaches a status that means the change failed, waits through a host upgrade's maintenance
 * back to `up`, and ends at once for an object that has no status to wait for.
 */

import assert from "node:assert/strict";
import { waitFor } from "../mod.ts";
import { startSimulator } from "../testing/mod.ts";
import { cliBench, cliHome, oneErrorLine, ovirt, simulatorEnv, spawnOvirt } from "./cli_harness.ts";
import { PASSWORD, startFakeEngine, USERNAME, xml } from "./http_fake_engine.ts";
import { simulatorSession } from "./sim_session.ts";

const HOST_ID = "7c4d7a1e-0000-4000-8000-000000000001";
const DISK_ID = "7c4d7a1e-0000-4000-8000-000000000002";
const VM_ID = "7c4d7a1e-0000-4000-8000-000000000003";

/** Fast polls, and a time limit far above what the tests need. */
const FAST = ["--wait", "--wait-interval", "10ms", "--wait-timeout", "60s"];

/**
 * An engine whose object `path` answers the statuses of `statuses` one GET after another
 * (the last one from then on), to a POST of `post` (an add or an action) too.
 */
async function statusEngine(
  path: string,
  tag: string,
  statuses: readonly string[],
  post: string,
) {
  let gets = 0;
  const id = path.split("/")[1];
  const object = (status: string) =>
    `<${tag} href="/ovirt-engine/api/${path}" id="${id}"><name>x</name><status>${status}</status></${tag}>`;
  return await startFakeEngine({
    api: (request, { path: asked }) => {
      if (request.method === "GET" && asked === path) {
        return xml(object(statuses[Math.min(gets++, statuses.length - 1)]));
      }
      if (request.method === "POST" && asked === post) {
        return xml(
          post.includes("/") ? `<action><status>complete</status></action>` : object(statuses[0]),
          post.includes("/") ? 200 : 201,
        );
      }
      return xml(`<fault><reason>Not Found</reason></fault>`, 404);
    },
  });
}

async function runAgainst(engine: { url: string }, args: readonly string[]) {
  await using home = await cliHome();
  return await ovirt(args, {
    ...home.env,
    OVIRT_URL: engine.url,
    OVIRT_USERNAME: USERNAME,
    OVIRT_PASSWORD: PASSWORD,
  });
}

Deno.test("--wait: a host add ending install_failed exits 1 and names the status", async () => {
  await using engine = await statusEngine(
    `hosts/${HOST_ID}`,
    "host",
    ["installing", "installing", "install_failed"],
    "hosts",
  );
  const run = await runAgainst(engine, [
    "host",
    "add",
    "--name",
    "h1",
    "--address",
    "h1.example.com",
    "--cluster",
    "Default",
    ...FAST,
  ]);
  assert.equal(run.code, 1, run.stderr);
  assert.match(oneErrorLine(run), /install_failed/);
});

Deno.test("--wait: a disk add ending illegal exits 1 and names the status", async () => {
  await using engine = await statusEngine(`disks/${DISK_ID}`, "disk", [
    "locked",
    "locked",
    "illegal",
  ], "disks");
  const run = await runAgainst(engine, [
    "disk",
    "add",
    "--name",
    "d1",
    "--provisioned-size",
    "1G",
    "--format",
    "raw",
    ...FAST,
  ]);
  assert.equal(run.code, 1, run.stderr);
  assert.match(oneErrorLine(run), /illegal/);
});

Deno.test("--wait: a VM back to down while waiting for up after a start exits 1", async () => {
  await using engine = await statusEngine(`vms/${VM_ID}`, "vm", [
    "down",
    "wait_for_launch",
    "powering_up",
    "down",
  ], `vms/${VM_ID}/start`);
  const run = await runAgainst(engine, ["vm", "start", VM_ID, ...FAST]);
  assert.equal(run.code, 1, run.stderr);
  assert.match(oneErrorLine(run), /\bdown\b.*\bup\b/);
});

Deno.test("--wait: a paused VM still shown paused just after its start is waited for", async () => {
  // The engine resumes a paused VM asynchronously: its status may lag behind the action.
  await using engine = await statusEngine(`vms/${VM_ID}`, "vm", [
    "paused",
    "paused",
    "paused",
    "up",
  ], `vms/${VM_ID}/start`);
  const run = await runAgainst(engine, ["vm", "start", VM_ID, ...FAST]);
  assert.equal(run.code, 0, run.stderr);
});

Deno.test("--wait: a host upgrade is waited for through maintenance, back to up", async () => {
  await using session = await simulatorSession({ delay: 300 });
  await using home = await cliHome();
  const env = { ...home.env, ...simulatorEnv(session.sim) };
  const checked = await ovirt(["host", "upgrade-check", "host1"], env);
  assert.equal(checked.code, 0, checked.stderr);
  const hosts = session.connection.systemService().hostsService();
  const [host] = await hosts.list({ search: "name=host1" });
  await waitFor(() => hosts.hostService(host.id!).get(), (seen) => seen.updateAvailable === true, {
    interval: 20,
    timeout: 30_000,
  });
  const run = await ovirt(["host", "upgrade", "host1", ...FAST, "-o", "json"], env);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(JSON.parse(run.stdout).status, "up");
});

Deno.test("--wait: a storage domain without a status has nothing to wait for", async () => {
  await using sim = await startSimulator({ delay: 0 });
  await using home = await cliHome();
  const run = await ovirt(
    ["storage-domain", "update-ovf-store", "data", "--wait", "--wait-timeout", "60s"],
    { ...home.env, ...simulatorEnv(sim) },
  );
  assert.equal(run.code, 0, run.stderr);
});

Deno.test("wait flags without --wait, or with bad values, are refused before sending", async () => {
  await using session = await simulatorSession({ delay: 0 });
  await using home = await cliHome();
  const env = { ...home.env, ...simulatorEnv(session.sim) };
  const vms = session.connection.systemService().vmsService();
  const [vm] = await vms.list({ search: "name=vm003" });
  const before = vm.status;
  for (
    const flags of [
      ["--wait-timeout", "bogus"],
      ["--wait-timeout", "5m"],
      ["--wait-interval", "1s"],
      ["--wait", "--wait-timeout", "bogus"],
      ["--wait", "--wait-interval", "-1s"],
    ]
  ) {
    const verb = before === "up" ? "stop" : "start";
    const run = await ovirt(["vm", verb, "vm003", ...flags], env);
    assert.equal(run.code, 2, `${flags.join(" ")}: ${run.stderr}`);
    assert.match(oneErrorLine(run), /--wait/);
    assert.equal((await vms.vmService(vm.id!).get()).status, before, "nothing was sent");
  }
});

Deno.test("--wait: a job ended as failed, as asked, is no failure of the wait", async () => {
  await using session = await simulatorSession({ delay: 0 });
  await using home = await cliHome();
  const env = { ...home.env, ...simulatorEnv(session.sim) };
  const added = await ovirt(["job", "add", "--description", "outside work", "-o", "ids"], env);
  assert.equal(added.code, 0, added.stderr);
  const id = added.stdout.trim();
  const ended = await ovirt(["job", "end", id, "--no-succeeded", ...FAST], env);
  assert.equal(ended.code, 0, ended.stderr);
  const job = await session.connection.systemService().jobsService().jobService(id).get();
  assert.equal(job.status, "failed");
});

Deno.test("--request-timeout 0 (no limit) is no limit for --wait polls and events follow's requests", async () => {
  await using bench = await cliBench();
  const started = await ovirt(
    ["--request-timeout", "0", "vm", "stop", "vm005", ...FAST],
    bench.env,
  );
  assert.equal(started.code, 0, started.stderr);
  assert.match(started.stdout, /down/);
  const child = spawnOvirt(["--request-timeout", "0", "events", "follow"], bench.env);
  const stderr = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  child.kill("SIGINT");
  const { code } = await child.status;
  let text = "";
  for (let read = await stderr.read(); !read.done; read = await stderr.read()) text += read.value;
  await child.stdout.cancel();
  assert.equal(code, 130, `followed until Ctrl-C, not refused: ${text}`);
  assert.equal(text, "");
});
