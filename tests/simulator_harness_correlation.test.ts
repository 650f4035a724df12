/**
 * The simulator's answers carry a `Correlation-Id` header as the engine's do: the client's
 * (header, else the `correlation_id` parameter when nothing is left of the header), else a
 * random UUID; the jobs of the call carry the same id.
 */

import assert from "node:assert/strict";
import { startSimulator } from "../testing/mod.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

async function start() {
  const sim = await startSimulator({ empty: true, delay: 60_000 });
  const authorization = "Basic " + btoa(`${sim.username}:${sim.password}`);
  /** Sends a request below the API root; resolves to its status, `Correlation-Id` and body. */
  const api = async (path: string, init: RequestInit = {}) => {
    const answer = await fetch(sim.url + path, {
      ...init,
      headers: { authorization, version: "4", "content-type": "application/xml", ...init.headers },
    });
    return {
      status: answer.status,
      id: answer.headers.get("correlation-id"),
      length: answer.headers.get("content-length"),
      body: await answer.text(),
    };
  };
  /** The descriptions of the jobs tagged `id`. */
  const jobsOf = async (id: string) => {
    const { body } = await api(`/jobs?search=${encodeURIComponent(`correlation_id=${id}`)}`);
    return [...body.matchAll(/<description>([^<]*)<\/description>/g)].map((match) => match[1]);
  };
  return { api, jobsOf, [Symbol.asyncDispose]: () => sim.close() };
}

const addTag = (name: string, headers: Record<string, string> = {}) => ({
  method: "POST",
  body: `<tag><name>${name}</name></tag>`,
  headers,
});

Deno.test("simulator correlation: a request without an id gets a random one in the answer, and its job carries it", async () => {
  await using env = await start();
  const { api, jobsOf } = env;
  const added = await api("/tags", addTag("t1"));
  assert.equal(added.status, 201);
  assert.match(added.id ?? "none", UUID);
  assert.deepEqual(await jobsOf(added.id!), ["Add Tag t1"]);
  const read = await api("/tags");
  assert.match(read.id ?? "none", UUID, "a read gets one too");
  assert.notEqual(read.id, added.id);
  const root = await api("");
  assert.match(root.id ?? "none", UUID);
  assert.equal(Number(root.length), new TextEncoder().encode(root.body).length, "not chunked");
  const missing = await api("/tags/no-such-tag");
  assert.equal(missing.status, 404);
  assert.match(missing.id ?? "none", UUID, "a refusal too");
});

Deno.test("simulator correlation: a header with nothing left of it gives way to the correlation_id parameter", async () => {
  await using env = await start();
  const { api, jobsOf } = env;
  const byQuery = await api("/tags?correlation_id=q-1", addTag("t1", { "Correlation-Id": "!!!" }));
  assert.equal(byQuery.id, "q-1");
  assert.deepEqual(await jobsOf("q-1"), ["Add Tag t1"]);
  const byHeader = await api("/tags?correlation_id=q-2", addTag("t2", { "Correlation-Id": "h 2" }));
  assert.equal(byHeader.id, "h2", "the header wins when something is left of it");
  assert.deepEqual(await jobsOf("h2"), ["Add Tag t2"]);
  assert.deepEqual(await jobsOf("q-2"), []);
  const neither = await api("/tags", addTag("t3", { "Correlation-Id": "!!!" }));
  assert.match(neither.id ?? "none", UUID);
  assert.deepEqual(await jobsOf(neither.id!), ["Add Tag t3"]);
});
