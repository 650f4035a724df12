/**
 * The connection's `transferRequest` tells through `onSend` when a request leaves the queue
 * of the connection's request cap and is sent.
 */

import assert from "node:assert/strict";
import { Connection, OvirtError } from "../mod.ts";

for (const debug of [false, true]) {
  Deno.test(
    `transferRequest: onSend is called when the request leaves the connection's queue, not before${
      debug ? " (debug log on)" : ""
    }`,
    async () => {
      const release = Promise.withResolvers<void>();
      const arrived: string[] = [];
      await using server = Deno.serve(
        { hostname: "127.0.0.1", port: 0, onListen() {} },
        async (request) => {
          arrived.push(new URL(request.url).pathname);
          if (arrived.length === 1) await release.promise;
          return new Response("done");
        },
      );
      const logged: string[] = [];
      await using connection = new Connection({
        url: "https://engine.invalid/ovirt-engine/api",
        username: "admin@internal",
        password: "unused",
        connections: 1,
        debug,
        log: (line) => logged.push(line),
      });
      // The first answer comes at the latest when the test ends, pass or fail.
      using _released = { [Symbol.dispose]: () => release.resolve() };
      const base = `http://127.0.0.1:${server.addr.port}/images`;
      const sent: string[] = [];
      const first = connection.transferRequest({
        method: "GET",
        url: `${base}/first-ticket`,
        onSend: () => sent.push("first"),
      });
      const second = connection.transferRequest({
        method: "GET",
        url: `${base}/second-ticket`,
        onSend: () => sent.push("second"),
      });
      // Awaited below: an assertion failing first must not leave them unhandled.
      for (const request of [first, second]) request.catch(() => {});
      for (let tries = 0; tries < 400 && arrived.length === 0; tries++) {
        await new Promise((done) => setTimeout(done, 5));
      }
      // The first holds the only slot: the second waits, not sent.
      await new Promise((done) => setTimeout(done, 100));
      assert.deepEqual(arrived, ["/images/first-ticket"]);
      assert.deepEqual(sent, ["first"]);
      release.resolve();
      assert.equal(await (await first).body.pipeTo(new WritableStream()), undefined);
      const answer = await second;
      assert.deepEqual(sent, ["first", "second"]);
      assert.equal(await new Response(answer.body).text(), "done");
      assert.deepEqual(arrived, ["/images/first-ticket", "/images/second-ticket"]);
      assert.equal(logged.length > 0, debug);
    },
  );
}

Deno.test("transferRequest: an onSend that is not a function is refused", async () => {
  await using connection = new Connection({
    url: "https://engine.invalid/ovirt-engine/api",
    username: "admin@internal",
    password: "unused",
  });
  await assert.rejects(
    connection.transferRequest({
      method: "GET",
      url: "http://127.0.0.1:9/images/ticket",
      onSend: "soon" as unknown as () => void,
    }),
    (error) =>
      error instanceof OvirtError &&
      error.message === "The transfer request's onSend option must be a function, not a string",
  );
});
