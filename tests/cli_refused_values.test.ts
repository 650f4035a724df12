/**
 * Values the SDK would refuse to send are refused by `ovirt` before anything is sent, as a
 * bad command line (exit 2): characters XML cannot carry, a CA file that cannot be read, an
 * action body member that is no parameter; and a name that starts with "-" is answered with
 * the advice to put it after "--".
 */

import assert from "node:assert/strict";
import { cliBench, cliProcess, oneErrorLine } from "./cli_harness.ts";

Deno.test("values refused before sending exit 2 and change nothing", async () => {
  await using cli = cliProcess(); // its commands without input run one after the other in it
  await using bench = await cliBench();
  const { env, connection } = bench;
  const vms = connection.systemService().vmsService();
  const [vm] = await vms.list({ search: "name=vm008" });

  const control = await cli.run(["vm", "update", "vm008", "--description", "a\u001bb"], env);
  assert.equal(control.code, 2, control.stderr);
  assert.match(oneErrorLine(control), /XML cannot carry/);
  assert.equal((await vms.vmService(vm.id!).get()).description, vm.description);

  const ca = await cli.run(["vms", "list", "--ca-file", `${bench.home.path}/none.pem`], env);
  assert.equal(ca.code, 2, ca.stderr);
  assert.match(
    oneErrorLine(ca),
    /Cannot read the CA file ".*none\.pem" of --ca-file: no such file/,
  );

  const body = `${bench.home.path}/migrate.json`;
  await Deno.writeTextFile(body, JSON.stringify({ discardSnapshots: true, host: { name: "h" } }));
  const action = await cli.run(["api", "POST", `/vms/${vm.id}/migrate`, "--from", body], env);
  assert.equal(action.code, 2, action.stderr);
  assert.match(
    oneErrorLine(action),
    /"discard_snapshots" is not a parameter of the migrate action/,
  );

  // An action's parameters are checked as the object sent is, from flags and from --from.
  const reason = await cli.run(["vm", "stop", vm.id!, "--reason", "a\u0001b"], env);
  assert.equal(reason.code, 2, reason.stderr);
  assert.match(oneErrorLine(reason), /reason holds characters XML cannot carry/);
  const stop = `${bench.home.path}/stop.json`;
  await Deno.writeTextFile(stop, JSON.stringify({ force: true, reason: "a\u0001b" }));
  const fromFile = await cli.run(["api", "POST", `/vms/${vm.id}/stop`, "--from", stop], env);
  assert.equal(fromFile.code, 2, fromFile.stderr);

  const dash = await cli.run(["vm", "show", "-dash"], env);
  assert.equal(dash.code, 2);
  assert.match(oneErrorLine(dash), /goes after "--"/);
  // A mistyped flag or one the verb does not have is told as it is, without that advice.
  const flag = await cli.run(["vm", "remove", "whatever", "--wait"], env);
  assert.equal(flag.code, 2);
  assert.equal(oneErrorLine(flag), "ovirt: Unknown option '--wait'; see --help");
  const afterDashes = await cli.run(["vm", "show", "--", "-dash"], env);
  assert.equal(afterDashes.code, 3, "the advice works: looked up, and not found");
});
