import assert from "node:assert/strict";
import v8 from "node:v8";
import vm from "node:vm";
import { Connection, listStream } from "../mod.ts";
import { CLOSED_IN_FLIGHT } from "../transport/closing.ts";

/** V8's full garbage collection, which a test may ask for once its flag is set. */
function collectGarbage(): void {
  v8.setFlagsFromString("--expose-gc");
  (vm.runInNewContext("gc") as () => void)();
}

/** A list of 200 VMs, one every 10 ms. */
function startSlowList() {
  const encoder = new TextEncoder();
  return Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, () => {
    let sent = 0;
    let timer: ReturnType<typeof setInterval> | undefined;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode("<vms>"));
        timer = setInterval(() => {
          if (sent++ < 200) {
            controller.enqueue(encoder.encode(`<vm id="${sent}"><name>vm${sent}</name></vm>`));
            return;
          }
          clearInterval(timer);
          controller.enqueue(encoder.encode("</vms>"));
          controller.close();
        }, 10);
      },
      cancel: () => clearInterval(timer),
    });
    return new Response(body, { headers: { "content-type": "application/xml" } });
  });
}

Deno.test("close() ends a list in flight on fetch even once its Response was collected", async () => {
  await using server = startSlowList();
  const url = `http://127.0.0.1:${server.addr.port}/ovirt-engine/api`;
  {
    const connection = new Connection({ url, token: "t", listWorker: false });
    const listing = connection.systemService().vmsService().list();
    await new Promise((resolve) => setTimeout(resolve, 200));
    collectGarbage();
    await connection.close();
    await assert.rejects(listing, (error: Error) => error.message.includes(CLOSED_IN_FLIGHT));
  }
  {
    const connection = new Connection({ url, token: "t", listWorker: false });
    const items = listStream(connection.systemService().vmsService())[Symbol.asyncIterator]();
    await items.next();
    collectGarbage();
    await connection.close();
    await assert.rejects(async () => {
      while (!(await items.next()).done) { /* the items received before close() */ }
    }, (error: Error) => error.message.includes(CLOSED_IN_FLIGHT));
  }
});
