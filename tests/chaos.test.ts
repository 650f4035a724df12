import assert from "node:assert/strict";
import { runChaos } from "./chaos_run.ts";

for (const [name, insecure] of [["fetch", false], ["node:https", true]] as const) {
  Deno.test(`chaos (${name}): 200 concurrent calls under injected failures`, async () => {
    const result = await runChaos({ calls: 200, seed: insecure ? 7 : 3, insecure });
    const summary = JSON.stringify(result);
    assert.equal(result.hung, 0, `no call hangs: ${summary}`);
    assert.deepEqual(result.rawExceptions, [], `every failure is an OvirtError: ${summary}`);
    assert.equal(result.duplicatedAdds, 0, `no add is applied twice: ${summary}`);
    assert.equal(
      result.succeeded + Object.values(result.failed).reduce((sum, count) => sum + count, 0),
      200,
    );
    assert.ok(result.requests > 200, `faults were met and calls repeated: ${summary}`);
    assert.ok(result.succeeded >= 120, `repetitions carry most calls through: ${summary}`);
  });
}
