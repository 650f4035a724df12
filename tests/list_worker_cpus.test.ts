/**
 * The list worker is on by default only where the process may run on two CPUs or more: on
 * one, a second thread would only take turns with the reader. Each test runs a script that
 * lists 800 VMs (over 1 MiB) four times and counts its worker threads.
 */

import assert from "node:assert/strict";
import { startSimulator } from "../testing/mod.ts";

const linux = Deno.build.os === "linux";
/** Whether `taskset` (util-linux) is there to start a process on one CPU. */
const hasTaskset = linux &&
  await new Deno.Command("taskset", { args: ["--version"], stdout: "null", stderr: "null" })
    .output().then((result) => result.success, () => false);

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
