/**
 * A kept-alive connection unused for a while is not used again: a NAT or firewall that forgot
 * it in silence would swallow the next request, which then waits for its `timeout` (or for
 * ever). Both transports (`fetch`, and `node:https` for `insecure`) open a new one instead.
 *
 * @module
 */

import assert from "node:assert/strict";
import { Connection } from "../mod.ts";
import { startSimulator } from "../testing/mod.ts";
import { IDLE_CONNECTION_LIMIT } from "../transport/options.ts";

/**
 * A TCP relay to `port` that, once a connection has carried nothing for `forget` ms, passes
 * nothing more on it and closes nothing: what a NAT does with a flow it has dropped.
 */
function forgetfulRelay(port: number, forget: number) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const open = new Set<Deno.Conn>();
  let accepted = 0;
  const relay = async (client: Deno.Conn) => {
    const server = await Deno.connect({ hostname: "127.0.0.1", port });
    open.add(client).add(server);
    let quietSince = performance.now();
    const pump = async (from: Deno.Conn, to: Deno.Conn) => {
      const buffer = new Uint8Array(65536);
      try {
        for (let n = await from.read(buffer); n !== null; n = await from.read(buffer)) {
          if (performance.now() - quietSince > forget) continue; // forgotten: swallowed
          quietSince = performance.now();
          await to.write(buffer.subarray(0, n));
        }
      } catch {
        // closed
      }
    };
    await Promise.all([pump(client, server), pump(server, client)]);
  };
  (async () => {
    for await (const client of listener) {
      accepted++;
      relay(client).catch(() => {});
    }
  })().catch(() => {});
  return {
    port: (listener.addr as Deno.NetAddr).port,
    get accepted() {
      return accepted;
    },
    close() {
      listener.close();
      for (const conn of open) conn.close();
    },
  };
}

Deno.test({
  name: "a connection idle longer than the limit is not used again (fetch and node:https)",
  // Every connection here is closed by the relay's close(): the transports' own are left to
  // their connection's close().
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    await using sim = await startSimulator({ delay: 0, tls: true });
    const port = Number(new URL(sim.url).port);
    await Promise.all([false, true].map(async (insecure) => {
      const relay = forgetfulRelay(port, 2_000);
      try {
        await using connection = new Connection({
          url: sim.url.replace(`:${port}/`, `:${relay.port}/`),
          username: sim.username,
          password: sim.password,
          ...(insecure ? { insecure: true } : { caCerts: [sim.caCert!] }),
          timeout: 5_000,
          listWorker: false,
        });
        const vms = connection.systemService().vmsService();
        const [vm] = await vms.list({ max: 1 });
        const before = relay.accepted;
        await new Promise((resolve) => setTimeout(resolve, IDLE_CONNECTION_LIMIT + 1_000));
        assert.equal((await vms.vmService(vm.id!).get()).id, vm.id, `insecure: ${insecure}`);
        assert.ok(relay.accepted > before, `insecure: ${insecure}: a new connection was opened`);
      } finally {
        relay.close();
      }
    }));
  },
});
