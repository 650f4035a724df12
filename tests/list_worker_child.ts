/**
 * A script that lists the simulator's VMs through the list worker and ends without closing
 * its connection: `deno run --allow-net tests/list_worker_child.ts URL USER PASSWORD [CA]`.
 * It must exit by itself (the worker does not keep it alive). Prints one JSON line: the
 * number of VMs of each list, and whether every list read the same as one made without the
 * worker.
 */

import { Connection, listStream } from "../mod.ts";

const [url, username, password, caCert] = Deno.args;
const options = { url, username, password, caCerts: caCert ? [caCert] : undefined };
const plain = await new Connection({ ...options, listWorker: false }).systemService()
  .vmsService().list();
const vms = new Connection(options).systemService().vmsService();
const counts: number[] = [];
let same = true;
for (let round = 0; round < 6; round++) {
  const listed = await vms.list();
  counts.push(listed.length);
  same &&= JSON.stringify(listed) === JSON.stringify(plain);
  await new Promise((resolve) => setTimeout(resolve, 50)); // the worker starts meanwhile
}
let streamed = 0;
for await (const _vm of listStream(vms)) if (++streamed === 10) break;
console.log(JSON.stringify({ counts, same, streamed }));
