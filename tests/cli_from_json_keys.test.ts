/**
 * `--from FILE` in JSON refuses a key given twice in one object, as XML refuses a member given
 * twice: `JSON.parse` would keep the last without a word. Run as processes against a
 * simulator, through a front that sees what is sent: the refusal names the key's path and
 * where the second one starts, and nothing is sent; keys are compared as read (escapes
 * undone); the same key in two objects is no repeat; JSON that is not valid keeps its error.
 */

import assert from "node:assert/strict";
import {
  cliBench,
  cliProcess,
  oneErrorLine,
  ovirt,
  spawnOvirt,
  startFront,
} from "./cli_harness.ts";

const ONE = "it holds one value (keep one)";

Deno.test("--from JSON refuses a key given twice, naming it and where, before sending", async () => {
  await using cli = cliProcess(); // its commands without input run one after the other in it
  await using bench = await cliBench();
  const { connection, home } = bench;
  const vms = connection.systemService().vmsService();
  const [found] = await vms.list({ search: "name=vm001" });
  const vm = vms.vmService(found.id!);
  await vm.update({ description: "kept" });
  await using front = startFront(bench.sim);
  const env = { ...bench.env, OVIRT_URL: front.url };
  const file = `${home.path}/twice.json`;
  const cases: [string, string][] = [
    [
      `{"description":"first","description":"second"}`,
      `vm.description given again at line 1, column 24: ${ONE}`,
    ],
    // Nested, on lines ended by CR LF; columns count characters (the emoji is one).
    [
      `{\r\n  "cpu": {"topology": {"cores": 2,\r\n    "cores": 4}},\r\n` +
      `  "comment": "\u{1F600}", "comment": "x", "comment": "y"\r\n}`,
      "vm.cpu.topology.cores given again at line 3, column 5, vm.comment given again at " +
      "line 4, column 19: each holds one value (keep one)",
    ],
    // In an item of a list (the same key in two items is no repeat), and a list twice.
    [
      `{"disk_attachments": [{"bootable": true}, {"bootable": true, "bootable": false}]}`,
      `vm.disk_attachments[1].bootable given again at line 1, column 62: ${ONE}`,
    ],
    [
      `{"disk_attachments": [], "disk_attachments": []}`,
      `vm.disk_attachments given again at line 1, column 26: ${ONE}`,
    ],
    // Keys are compared as read: \u0069 is i; an escaped quote is part of the key.
    [
      `{"descr\\u0069ption": "a", "description": "b"}`,
      `vm.description given again at line 1, column 27: ${ONE}`,
    ],
    [`{"a\\"b": 1, "a\\"b": 2}`, `vm["a\\"b"] given again at line 1, column 13: ${ONE}`],
  ];
  for (const [json, says] of cases) {
    await Deno.writeTextFile(file, json);
    const run = await cli.run(["vm", "update", "vm001", "--from", file], env);
    assert.equal(run.code, 2, `${json}: ${run.stderr}`);
    assert.equal(oneErrorLine(run), `ovirt: --from ${file}: ${says}`);
  }

  // One member under both its spellings: two JSON keys, one value.
  await Deno.writeTextFile(file, `{"cpuShares": 1, "cpu_shares": 2}`);
  const spelled = await cli.run(["vm", "update", "vm001", "--from", file], env);
  assert.equal(spelled.code, 2, spelled.stderr);
  assert.match(oneErrorLine(spelled), /Vm member "cpu_shares" given again under another spelling/);

  // Standard input the same way.
  const child = spawnOvirt(["vm", "update", "vm001", "--from", "-"], env, "piped");
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(`{"name": "a",\n"name": "b"}`));
  await writer.close();
  const piped = await child.output();
  const stderr = new TextDecoder().decode(piped.stderr);
  assert.equal(piped.code, 2, stderr);
  assert.equal(stderr, `ovirt: --from -: vm.name given again at line 2, column 1: ${ONE}\n`);

  // JSON that is not valid says so as before, repeated key or not.
  const invalid = `{"description": "a", "description": }`;
  await Deno.writeTextFile(file, invalid);
  const bad = await cli.run(["vm", "update", "vm001", "--from", file], env);
  assert.equal(bad.code, 2, bad.stderr);
  let parseError = "";
  try {
    JSON.parse(invalid);
  } catch (error) {
    parseError = (error as Error).message;
  }
  assert.equal(oneErrorLine(bad), `ovirt: --from ${file}: not JSON or XML (${parseError})`);

  assert.deepEqual(front.requests.filter((request) => request.method !== "GET"), []);
  assert.equal((await vm.get()).description, "kept", "nothing was sent");
});

Deno.test("--from JSON with a key in several objects, or in a string, is sent", async () => {
  await using bench = await cliBench();
  const { connection, home, env } = bench;
  const vms = connection.systemService().vmsService();
  const file = `${home.path}/once.json`;
  // `name` in the vm, its cluster and its template; quotes, braces and a key in a value.
  const description = `say "description": {x}, [y] \\`;
  await Deno.writeTextFile(
    file,
    JSON.stringify({
      name: "vm001",
      description,
      cluster: { name: "Default" },
      template: { name: "Blank" },
    }),
  );
  const run = await ovirt(["vm", "update", "vm001", "--from", file], env);
  assert.equal(run.code, 0, run.stderr);
  const [found] = await vms.list({ search: "name=vm001" });
  assert.equal(found.description, description);
});
