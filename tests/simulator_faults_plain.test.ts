/**
 * The simulator's fault injection seen with plain `fetch` and raw sockets (no SDK): a
 * locked object's 409, a proxy's HTML 5xx, answers that never begin, connections closed
 * after the request was carried out, and the count of adds that reached the engine.
 */

import assert from "node:assert/strict";
import { type Simulator, type SimulatorOptions, startSimulator } from "../testing/mod.ts";

interface Env extends AsyncDisposable {
  readonly sim: Simulator;
  /** `fetch` below the API root, logged in, XML. */
  api(path: string, init?: RequestInit): Promise<Response>;
  readonly token: string;
}

async function start(options: SimulatorOptions = {}): Promise<Env> {
  const sim = await startSimulator({ empty: true, delay: 0, ...options });
  const client = Deno.createHttpClient(sim.caCert ? { caCerts: [sim.caCert] } : {});
  const login = await fetch(new URL("/ovirt-engine/sso/oauth/token", sim.url), {
    client,
    method: "POST",
    headers: { Accept: "application/json" },
    body: new URLSearchParams({
      grant_type: "password",
      scope: "ovirt-app-api",
      username: sim.username,
      password: sim.password,
    }),
  });
  const token = (await login.json()).access_token as string;
  return {
    sim,
    token,
    api: (path, init = {}) =>
      fetch(sim.url + path, {
        client,
        ...init,
        headers: {
          Authorization: `Bearer ${token}`,
          Version: "4",
          "Content-Type": "application/xml",
          ...init.headers,
        },
      }),
    async [Symbol.asyncDispose]() {
      client.close();
      await sim.close();
    },
  };
}

const TAG = (name: string) => ({ method: "POST", body: `<tag><name>${name}</name></tag>` });

async function tagNames(env: Env): Promise<string[]> {
  const xml = await (await env.api("/tags")).text();
  return [...xml.matchAll(/<name>([^<]*)<\/name>/g)].map((match) => match[1]);
}

Deno.test("simulator faults: lockedFirst refuses the first changes of each object with the engine's 409", async () => {
  await using env = await start();
  env.sim.setFaults({ lockedFirst: 2 });
  for (let attempt = 1; attempt <= 2; attempt++) {
    const refused = await env.api("/tags", TAG("busy"));
    assert.equal(refused.status, 409);
    assert.match(refused.headers.get("Content-Type")!, /application\/xml/);
    const body = await refused.text();
    assert.match(body, /<fault><reason>Operation Failed<\/reason>/);
    assert.match(
      body,
      /<detail>\[Cannot add Tag\. Related operation is currently in progress\. Please try again later\.\]<\/detail>/,
    );
    assert.ok(!(await tagNames(env)).includes("busy"), "a refused change is not made");
  }
  const added = await env.api("/tags", TAG("busy"));
  assert.equal(added.status, 201);
  await added.body?.cancel();
  const found = await (await env.api("/tags?search=name%3Dbusy")).text();
  const id = /<tag [^>]*id="([^"]+)"/.exec(found)![1];
  // Another object counts on its own: the tag's own first two changes are refused too.
  const update = () =>
    env.api(`/tags/${id}`, { method: "PUT", body: "<tag><description>d</description></tag>" });
  const first = await update();
  assert.equal(first.status, 409);
  assert.match(await first.text(), /Cannot edit Tag\. Related operation/);
  assert.equal((await update()).status, 409);
  const third = await update();
  assert.equal(third.status, 200);
  await third.body?.cancel();
});

Deno.test("simulator faults: a locked VM refuses an action with a failed <action>", async () => {
  await using env = await start({ empty: false, vms: 1 });
  const added = await env.api("/vms", {
    method: "POST",
    body: "<vm><name>v1</name><cluster><name>Default</name></cluster>" +
      "<template><name>Blank</name></template></vm>",
  });
  const id = /<vm [^>]*id="([^"]+)"/.exec(await added.text())![1];
  env.sim.setFaults({ lockedFirst: 1 });
  const refused = await env.api(`/vms/${id}/start`, { method: "POST", body: "<action/>" });
  assert.equal(refused.status, 409);
  const body = await refused.text();
  assert.match(body, /^<\?xml[^>]*>\s*<action>/);
  assert.match(body, /<status>failed<\/status>/);
  assert.match(
    body,
    /\[Cannot run VM\. Related operation is currently in progress\. Please try again later\.\]/,
  );
  assert.match(await (await env.api(`/vms/${id}`)).text(), /<status>down<\/status>/);
  const started = await env.api(`/vms/${id}/start`, { method: "POST", body: "<action/>" });
  assert.equal(started.status, 200);
  await started.body?.cancel();
});

Deno.test("simulator faults: locked at a rate follows the seed and spares reads", async () => {
  const outcomes = async () => {
    await using env = await start({ locked: 0.5, seed: 11 });
    const statuses: number[] = [];
    for (let i = 0; i < 16; i++) {
      const answer = await env.api("/tags", TAG(`t${i}`));
      statuses.push(answer.status);
      await answer.body?.cancel();
      const read = await env.api("/tags");
      assert.equal(read.status, 200);
      await read.body?.cancel();
    }
    return statuses;
  };
  const first = await outcomes();
  assert.deepEqual(await outcomes(), first);
  assert.ok(first.includes(409) && first.includes(201), `${first}`);
});

Deno.test("simulator faults: the proxy answers 502/503/504 with an HTML page and Retry-After", async () => {
  await using env = await start({ proxyErrorNext: 2, proxyStatus: 503, retryAfter: 7 });
  for (let i = 0; i < 2; i++) {
    const answer = await env.api("/tags");
    assert.equal(answer.status, 503);
    assert.equal(answer.headers.get("Retry-After"), "7");
    assert.match(answer.headers.get("Content-Type")!, /^text\/html/);
    assert.match(await answer.text(), /<title>503 Service Unavailable<\/title>/);
  }
  assert.equal((await env.api("/tags")).status, 200, "the countdown is over");
  env.sim.setFaults({ proxyError: 1, proxyStatus: undefined, retryAfter: undefined });
  const statuses = new Set<number>();
  for (let i = 0; i < 30; i++) {
    const answer = await env.api("/tags");
    assert.equal(answer.headers.get("Retry-After"), null);
    assert.match(await answer.text(), /^<!DOCTYPE HTML/);
    statuses.add(answer.status);
  }
  assert.deepEqual([...statuses].sort(), [502, 503, 504]);
});

/** Reads one HTTP/1.1 answer with a Content-Length from `conn`; its status. */
async function readAnswer(conn: Deno.Conn): Promise<number> {
  const decoder = new TextDecoder();
  let text = "";
  const buffer = new Uint8Array(65536);
  while (true) {
    const end = text.indexOf("\r\n\r\n");
    const length = /content-length: *(\d+)/i.exec(text);
    if (end >= 0 && length && text.length >= end + 4 + Number(length[1])) {
      return Number(text.slice(9, 12));
    }
    const read = await conn.read(buffer);
    if (read === null) throw new Error(`connection closed after ${JSON.stringify(text)}`);
    text += decoder.decode(buffer.subarray(0, read));
  }
}

Deno.test("simulator faults: a POST on a kept-alive connection is carried out, then the connection closes unanswered", async () => {
  await using env = await start({ dropAnswerNextPosts: 1 });
  const port = Number(new URL(env.sim.url).port);
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const head = `Host: 127.0.0.1\r\nAuthorization: Bearer ${env.token}\r\nVersion: 4\r\n`;
  const encoder = new TextEncoder();
  await conn.write(encoder.encode(`GET /ovirt-engine/api HTTP/1.1\r\n${head}\r\n`));
  assert.equal(await readAnswer(conn), 200, "the connection is in use (kept alive)");
  const body = "<tag><name>once</name></tag>";
  await conn.write(
    encoder.encode(
      `POST /ovirt-engine/api/tags HTTP/1.1\r\n${head}Content-Type: application/xml\r\n` +
        `Content-Length: ${body.length}\r\n\r\n${body}`,
    ),
  );
  assert.equal(await conn.read(new Uint8Array(1024)), null, "closed, not one byte of answer");
  conn.close();
  assert.ok((await tagNames(env)).includes("once"), "the engine made the change");
  assert.equal(env.sim.addCount("once"), 1);
  assert.equal(env.sim.duplicatedAdds, 0);
  // The countdown is over: the next POST is answered.
  const answered = await env.api("/tags", TAG("twice"));
  assert.equal(answered.status, 201);
  await answered.body?.cancel();
});

Deno.test("simulator: over TLS, through the front, the URLs handed out are https", async () => {
  await using env = await start({ tls: true });
  // HTTP/1.1, where the request line carries no scheme (HTTP/2 sends it).
  const client = Deno.createHttpClient({ caCerts: [env.sim.caCert!], http2: false });
  try {
    const added = await fetch(`${env.sim.url}/tags`, {
      client,
      method: "POST",
      headers: { Authorization: `Bearer ${env.token}`, "Content-Type": "application/xml" },
      body: "<tag><name>secure</name></tag>",
    });
    assert.equal(added.status, 201);
    assert.match(
      added.headers.get("Location")!,
      /^https:\/\/127\.0\.0\.1:\d+\/ovirt-engine\/api\/tags\//,
    );
    await added.body?.cancel();
  } finally {
    client.close();
  }
});

Deno.test("simulator faults: fetch sees a dropped answer as a failed request", async () => {
  await using env = await start({ tls: true });
  assert.equal((await env.api("/tags")).status, 200);
  env.sim.setFaults({ dropAnswer: 1 });
  await assert.rejects(env.api("/tags", TAG("lost")));
  env.sim.setFaults({ dropAnswer: undefined });
  assert.ok((await tagNames(env)).includes("lost"));
});

Deno.test("simulator faults: the handle counts adds by name and re-sent adds", async () => {
  await using env = await start();
  for (const name of ["a", "b", "a"]) {
    const answer = await env.api("/tags", TAG(name));
    await answer.body?.cancel();
  }
  assert.equal(
    env.sim.addCount("a"),
    2,
    "the second was refused (name in use) but reached the engine",
  );
  assert.equal(env.sim.addCount("b"), 1);
  assert.equal(env.sim.addCount("c"), 0);
  assert.equal(env.sim.duplicatedAdds, 1);
  const other = await env.api("/tags", {
    method: "POST",
    body: "<tag><name>a</name><description>x</description></tag>",
  });
  await other.body?.cancel();
  assert.equal(env.sim.duplicatedAdds, 1, "another body is not a re-send");
  assert.equal(env.sim.addCount("a"), 3);
});

Deno.test("simulator faults: an answer that never begins: no status line until the client gives up", async () => {
  await using env = await start({ stallAnswerNext: 1 });
  await assert.rejects(
    env.api("/tags", { signal: AbortSignal.timeout(300) }),
    (error: Error) => error.name === "TimeoutError",
  );
  const next = await env.api("/tags");
  assert.equal(next.status, 200, "only the next request stalled");
  await next.body?.cancel();
  env.sim.setFaults({ stallAnswer: 1 });
  const pending = env.api("/tags", TAG("stuck")).then((answer) => answer.status, () => "failed");
  await new Promise((resolve) => setTimeout(resolve, 50));
  await env.sim.close(); // ends the stalled request instead of waiting for it
  assert.equal(await pending, "failed");
  assert.equal(env.sim.addCount("stuck"), 0, "a stalled request is not carried out");
});

Deno.test("simulator faults: jobFailure ends the jobs of changes failed", async () => {
  await using env = await start({ jobFailure: 1 });
  const answer = await env.api("/tags", { ...TAG("t"), headers: { "Correlation-Id": "c-9" } });
  assert.equal(answer.status, 201, "the change itself is made");
  assert.equal(answer.headers.get("Correlation-Id"), "c-9");
  await answer.body?.cancel();
  const jobs = await (await env.api("/jobs?search=correlation_id%3Dc-9")).text();
  assert.match(jobs, /<description>Add Tag t<\/description>/);
  assert.match(jobs, /<status>failed<\/status>/);
  env.sim.setFaults({ jobFailure: undefined });
  const next = await env.api("/tags", { ...TAG("u"), headers: { "Correlation-Id": "c-10" } });
  await next.body?.cancel();
  const fine = await (await env.api("/jobs?search=correlation_id%3Dc-10")).text();
  assert.match(fine, /<status>finished<\/status>/);
});
