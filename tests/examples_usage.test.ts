/**
 * The examples' command lines: a wrong one (an unknown flag, a flag without its value, a
 * missing target of a destructive example, a number that is none) is refused before the
 * script does anything, with its usage line on stderr and exit code 2.
 *
 * @module
 */

import assert from "node:assert/strict";
import { startSimulator } from "../testing/mod.ts";
import { type ArgsCase, type ArgsRun, runExamplesArgs } from "./example_args.ts";
import {
  type ExampleContext,
  type ExampleRun,
  exampleScripts,
  exampleTest,
} from "./example_harness.ts";

/** The usage line of an example's header, on one line. */
function usageOf(source: string): string {
  const match = source.match(/Usage: `([^`]*)`/);
  assert.ok(match);
  return `Usage: ${match[1].replace(/\s*\n\s*\*\s*/g, " ")}`;
}

/** Asserts that a run was refused as a usage error: exit code 2, one line on stderr. */
function assertRefused(run: ExampleRun, usage: string, what: string): void {
  assert.equal(run.code, 2, `${what}: exit code\n${run.stderr}`);
  assert.equal(run.stdout, "", `${what}: stdout`);
  const lines = run.stderr.split("\n");
  assert.equal(lines.length, 2, `${what}: one line on stderr, not\n${run.stderr}`);
  assert.ok(lines[0].endsWith(`. ${usage}`), `${what}: ends with the usage line\n${lines[0]}`);
}

/**
 * Runs every case's example with its arguments (all in one process, see example_args.ts) and
 * checks that each was refused, ending at its `Deno.exit`, with its usage line.
 */
async function assertAllRefused(cases: ArgsCase[], env: Record<string, string>): Promise<void> {
  const runs: ArgsRun[] = await runExamplesArgs(cases, env);
  for (const [index, run] of runs.entries()) {
    const { name, args } = cases[index];
    const what = `${name} ${args.join(" ")}`;
    assert.equal(run.ending, "exited", `${what}: how it ended\n${run.stdout}\n${run.stderr}`);
    assertRefused(run, usageOf(await Deno.readTextFile(`examples/${name}.ts`)), what);
  }
  assert.equal(runs.length, cases.length, "every case ran");
}

Deno.test("every example refuses an unknown flag and a flag without its value, before doing anything", async () => {
  await using simulator = await startSimulator({ delay: 0 });
  const env = {
    OVIRT_URL: simulator.url,
    OVIRT_USERNAME: simulator.username,
    OVIRT_PASSWORD: simulator.password,
  };
  const names = await exampleScripts();
  assert.equal(names.length, 113);
  const cases: ArgsCase[] = [];
  for (const name of names) {
    const source = await Deno.readTextFile(`examples/${name}.ts`);
    cases.push({ name, args: ["--no-such-flag", "x"] });
    // Its first flag that takes a value (the connection's --url when it has none), last.
    const flag = source.match(/^ +"?([a-z][a-z-]*)"?: \{ type: "string"/m)?.[1] ?? "url";
    cases.push({ name, args: [`--${flag}`] });
  }
  await assertAllRefused(cases, env);
  assert.equal(simulator.loginCount, 0, "no example logged in");
  assert.equal(simulator.requestCount, 0, "no example sent a request");
});

// Numbers and choices that are none: refused before the script does anything (the tester
// saw --block-size 0 loop forever, --keep -1 remove every checkpoint, --count abc add no
// disk and exit 0, --seconds abc never stop).
// IMAGE stands for a small image file of the test.
const IMAGE = "IMAGE";
const BAD_VALUES: [string, string[]][] = [
  ["checksum_image", ["--file", IMAGE, "--block-size", "0"]],
  ["checksum_image", ["--file", IMAGE, "--block-size", "4194304x"]],
  ["checksum_image", ["--file", IMAGE, "--algorithm", "md5"]],
  ["checksum_image", []],
  ["checksum_disk", ["--block-size=-4096"]],
  ["checkpoints", ["--keep", "-1"]],
  ["checkpoints", ["--keep=-1"]],
  ["checkpoints", ["--keep", "abc"]],
  ["add_disks", ["--count", "abc"]],
  ["add_disks", ["--count", "2", "--format", "qcow"]],
  ["poll_events", ["--seconds", "abc"]],
  ["poll_events", ["--max-events", "1.5"]],
  ["add_floating_disk", ["--size-gib", "0"]],
  ["add_vm_disk", ["--size-gib", "1e3"]],
  ["add_instance_type", ["--sockets", ""]],
  ["add_logical_network", ["--vlan=-5"]],
  ["add_vm_pool", ["--prestarted", "some"]],
  ["add_data_center", ["--version", "four"]],
  ["asynchronous_inventory", ["--connections", "0"]],
  ["connection_builder", ["--timeout", "30s"]],
  ["download_disk", ["--connections", "many"]],
  ["upload_disk", ["--file", IMAGE, "--disk-format", "qcow2"]],
  ["upload_disk", []],
  ["add_fence_agent", []],
  ["extend_disk", ["--grow-gib=-2"]],
  ["page_vms", ["--page-size", "0"]],
  ["update_quota_limits", ["--vcpu-limit=-2"]],
  ["image_transfer", ["--interval", "0"]],
  ["image_transfer", ["--seconds", "soon"]],
  ["image_transfer", ["--direction", "uplaod"]],
  ["upgrade_host", ["--host", "host1", "--check-timeout", "0"]],
  ["cancel_transfer", []],
  ["upload_from_ova", []],
  ["upload_ova_as_vm_or_template", []],
];

/** The flags an example's `scriptArgs` takes, from its source. */
function flagsOf(source: string): string[] {
  const block = source.match(/scriptArgs\(USAGE, \{\n([^]*?)\n\}\)/)?.[1] ?? "";
  return [...block.matchAll(/^ {2}"?([a-z][a-z0-9-]*)"?: \{/gm)].map((match) => match[1]);
}

Deno.test("every flag an example takes is in its header's usage line and in its USAGE", async () => {
  for (const name of await exampleScripts()) {
    const source = await Deno.readTextFile(`examples/${name}.ts`);
    const header = usageOf(source);
    const usage = source.match(/const USAGE =\s*(["'])(.*?)\1;/)?.[2] ?? "";
    assert.equal(usage, header, `${name}: USAGE is the header's usage line`);
    for (const flag of flagsOf(source)) {
      assert.ok(header.includes(`--${flag}`), `${name}: --${flag} is not in its usage line`);
    }
  }
});

Deno.test("examples refuse numbers and choices that are none, before doing anything", async () => {
  await using simulator = await startSimulator({ delay: 0 });
  const env = {
    OVIRT_URL: simulator.url,
    OVIRT_USERNAME: simulator.username,
    OVIRT_PASSWORD: simulator.password,
  };
  const image = await Deno.makeTempFile({ prefix: "ovirt-sdk-image-" });
  await Deno.writeFile(image, new Uint8Array(4096));
  try {
    const cases = BAD_VALUES.map(([name, given]) => ({
      name,
      args: given.map((arg) => arg === IMAGE ? image : arg),
    }));
    await assertAllRefused(cases, env);
  } finally {
    await Deno.remove(image);
  }
  assert.equal(simulator.requestCount, 0, "no example sent a request");
});

/** A check that the example was refused with its usage line and left the engine alone. */
function refused(name: string, more?: (context: ExampleContext) => Promise<void>) {
  return async (context: ExampleContext) => {
    const usage = usageOf(await Deno.readTextFile(`examples/${name}.ts`));
    assertRefused({ code: 2, ...context }, usage, name);
    assert.equal(context.simulator.loginCount, 1, "only the test's own connection logged in");
    await more?.(context);
  };
}

async function assertVm(context: ExampleContext, name: string): Promise<void> {
  const vms = await context.connection.systemService().vmsService().list({
    search: `name=${name}`,
  });
  assert.equal(vms.length, 1, `VM ${name} is still there`);
}

// The tester's cases: a typo in the flag removed the default VM; a flag without its value
// named a VM "true".
exampleTest("remove_vm", {
  args: ["--mv", "vm019"],
  exitCode: 2,
  prepare: async (connection) => void await connection.test(true),
  check: refused("remove_vm", (context) => assertVm(context, "vm003")),
}, "example remove_vm --mv vm019 (a typo) is refused and removes nothing");

exampleTest("add_vm", {
  args: ["--name"],
  exitCode: 2,
  prepare: async (connection) => void await connection.test(true),
  check: refused("add_vm", async ({ connection }) => {
    const vms = await connection.systemService().vmsService().list({ search: "name=true" });
    assert.deepEqual(vms, []);
  }),
}, "example add_vm --name (no value) is refused and adds no VM");

// Destructive examples name their target: without it they are refused.
const destructive: Record<string, (context: ExampleContext) => Promise<void>> = {
  remove_vm: (context) => assertVm(context, "vm003"),
  stop_vm: async (context) => {
    const [vm] = await context.connection.systemService().vmsService().list({
      search: "name=vm001",
    });
    assert.equal(vm.status, "up");
  },
  remove_host: async ({ connection }) => {
    const hosts = await connection.systemService().hostsService().list();
    assert.deepEqual(hosts.map((host) => host.status), ["up", "up", "up"]);
  },
  data_center_maintenance: async ({ connection }) => {
    const [dataCenter] = await connection.systemService().dataCentersService().list({
      search: "name=Default",
    });
    assert.equal(dataCenter.status, "up");
  },
  delete_disks: async ({ connection }) => {
    const disks = await connection.systemService().disksService().list({ search: "name=disk-*" });
    assert.deepEqual(disks.map((disk) => disk.name), ["disk-keep"]);
  },
  remove_tag: async ({ connection }) => {
    const tags = await connection.systemService().tagsService().list();
    assert.deepEqual(tags.map((tag) => tag.name).sort(), ["production", "root", "web"]);
  },
  remove_numa_nodes_from_vm: (context) => assertVm(context, "vm003"),
  upgrade_host: async ({ connection }) => {
    const hosts = await connection.systemService().hostsService().list();
    assert.ok(hosts.every((host) => host.status === "up"));
  },
  reprovision_stateless_vm_in_pool: (context) => assertVm(context, "vm001"),
  deactivate_disk_attachment: (context) => assertVm(context, "vm001"),
};
for (const [name, unchanged] of Object.entries(destructive)) {
  exampleTest(name, {
    exitCode: 2,
    prepare: async (connection) => {
      await connection.test(true);
      await connection.systemService().disksService().add({
        name: "disk-keep",
        format: "cow",
        provisionedSize: 1024 ** 3,
        storageDomains: [{ name: "data" }],
      });
    },
    check: refused(name, unchanged),
  }, `example ${name} without its target is refused`);
}
