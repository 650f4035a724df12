/**
 * How the engine joins conditions: a written `and` binds tighter than `or`, and
 * conditions side by side without a connector are AND-ed last, after the `or`s:
 * `a b or c` is `a and (b or c)`, `a or b c` is `(a or b) and c`.
 */

import assert from "node:assert/strict";
import { simulatorSession } from "./sim_session.ts";

function names(items: { name?: string }[]): string[] {
  return items.map((item) => item.name!);
}

Deno.test("simulator: conditions without a connector are AND-ed after the ors", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const vms = session.connection.systemService().vmsService();
  const [first] = await vms.list({ search: "name=vm001" });
  assert.equal(first.status, "up");
  const down = names(await vms.list({ search: "status=down" }));
  assert.ok(down.length > 0 && !down.includes("vm002"));
  assert.deepEqual(await vms.list({ search: "name=vm001 status=down or name=vm002" }), []);
  assert.deepEqual(
    names(await vms.list({ search: "status=down or name=vm002 name=vm00*" })),
    ["vm002", ...down.filter((name) => name.startsWith("vm00"))].sort(),
  );
  assert.deepEqual(
    names(await vms.list({ search: "name=vm001 and status=down or name=vm002" })),
    ["vm002"],
    "a written and binds tighter than or",
  );
  assert.deepEqual(
    names(await vms.list({ search: "name=vm002 or name=vm001 and status=down" })),
    ["vm002"],
  );
});
