/**
 * Integer parameters (`--max`, the `--from` of events) are counts and ids: a size suffix is
 * refused (exit 2, nothing sent) instead of turning `--max 3G` into 3221225472, while the
 * members that are sizes (`--memory 1G`) keep their units; `--help` says which is which.
 */

import assert from "node:assert/strict";
import { cliBench, cliProcess, oneErrorLine } from "./cli_harness.ts";

Deno.test("counts are whole numbers, sizes keep their units", async (t) => {
  await using bench = await cliBench();
  await using cli = cliProcess(); // the commands run one after the other in it
  const run = (...args: string[]) => cli.run(args, bench.env);

  await t.step("a count with a size suffix or a fraction is refused, nothing sent", async () => {
    const before = bench.sim.requestCount;
    for (
      const [args, flag, value] of [
        [["vms", "list", "--max", "3G"], "max", "3G"],
        [["vms", "--max", "1k"], "max", "1k"],
        [["events", "list", "--from", "2K"], "from", "2K"],
        [["vm", "nics", "vm001", "--max", "1.5M"], "max", "1.5M"],
        [["vms", "list", "--max", "2.0"], "max", "2.0"],
      ] as const
    ) {
      const refused = await run(...args);
      assert.equal(refused.code, 2, args.join(" "));
      assert.equal(
        oneErrorLine(refused),
        `ovirt: --${flag}: "${value}" is not a whole number (a count or id, no size suffix)`,
      );
    }
    assert.equal(bench.sim.requestCount, before, "nothing was sent");
  });

  await t.step("a plain count still works", async () => {
    const listed = await run("vms", "list", "--max", "2", "-o", "ids");
    assert.equal(listed.code, 0, listed.stderr);
    assert.equal(listed.stdout.trim().split("\n").length, 2);
  });

  await t.step("help offers units for sizes only", async () => {
    const events = await run("events", "list", "--help");
    assert.match(events.stdout, /^ {2}--max VALUE +integer$/m);
    assert.match(events.stdout, /^ {2}--from VALUE +integer$/m);
    const add = await run("vm", "add", "--help");
    assert.match(add.stdout, /^ {2}--memory VALUE +integer, sizes may end in K, M, G, T/m);
  });

  await t.step("a size member keeps its units: --memory 1G", async () => {
    const added = await run(
      "vm",
      "add",
      "--name",
      "cli-sized",
      "--cluster",
      "Default",
      "--template",
      "Blank",
      "--memory",
      "1G",
    );
    assert.equal(added.code, 0, added.stderr);
    const [vm] = await bench.connection.systemService().vmsService().list({
      search: "name=cli-sized",
    });
    assert.equal(vm?.memory, 1024 ** 3);
  });
});
