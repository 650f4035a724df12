/**
 * `waitForJobs` for a user who is not an administrator: the engine ignores the search
 * `correlation_id=...` on /jobs and lists all of the user's jobs, which do not show their
 * correlation id. The wait must not fail (or wait) on another call's jobs.
 */

import assert from "node:assert/strict";
import { Connection, OvirtError, TimeoutError, waitForJobs } from "../mod.ts";

const JOB = (id: string, description: string, status: string) =>
  `<job id="${id}"><description>${description}</description><status>${status}</status></job>`;

/**
 * A server answering /jobs: with `ignoresSearch`, as the engine does for a filtered user
 * (every job, whatever the search); else as for an administrator (only the jobs of
 * correlation id `mine`). Records the searches it got.
 */
function jobsServer(ignoresSearch: boolean) {
  const searches: string[] = [];
  const mine = JOB("1", "Add Tag mine", "finished");
  const other = JOB("2", "Remove VM other", "failed");
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (request) => {
    const url = new URL(request.url);
    const search = url.searchParams.get("search") ?? "";
    searches.push(search);
    const jobs = ignoresSearch ? mine + other : search === "correlation_id=mine" ? mine : "";
    return new Response(`<jobs>${jobs}</jobs>`, {
      headers: { "content-type": "application/xml" },
    });
  });
  return { server, searches, url: `http://127.0.0.1:${server.addr.port}/ovirt-engine/api` };
}

Deno.test("waitForJobs rejects clearly when the engine ignores the search of jobs", async () => {
  const { server, searches, url } = jobsServer(true);
  await using _server = server;
  await using connection = new Connection({ url, token: "T", retry: false });
  const error = await waitForJobs(connection, "mine", { interval: 5, timeout: 5000 })
    .then(() => "resolved", (error) => error);
  assert.ok(error instanceof OvirtError && !(error instanceof TimeoutError), String(error));
  assert.match(error.message, /ignores the search of jobs by correlation id/);
  assert.doesNotMatch(error.message, /Remove VM other/, "not another call's failed job");
  assert.equal(searches.length, 2, "one poll and one check");
  assert.match(searches[1], /^correlation_id=[0-9a-f-]{36}$/);
});

Deno.test("waitForJobs checks the search once, and counts only the asked id's jobs", async () => {
  const { server, searches, url } = jobsServer(false);
  await using _server = server;
  await using connection = new Connection({ url, token: "T", retry: false });
  const jobs = await waitForJobs(connection, "mine", { interval: 5, timeout: 5000 });
  assert.deepEqual(jobs.map((job) => job.description), ["Add Tag mine"]);
  assert.equal(searches.length, 2, "one poll and one check");
});
