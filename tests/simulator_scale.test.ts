/**
 * A simulator with 10,000 VMs, run as its own process (`testing/main.ts`) so that its
 * memory can be measured alone: `list()` of every VM through the SDK must keep the
 * simulator's peak RSS below 500 MB. Times are printed, not asserted (see
 * testing/RESULTS.md).
 */

import assert from "node:assert/strict";
import { Connection } from "../mod.ts";

const VMS = 10_000;
const MB = 1024 * 1024;

interface Started {
  url: string;
  username: string;
  password: string;
  pid: number;
  startup: number;
}

/** Reads the JSON line `main.ts --json` prints once the simulator listens. */
async function readStarted(stdout: ReadableStream<Uint8Array>): Promise<Started> {
  let text = "";
  for await (const piece of stdout.pipeThrough(new TextDecoderStream())) {
    text += piece;
    if (text.includes("\n")) break;
  }
  return JSON.parse(text.slice(0, text.indexOf("\n")));
}

/** Resident set size (`VmRSS`) and its peak (`VmHWM`) of process `pid`, in bytes. */
async function memoryOf(pid: number): Promise<{ rss: number; peak: number }> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  const kib = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)![1]) * 1024;
  return { rss: kib("VmRSS"), peak: kib("VmHWM") };
}

Deno.test({
  name: "simulator: list() of 10,000 VMs keeps the simulator below 500 MB RSS",
  ignore: Deno.build.os !== "linux",
  fn: async () => {
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-net",
        "--allow-read",
        "--allow-write",
        "--allow-env",
        "testing/main.ts",
      ]
        .concat(["--plain", "--json", "--vms", String(VMS), "--delay", "0"]),
      cwd: new URL("..", import.meta.url),
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    try {
      const started = await readStarted(child.stdout);
      const before = await memoryOf(started.pid);
      await using connection = new Connection({
        url: started.url,
        username: started.username,
        password: started.password,
      });
      const vmsService = connection.systemService().vmsService();
      const begin = performance.now();
      const vms = await vmsService.list();
      const seconds = (performance.now() - begin) / 1000;
      assert.equal(vms.length, VMS);
      assert.ok(vms.every((vm) => vm.id && vm.name && vm.status));
      const after = await memoryOf(started.pid);
      console.log(
        `startup ${started.startup} ms with ${VMS} VMs; list() ${seconds.toFixed(2)} s; ` +
          `simulator RSS ${(before.rss / MB).toFixed(0)} MB before, ` +
          `${(after.rss / MB).toFixed(0)} MB after, peak ${(after.peak / MB).toFixed(0)} MB`,
      );
      assert.ok(after.peak < 500 * MB, `peak RSS ${(after.peak / MB).toFixed(0)} MB`);
    } finally {
      child.kill("SIGTERM");
      await child.status;
    }
  },
});
