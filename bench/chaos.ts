/**
 * The chaos run of the README's reliability section: `deno task chaos [calls] [runs]`.
 * Starts the simulator, injects about 20 % failures of every kind, makes `calls` concurrent
 * mixed calls through each transport, `runs` times with different seeds, and prints what
 * became of them.
 */

import { runChaos } from "../tests/chaos_run.ts";

const calls = Number(Deno.args[0] ?? 200);
const runs = Number(Deno.args[1] ?? 5);
console.log(
  "| transport | seed | ok | OvirtError (by class) | raw | hung | dup. adds | requests | ms |",
);
console.log("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
for (const insecure of [false, true]) {
  for (let seed = 1; seed <= runs; seed++) {
    const result = await runChaos({ calls, seed, insecure });
    const failed = Object.entries(result.failed).map(([name, count]) => `${name} ${count}`);
    console.log(
      `| ${insecure ? "node:https" : "fetch"} | ${seed} | ${result.succeeded} | ${
        failed.join(", ")
      } | ${result.rawExceptions.length} | ${result.hung} | ${result.duplicatedAdds} | ${result.requests} | ${
        Math.round(result.millis)
      } |`,
    );
  }
}
