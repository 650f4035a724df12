/**
 * A script that lists the simulator's VMs a few times and tells whether a list worker thread
 * ran: `deno run --allow-all tests/list_worker_threads_child.ts URL USER PASSWORD CA [on]`
 * (Deno lets a script read `/proc/self` only with every permission); with `on` it asks for
 * the worker, else it takes the default. Prints one JSON line: the CPUs Deno says the process
 * may use, and its threads named as Deno names a worker's (`worker-N`, in `/proc/self/task`:
 * Linux only).
 */

import { Connection } from "../mod.ts";

const [url, username, password, caCert, mode] = Deno.args;
await using connection = new Connection({
  url,
  username,
  password,
  caCerts: [caCert],
  ...(mode === "on" ? { listWorker: true } : {}),
});
const vms = connection.systemService().vmsService();
for (let round = 0; round < 4; round++) {
  await vms.list(); // a long answer: the worker, if any, starts after the first
  await new Promise((resolve) => setTimeout(resolve, 50));
}
const workerThreads = [...Deno.readDirSync("/proc/self/task")]
  .map((task) => Deno.readTextFileSync(`/proc/self/task/${task.name}/comm`).trim())
  .filter((name) => name.startsWith("worker-")).length;
console.log(JSON.stringify({ cpus: navigator.hardwareConcurrency, workerThreads }));
