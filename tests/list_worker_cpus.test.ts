/**
 * The list worker is on by default only where the process may run on two CPUs or more: on
 * one (by its CPU affinity or a CPU quota), a second thread takes turns with the reader and
 * brings no steady gain for its memory. Each test runs a script that lists 800 VMs (over 1
 * MiB) four times and counts its worker threads.
 */

import assert from "node:assert/strict";
import { startSimulator } from "../testing/mod.ts";

const linux = Deno.build.os === "linux";
/** Whether `taskset` (util-linux) is there to start a process on one CPU. */
const hasTaskset = linux &&
  await new Deno.Command("taskset", { args: ["--version"], stdout: "null", stderr: "null" })
    .output().then((result) => result.success, () => false);

/**
 * A new CPU cgroup whose quota is one CPU (cgroup v1's `cpu` controller, or v2 where the root
 * hands out `cpu`), removed when disposed of; `undefined` where none can be made (not Linux,
 * not root, no such controller).
 */
function oneCpuQuotaGroup(): (AsyncDisposable & { path: string }) | undefined {
  if (!linux) return undefined;
  const name = `ovirt-sdk-test-${Deno.pid}`;
  const tries: [string, Record<string, string>][] = [
    ["/sys/fs/cgroup/cpu", { "cpu.cfs_period_us": "100000", "cpu.cfs_quota_us": "100000" }],
    ["/sys/fs/cgroup", { "cpu.max": "100000 100000" }],
  ];
  for (const [root, limits] of tries) {
    const path = `${root}/${name}`;
    try {
      Deno.mkdirSync(path);
    } catch {
      continue;
    }
    try {
      // A directory of a cgroup file system comes with its control files; any other does not.
      Deno.statSync(`${path}/cgroup.procs`);
      for (const [file, value] of Object.entries(limits)) {
        Deno.writeTextFileSync(`${path}/${file}`, value);
      }
    } catch {
      Deno.removeSync(path);
      continue;
    }
    return { path, [Symbol.asyncDispose]: () => Deno.remove(path) };
  }
  return undefined;
}

/** Whether this process can make such a group (tried once). */
const canLimitCpu = (() => {
  const group = oneCpuQuotaGroup();
  if (group !== undefined) Deno.removeSync(group.path);
  return group !== undefined;
})();

/** Runs the child script against a simulator, `prefix` before `deno`; returns its report. */
async function listingReport(prefix: string[], mode: "default" | "on") {
  await using simulator = await startSimulator({ tls: true, vms: 800, delay: 0 });
  const command = [
    ...prefix,
    Deno.execPath(),
    "run",
    "--allow-all", // reading /proc/self asks for every permission
    new URL("./list_worker_threads_child.ts", import.meta.url).pathname,
    simulator.url,
    simulator.username,
    simulator.password,
    simulator.caCert!,
    mode,
  ];
  const child = await new Deno.Command(command[0], {
    args: command.slice(1),
    stdout: "piped",
    stderr: "inherit",
    signal: AbortSignal.timeout(60_000),
  }).output();
  assert.ok(child.success, "the listing script failed");
  return JSON.parse(new TextDecoder().decode(child.stdout)) as {
    cpus: number;
    workerThreads: number;
  };
}

Deno.test({
  name: "list worker: on by default where the process may use two CPUs",
  ignore: !linux || navigator.hardwareConcurrency < 2,
  async fn() {
    const report = await listingReport([], "default");
    assert.ok(report.cpus >= 2);
    assert.equal(report.workerThreads, 1);
  },
});

Deno.test({
  name: "list worker: off by default on one CPU, on when asked for",
  ignore: !hasTaskset,
  async fn() {
    // The first CPU this process may run on (a CI container's need not include CPU 0).
    const status = await Deno.readTextFile("/proc/self/status");
    const first = /Cpus_allowed_list:\s*(\d+)/.exec(status)?.[1] ?? "0";
    const oneCpu = ["taskset", "--cpu-list", first];
    const byDefault = await listingReport(oneCpu, "default");
    assert.equal(byDefault.cpus, 1);
    assert.equal(byDefault.workerThreads, 0);
    const asked = await listingReport(oneCpu, "on");
    assert.equal(asked.workerThreads, 1);
  },
});

Deno.test({
  name: "list worker: off by default under a CPU quota of one CPU",
  ignore: !canLimitCpu,
  async fn() {
    await using group = oneCpuQuotaGroup();
    assert.ok(group !== undefined, "the CPU cgroup could be made a moment ago");
    // The child joins the group before it becomes Deno, so Deno sees the quota from the start.
    const inGroup = ["sh", "-c", 'echo $$ > "$0/cgroup.procs" && exec "$@"', group.path];
    const report = await listingReport(inGroup, "default");
    assert.equal(report.cpus, 1, "a quota of one CPU counts as one CPU");
    assert.equal(report.workerThreads, 0);
  },
});
