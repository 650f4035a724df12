/**
 * The examples on a named object that does not exist (a VM, a host, a disk, a storage domain,
 * a file), on what they refuse to do, on an engine's refusal and on a connection not
 * configured: one line on stderr saying why and exit code 1, no stack trace; and the same
 * after a Ctrl-C, with exit code 130 (`examples/lib/refused.ts`, `found.ts`, `interrupt.ts`).
 *
 * @module
 */

import assert from "node:assert/strict";
import { Connection } from "../mod.ts";
import { startSimulator } from "../testing/mod.ts";
import { type ExampleRun, exampleScripts, runExample } from "./example_harness.ts";

// Each: the example, its arguments, the one line it is to end with.
const MISSING: [string, string[], string][] = [
  ["start_vm", ["--vm", "nope"], "No VM named nope"],
  ["list_host_statistics", ["--host", "nope"], "No host named nope"],
  ["list_disk_snapshots", ["--disk", "nope"], "No disk with name or id nope"],
  ["list_glance_images", ["--storage-domain", "nope"], "No storage domain named nope"],
  // One that stops cleanly on Ctrl-C (`interrupt.ts` listens for the script's error too).
  ["download_disk", ["--disk", "nope"], "No disk with name or id nope"],
  // Both exist, but the one is not attached to the other.
  [
    "deactivate_disk_attachment",
    ["--vm", "vm001", "--disk", "vm002_disk1"],
    "Disk vm002_disk1 is not attached to VM vm001",
  ],
  // Its default export domain is not in the seeded simulator (the README says so).
  ["export_vm", [], "No storage domain named export"],
  ["add_user_ssh_public_key", ["--key-file", "/nonexistent/id.pub"], "/nonexistent/id.pub"],
  ["checksum_image", ["--file", "/nonexistent/disk.raw"], "/nonexistent/disk.raw"],
  // What the example itself refuses to do (`Refused`).
  ["reduce_disk", ["--disk", "vm001_disk1"], "only disks on block storage (iSCSI, FC) can be"],
  // What the engine refuses (a 409): the tag is added by the test first.
  ["add_tag", ["--name", "taken"], "The Tag name is already in use"],
];

/** Asserts that `run` ended with exit code 1 and the one line `line` on stderr. */
function assertOneLine(run: ExampleRun, what: string, line: string): void {
  assert.equal(run.code, 1, `${what}: exit code\n${run.stderr}`);
  assert.equal(run.stdout, "", `${what}: stdout`);
  const lines = run.stderr.split("\n");
  assert.equal(lines.length, 2, `${what}: one line on stderr, not\n${run.stderr}`);
  assert.ok(lines[0].includes(line), `${what}: says ${line}, not\n${run.stderr}`);
  assert.doesNotMatch(lines[0], /Uncaught|^error:/, `${what}: the message alone`);
}

Deno.test("examples end with one line and exit code 1 on an object or file that does not exist", async () => {
  await using simulator = await startSimulator({ delay: 0, tls: false });
  const env = {
    OVIRT_URL: simulator.url,
    OVIRT_USERNAME: simulator.username,
    OVIRT_PASSWORD: simulator.password,
  };
  {
    await using connection = new Connection({
      url: simulator.url,
      username: simulator.username,
      password: simulator.password,
    });
    await connection.systemService().tagsService().add({ name: "taken" });
  }
  const queue = [...MISSING];
  await Promise.all([0, 1].map(async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
      const [name, args, line] = item;
      const run = await runExample(name, args, env, 30_000);
      assertOneLine(run, `${name} ${args.join(" ")}`, line);
    }
  }));
});

Deno.test("examples run without OVIRT_URL end with one line saying so", async () => {
  for (const name of ["list_vms", "start_vm"]) {
    const run = await runExample(name, [], { OVIRT_URL: "" }, 30_000);
    assertOneLine(run, name, "No engine URL: pass --url");
  }
});

Deno.test("every example that connects ends on the SDK's errors with their message alone", async () => {
  const without: string[] = [];
  for (const name of await exampleScripts()) {
    const source = await Deno.readTextFile(`examples/${name}.ts`);
    const connects = source.includes("new Connection(");
    if (connects && !/from "\.\/lib\/found\.ts"|"\.\/lib\/refused\.ts"/.test(source)) {
      without.push(name);
    }
  }
  assert.deepEqual(without, [], "these import neither lib/refused.ts nor lib/found.ts");
});

// What a script does that looks something up once the user has pressed Ctrl-C: the line is
// said once (not by both listeners), and the exit code is Ctrl-C's.
const AFTER_CTRL_C = `
import { NotFound } from "${new URL("../examples/lib/found.ts", import.meta.url)}";
import { onCtrlC } from "${new URL("../examples/lib/interrupt.ts", import.meta.url)}";
using interrupt = onCtrlC();
console.log("ready");
await new Promise((resolve) => interrupt.signal.addEventListener("abort", resolve));
throw new NotFound("No VM named nope");
`;

Deno.test("a lookup that finds nothing after Ctrl-C is told once, with exit code 130", async () => {
  const script = await Deno.makeTempFile({ prefix: "ovirt-sdk-not-found-", suffix: ".ts" });
  try {
    await Deno.writeTextFile(script, AFTER_CTRL_C);
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "--no-check", "--allow-read", script],
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(30_000),
    }).spawn();
    const stderr = new Response(child.stderr).text();
    // The first chunk of stdout is "ready": the script listens for Ctrl-C.
    const reader = child.stdout.getReader();
    const { value } = await reader.read();
    assert.equal(new TextDecoder().decode(value), "ready\n");
    await reader.cancel();
    child.kill("SIGINT");
    const { code } = await child.status;
    assert.equal(
      await stderr,
      "Interrupted: cleaning up (press Ctrl-C again to exit at once)\nNo VM named nope\n",
    );
    assert.equal(code, 130);
  } finally {
    await Deno.remove(script);
  }
});

Deno.test("no example throws a bare Error for an object it does not find", async () => {
  const bare = /throw new Error\(\s*[`"']No /;
  const offenders: string[] = [];
  for (const name of await exampleScripts()) {
    if (bare.test(await Deno.readTextFile(`examples/${name}.ts`))) offenders.push(name);
  }
  assert.deepEqual(offenders, [], "these throw new Error(`No ...`): use found() or NotFound");
});

Deno.test("the README's export domain recipe lets export_vm run with its defaults", async () => {
  const readme = await Deno.readTextFile("README.md");
  const block = readme.match(/storage domain named `export`[^]*?```sh\n([^]*?)```/)?.[1];
  assert.ok(block, "the Examples section shows how to make the export domain");
  await using simulator = await startSimulator({ delay: 0, tls: false });
  const home = await Deno.makeTempDir({ prefix: "ovirt-sdk-home-" });
  const env = {
    OVIRT_URL: simulator.url,
    OVIRT_USERNAME: simulator.username,
    OVIRT_PASSWORD: simulator.password,
  };
  try {
    for (const command of block.replace(/\\\n\s*/g, "").trim().split("\n")) {
      // `npx --yes deno@2.9.6` is this Deno, its `task cli` the command line in `deno.json`.
      const [npx, yes, deno, ...words] = command.split(/\s+/);
      assert.deepEqual([npx, yes, deno], ["npx", "--yes", "deno@2.9.6"], command);
      const args = words[0] === "task" && words[1] === "cli"
        ? ["run", "--allow-net", "--allow-read", "--allow-write", "--allow-env", "cli/main.ts"]
          .concat(words.slice(2))
        : words;
      const output = await new Deno.Command(Deno.execPath(), {
        args: args[0] === "run" ? ["run", "--no-check", ...args.slice(1)] : args,
        env: { ...env, HOME: home, XDG_CONFIG_HOME: home, NO_COLOR: "1" },
        stdout: "piped",
        stderr: "piped",
        signal: AbortSignal.timeout(30_000),
      }).output();
      assert.equal(output.code, 0, `${command}\n${new TextDecoder().decode(output.stderr)}`);
    }
    const run = await runExample("export_vm", [], env, 30_000);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /VM vm003 is on export domain export/);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});
