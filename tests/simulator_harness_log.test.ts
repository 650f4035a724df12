/**
 * The simulator's `log` shows no credentials: an image transfer's path names its ticket, so it
 * is hidden, as the SDK's debug log hides it.
 */

import assert from "node:assert/strict";
import { startSimulator } from "../testing/mod.ts";

Deno.test("simulator harness log: image transfer tickets are hidden", async () => {
  const lines: string[] = [];
  await using sim = await startSimulator({
    empty: true,
    delay: 0,
    log: (line) => lines.push(line),
  });
  const ticket = "6b8ea684-d8d5-4093-b629-813ccbc04e76";
  const origin = new URL(sim.url).origin;
  for (const method of ["OPTIONS", "GET", "PUT"]) {
    const response = await fetch(`${origin}/images/${ticket}`, {
      method,
      body: method === "PUT" ? "bytes" : undefined,
    });
    await response.body?.cancel();
  }
  await (await fetch(sim.url)).body?.cancel();
  assert.equal(lines.length, 4, lines.join("\n"));
  for (const line of lines.slice(0, 3)) {
    assert.match(line, /^[A-Z]+ \/\[transfer path hidden\] \d{3}$/);
  }
  assert.match(lines[3], /^GET \/ovirt-engine\/api 401$/);
  assert.ok(!lines.join("\n").includes(ticket.slice(0, 8)), lines.join("\n"));
});
