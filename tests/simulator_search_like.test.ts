/**
 * The engine compares text with SQL `LIKE` (`ILIKE` unless case-sensitive), after escaping the
 * value for its SQL. Sources, in oVirt/ovirt-engine, backend/manager/modules:
 * - bll/.../SearchQuery.java:632: `isSafe` only for a bare collection name (`Vms:`), so
 *   every value of a condition is escaped;
 * - searchbackend/.../SyntaxChecker.java:1056: `SqlInjectionChecker.enforceEscapeCharacters`
 *   on the value first, then `*` to `%` (line 1176), then `_` to `\_` for `LIKE`/`ILIKE`
 *   (lines 1128, 1229-1236);
 * - searchbackend/.../SqlInjectionChecker.java:103-145: a `%` gets a `\` unless after a `\`,
 *   a `\` is doubled unless after a `\` or before a `%`, `'` or `\` (the first character's
 *   successor is never read, line 140 runs after it), and a value ending with `\` throws
 *   (line 108), which SearchQuery.java:646 answers as no result;
 * - the SQL string is read as written (`standard_conforming_strings`, PostgreSQL's default;
 *   commit 809690a3b88 dropped the doubled `\` of PostgreSQL 8 for that).
 * So `50%` and `a\b` are literal, `*` is the only run wildcard, and `_` is any one character
 * only after `!=` (its `NOT ILIKE` is not escaped).
 */

import assert from "node:assert/strict";
import { simulatorSession } from "./sim_session.ts";

const NAMES = ["ab", "a%b", "a\\b", "a_b", "axb", "50%", "500", "a\\_", "\\%b", "\\xb"];

Deno.test("simulator: search values match as the engine's escaped SQL LIKE", async () => {
  await using session = await simulatorSession({ delay: 0, empty: true });
  const vms = session.connection.systemService().vmsService();
  // In descriptions: the engine takes no such characters in names.
  for (const [i, description] of NAMES.entries()) {
    await vms.add({
      name: `vm${i}`,
      description,
      cluster: { name: "Default" },
      template: { name: "Blank" },
    });
  }
  const found = async (search: string) =>
    (await vms.list({ search })).map((vm) => vm.description).sort();
  assert.deepEqual(await found("description=50%"), ["50%"], "% is escaped: a literal %");
  assert.deepEqual(await found("description=a%b"), ["a%b"]);
  assert.deepEqual(await found("description=a\\b"), ["a\\b"], "\\ is doubled: a literal \\");
  assert.deepEqual(await found("description=a\\%b"), ["a%b"], "\\% is left as it is: a literal %");
  assert.deepEqual(
    await found("description=a\\*b"),
    ["a\\b"],
    "escaped first: \\\\ then the * run",
  );
  assert.deepEqual(
    await found("description=a\\\\b"),
    ["a\\b"],
    "\\\\ is left as it is: a literal \\",
  );
  assert.deepEqual(
    await found("description=a_b"),
    ["a_b"],
    "_ is escaped: no single-character match",
  );
  assert.deepEqual(
    await found("description=a\\_"),
    ["a\\_"],
    "\\_ turns into \\\\\\_: both literal",
  );
  assert.deepEqual(
    await found("description=\\%b"),
    ["\\%b", "\\xb"],
    "a leading \\ is doubled: % a run",
  );
  assert.deepEqual(await found("description=a*"), ["a%b", "a\\_", "a\\b", "a_b", "ab", "axb"]);
  assert.deepEqual(await found("description!=a%"), [...NAMES].sort(), "no name is a%");
  assert.deepEqual(
    await found("description!=a_b"),
    ["50%", "500", "\\%b", "\\xb", "a\\_", "ab"],
    "_ any one",
  );
  assert.deepEqual(await found("A\\%"), ["a%b"], "free text: %A\\%%");
});

Deno.test("simulator: a search value ending with \\ finds nothing, as on the engine", async () => {
  await using session = await simulatorSession({ delay: 0, empty: true });
  const vms = session.connection.systemService().vmsService();
  await vms.add({
    name: "vm1",
    description: "a\\",
    cluster: { name: "Default" },
    template: { name: "Blank" },
  });
  for (
    const search of [
      "description=a\\",
      'description="a\\\\\\"',
      "description!=x\\",
      "description=a\\\\",
      "a\\\\",
    ]
  ) {
    assert.deepEqual(await vms.list({ search }), [], search);
  }
  const found = (await vms.list({ search: "description=a\\*" })).map((vm) => vm.description);
  assert.deepEqual(found, ["a\\"], "a \\ before * is doubled: a literal \\, then any run");
});
