/**
 * Small things of `ovirt` in scripts, run as processes against a simulator: a `--from` JSON
 * file that starts with a byte order mark, a config file that is no JSON (exit 2, saying
 * how to recover), and a progress bar without escape sequences on a `TERM=dumb` terminal.
 */

import assert from "node:assert/strict";
import { startSimulator } from "../testing/mod.ts";
import { CLI, cliHome, oneErrorLine, ovirt, simulatorEnv } from "./cli_harness.ts";

Deno.test("a --from JSON file with a byte order mark is read", async () => {
  await using sim = await startSimulator({ delay: 0, vms: 1 });
  await using home = await cliHome();
  const env = { ...home.env, ...simulatorEnv(sim) };
  const file = `${home.path}/vm.json`;
  const vm = { name: "bom", cluster: { name: "Default" }, template: { name: "Blank" } };
  await Deno.writeTextFile(file, `\uFEFF${JSON.stringify(vm)}`);
  const added = await ovirt(["vm", "add", "--from", file, "-o", "json"], env);
  assert.equal(added.code, 0, added.stderr);
  assert.equal(JSON.parse(added.stdout).name, "bom");
});

Deno.test("a config that is no JSON, or empty, is exit 2 saying how to recover", async () => {
  await using home = await cliHome();
  const env = { ...home.env, OVIRT_URL: "http://127.0.0.1:9/ovirt-engine/api" };
  const file = `${home.path}/config/ovirt/config.json`;
  await Deno.mkdir(`${home.path}/config/ovirt`, { recursive: true });
  const recover = "mend it, or remove it and make the profiles again with `ovirt profile set`";
  await Deno.writeTextFile(file, "");
  const empty = await ovirt(["vms", "list"], env);
  assert.equal(empty.code, 2, empty.stderr);
  assert.equal(oneErrorLine(empty), `ovirt: ${file} is empty: ${recover}`);
  await Deno.writeTextFile(file, '{"profiles": {');
  const broken = await ovirt(["profile", "list"], env);
  assert.equal(broken.code, 2, broken.stderr);
  assert.match(oneErrorLine(broken), /is not valid JSON \(.*\): mend it, or remove it/);
  await Deno.writeTextFile(file, "[]");
  const array = await ovirt(["vms", "list"], env);
  assert.equal(array.code, 2, array.stderr);
  assert.equal(oneErrorLine(array), `ovirt: ${file} must hold a JSON object: ${recover}`);
});

/** Whether util-linux `script` can make a pseudo-terminal here (it needs /dev/pts). */
const hasTerminal = new Deno.Command("script", {
  args: ["-q", "-e", "-c", "true", "/dev/null"],
  stdin: "null",
  stdout: "null",
  stderr: "null",
}).output().then((result) => result.success, () => false);

Deno.test({
  name: "the progress bar writes no escape sequence on a TERM=dumb terminal",
  ignore: !(await hasTerminal),
  fn: async () => {
    await using sim = await startSimulator({ delay: 0, vms: 1 });
    await using home = await cliHome();
    const file = `${home.path}/disk.raw`;
    await Deno.writeFile(file, new Uint8Array(8 * 1024 ** 2));
    const quote = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`;
    const args = ["disk", "upload", file, "--storage-domain", "data", "--wait-interval", "20ms"];
    const command = [Deno.execPath(), "run", "-A", CLI, ...args, "-o", "ids"].map(quote);
    const run = await new Deno.Command("script", {
      args: ["-q", "-e", "-c", command.join(" "), "/dev/null"],
      env: { ...home.env, ...simulatorEnv(sim), NO_COLOR: "1", TERM: "dumb" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const screen = new TextDecoder().decode(run.stdout);
    assert.equal(run.code, 0, screen);
    assert.ok(!screen.includes("\x1b"), JSON.stringify(screen));
    assert.match(screen, /Uploading disk 100% \(8\.0 MiB\)\r\n/);
  },
});
