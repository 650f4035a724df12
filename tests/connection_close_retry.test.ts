import assert from "node:assert/strict";
import { Connection, type ConnectionOptions } from "../mod.ts";
import { OvirtError } from "../transport/errors.ts";
import { type RawAnswer, startRawServer } from "./http_raw_server.ts";

const XML = { "content-type": "application/xml" };

/** Waits long enough to be told apart from a wait that close() ended. */
const LONG = { delay: 20_000, maxDelay: 20_000 };

/** Answers a call gets again and again, and what makes the connection wait before repeating it. */
const WAITS: [string, RawAnswer, Partial<ConnectionOptions>][] = [
  ["Retry-After", {
    status: 503,
    headers: { "content-type": "text/html", "retry-after": "20" },
    body: "<html>Service Unavailable</html>",
  }, {}],
  ["the backoff", {
    status: 502,
    headers: { "content-type": "text/html" },
    body: "<html>Bad Gateway</html>",
  }, { retry: LONG }],
  ["whileLocked", {
    status: 409,
    headers: XML,
    body: "<fault><reason>Operation Failed</reason><detail>[Cannot run VM. Related operation " +
      "is currently in progress. Please try again later.]</detail></fault>",
  }, { retry: { whileLocked: LONG } }],
];

/** `promise`'s outcome and how long it took, or "pending" after `millis`. */
async function settledWithin(promise: Promise<unknown>, millis: number) {
  const started = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<"pending">((resolve) => timer = setTimeout(resolve, millis, "pending"));
  try {
    const outcome = await Promise.race([
      promise.then(() => "resolved" as const, (error: unknown) => ({ error })),
      late,
    ]);
    return { outcome, millis: performance.now() - started };
  } finally {
    clearTimeout(timer);
  }
}

for (const [name, answer, options] of WAITS) {
  for (const [transport, extra] of [["fetch", {}], ["node:http", { insecure: true }]] as const) {
    Deno.test(`close(), ${transport}: a call waiting before its next attempt (${name}) rejects at once`, async () => {
      await using server = startRawServer(() => answer);
      const connection = new Connection({
        url: `${server.origin}/ovirt-engine/api`,
        token: "t",
        ...options,
        ...extra,
      });
      const call = connection.systemService().vmsService().list();
      call.catch(() => {}); // looked at below, once close() has returned
      while (server.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      await new Promise((resolve) => setTimeout(resolve, 50)); // the answer came: the wait began
      await connection.close();
      const { outcome, millis } = await settledWithin(call, 3_000);
      assert.notEqual(outcome, "pending", "the call still waits to be tried again");
      assert.notEqual(outcome, "resolved");
      const { error } = outcome as { error: unknown };
      assert.ok(error instanceof OvirtError, String(error));
      assert.equal(error.message, "The connection is closed");
      assert.ok(millis < 1_000, `the call rejected ${Math.round(millis)} ms after close()`);
      assert.equal(server.requests.length, 1, "nothing is tried again after close()");
    });
  }
}
