/**
 * Jobs as the engine searches them (oVirt/ovirt-engine, backend/manager/modules/searchbackend):
 * `JobConditionFieldAutoCompleter` has one field, `correlation_id`, typed as a UUID rather than
 * text, so `SyntaxChecker.buildCustomizedRelation` keeps its `=` (no `ILIKE`, no `*` turned into
 * `%`: exact and case-sensitive) and `""` is `IS NULL` (`BaseConditionFieldAutoCompleter.
 * buildConditionSql`; the column is `NOT NULL`). `SearchObjectAutoCompleter` gives jobs no cross
 * references (`new EntitySearchInfo(null, ...)`), so a job's `owner` is no field: `owner=admin`
 * is free text, which fails on jobs (they have no text field).
 */

import assert from "node:assert/strict";
import { rejectsWith, simulatorSession } from "./sim_session.ts";

Deno.test("simulator: a job's correlation_id is compared with = exactly, not LIKE", async () => {
  await using session = await simulatorSession({ delay: 60_000, empty: true });
  const system = session.connection.systemService();
  for (const [name, correlationId] of [["t1", "run-1"], ["t10", "run-10"], ["T1", "Run-1"]]) {
    await system.tagsService().add({ name }, { headers: { "Correlation-Id": correlationId } });
  }
  const jobs = system.jobsService();
  const found = async (search: string) =>
    (await jobs.list({ search })).map((job) => job.description).filter((text) =>
      text?.startsWith("Add Tag")
    ).sort();
  assert.deepEqual(await found("correlation_id=run-1"), ["Add Tag t1"]);
  assert.deepEqual(await found("correlation_id=run-1*"), [], "* is no wildcard there");
  assert.deepEqual(await found("correlation_id=RUN-1"), [], "case counts");
  assert.deepEqual(await found("correlation_id!=run-1"), ["Add Tag T1", "Add Tag t10"]);
  assert.deepEqual(await found('correlation_id=""'), [], "IS NULL: every job has one");
  assert.deepEqual(await found('correlation_id!=""'), ["Add Tag T1", "Add Tag t1", "Add Tag t10"]);
});

Deno.test("simulator: a job's owner is no search field, as the engine has none", async () => {
  await using session = await simulatorSession({ delay: 60_000, empty: true });
  const system = session.connection.systemService();
  await system.tagsService().add({ name: "t1" });
  const jobs = system.jobsService();
  for (const search of ["owner=admin", "owner.name=admin*"]) {
    await rejectsWith(jobs.list({ search }), 400, /free text/);
  }
  assert.deepEqual(await jobs.list({ search: "owner = admin" }), [], "a syntax error");
  assert.deepEqual(await jobs.list({ search: "sortby owner" }), [], "no such sort field");
});
