/**
 * The engine compares text with SQL `LIKE` (`ILIKE` unless case-sensitive): it turns `*`
 * into `%` and escapes only `_`, so a `%` in a value matches any run too, `\` escapes the
 * character after it, and a value ending with a lone `\` finds nothing (200, an empty list:
 * the engine's search backend refuses it as it refuses any malformed query).
 */

import assert from "node:assert/strict";
import { simulatorSession } from "./sim_session.ts";

const NAMES = ["ab", "a%b", "a\\b", "a_b", "axb", "50%", "500"];

Deno.test("simulator: search values match as the engine's SQL LIKE", async () => {
  await using session = await simulatorSession({ delay: 0, empty: true });
  const vms = session.connection.systemService().vmsService();
  for (const name of NAMES) {
    await vms.add({ name, cluster: { name: "Default" }, template: { name: "Blank" } });
  }
  const found = async (search: string) => (await vms.list({ search })).map((vm) => vm.name).sort();
  assert.deepEqual(await found("name=50%"), ["50%", "500"], "% is a wildcard");
  assert.deepEqual(await found("name=a%b"), ["a%b", "a\\b", "a_b", "ab", "axb"]);
  assert.deepEqual(await found("name=a\\b"), ["ab"], "\\ escapes the b");
  assert.deepEqual(await found("name=a\\%b"), ["a%b"], "\\% is a literal %");
  assert.deepEqual(await found("name=a\\*b"), ["a%b"], "* is % first, then escaped");
  assert.deepEqual(await found("name=a\\\\b"), ["a\\b"], "\\\\ is a literal \\");
  assert.deepEqual(await found("name=a_b"), ["a_b"], "_ is escaped: no single-character match");
  assert.deepEqual(await found("name=a\\_"), ["a\\b"], "\\_ turns into \\\\_: a \\, then any one");
  assert.deepEqual(await found("name!=a%"), ["50%", "500"]);
  assert.deepEqual(await found("A\\%"), ["a%b"], "free text: %A\\%%");
});

Deno.test("simulator: a search value ending with a lone \\ finds nothing, as on the engine", async () => {
  await using session = await simulatorSession({ delay: 0, empty: true });
  const vms = session.connection.systemService().vmsService();
  await vms.add({ name: "a\\", cluster: { name: "Default" }, template: { name: "Blank" } });
  for (const search of ["name=a\\", 'name="a\\\\\\"', "name!=x\\"]) {
    assert.deepEqual(await vms.list({ search }), [], search);
  }
  const found = (await vms.list({ search: "name=a\\\\" })).map((vm) => vm.name);
  assert.deepEqual(found, ["a\\"], "an escaped \\ is fine");
  assert.deepEqual(await vms.list({ search: "name>a\\" }), [], "no LIKE, so no escape");
});
