/**
 * Shell completion: `ovirt __complete` (what the scripts call) offers commands, verbs,
 * flags and, with a session, the names of objects; the bash and fish scripts complete in a
 * real bash and fish; the zsh script is checked by zsh (fish and zsh where installed).
 */

import assert from "node:assert/strict";
import { Connection } from "../mod.ts";
import { startSimulator } from "../testing/mod.ts";
import { CLI, cliHome, ovirt, simulatorEnv } from "./cli_harness.ts";

async function installed(shell: string): Promise<boolean> {
  try {
    return (await new Deno.Command(shell, { args: ["-c", "true"], stdout: "null", stderr: "null" })
      .output()).success;
  } catch {
    return false;
  }
}

Deno.test("ovirt completion", async (t) => {
  await using sim = await startSimulator({ delay: 0 });
  await using home = await cliHome();
  const env = { ...home.env, ...simulatorEnv(sim) };
  const complete = async (...words: string[]) => {
    const run = await ovirt(["__complete", ...words], env);
    assert.equal(run.code, 0, run.stderr);
    return run.stdout.trimEnd().split("\n").filter((line) => line !== "");
  };
  /**
   * What the bash script offers for each command `line` (the last word being completed), in
   * a real bash whose PATH has `bin` (holding an `ovirt` wrapper); and bash's errors.
   */
  const inBash = async (bin: string, ...lines: string[]) => {
    const script = ["source <(ovirt completion bash)"];
    for (const line of lines) {
      const words = line.split(" ");
      script.push(
        `COMP_WORDS=(${words.join(" ")}); COMP_CWORD=${words.length - 1}; _ovirt; ` +
          `printf '%s\\n' "\${COMPREPLY[@]}"`,
      );
    }
    const result = await new Deno.Command("bash", {
      args: ["-c", script.join("\n")],
      env: { ...env, PATH: `${bin}:${Deno.env.get("PATH")}` },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const decoder = new TextDecoder();
    return [decoder.decode(result.stdout), decoder.decode(result.stderr)];
  };

  await t.step("commands, verbs, flags and sub-words", async () => {
    const first = await complete("");
    for (const word of ["vms", "vm", "disk", "login", "logout", "profile", "api", "completion"]) {
      assert.ok(first.includes(word), word);
    }
    assert.deepEqual(await complete("lo"), ["login", "logout"]);
    assert.deepEqual(await complete("vm", "sta"), ["start", "statistics"]);
    assert.ok((await complete("disk", "")).includes("upload"));
    const flags = await complete("vm", "migrate", "x", "--ho");
    assert.deepEqual(flags, ["--host"]);
    assert.ok((await complete("vms", "list", "--")).includes("--search"));
    assert.deepEqual(await complete("completion", "f"), ["fish"]);
  });

  await t.step("the names of objects, read from the engine", async () => {
    await using connection = new Connection({
      url: sim.url,
      username: sim.username,
      password: sim.password,
    });
    const names = (await connection.systemService().vmsService().list()).map((vm) => vm.name!);
    assert.deepEqual(await complete("vm", "start", ""), names.toSorted());
    assert.deepEqual(
      await complete("vm", "nics", "vm00"),
      names.filter((n) => n.startsWith("vm00")).toSorted(),
    );
    const offline = await ovirt(["__complete", "vm", "start", ""], home.env);
    assert.equal(offline.code, 0, "no engine: nothing to offer, and no error");
    assert.equal(offline.stdout, "");
  });

  await t.step("the bash script completes in bash", async () => {
    const bin = `${home.path}/bin`;
    await Deno.mkdir(bin);
    await Deno.writeTextFile(
      `${bin}/ovirt`,
      `#!/bin/sh\nexec "${Deno.execPath()}" run -A "${CLI}" "$@"\n`,
      { mode: 0o755 },
    );
    const [text, errors] = await inBash(bin, "ovirt vm sta", "ovirt vms list --se");
    assert.equal(text, "start\nstatistics\n--search\n", errors);
  });

  await t.step("bash gets a name with spaces as one word, quoted", async () => {
    await using connection = new Connection({
      url: sim.url,
      username: sim.username,
      password: sim.password,
    });
    await connection.systemService().vmsService().add({
      name: "my web vm",
      cluster: { name: "Default" },
      template: { name: "Blank" },
    });
    const bin = `${home.path}/bin`; // the wrapper of the bash step
    const [text, errors] = await inBash(bin, "ovirt vm start my");
    assert.equal(text, "my\\ web\\ vm\n", errors);
  });

  await t.step("global flags before the resource, and their values, are skipped", async () => {
    assert.deepEqual(await complete("-o", "json", "vm", "sta"), ["start", "statistics"]);
    assert.deepEqual(await complete("--output=json", "vm", "sta"), ["start", "statistics"]);
    assert.deepEqual(await complete("-o", "j"), ["json"], "the formats of -o");
    assert.deepEqual(
      await complete("--url", sim.url, "vms", "list", "--se"),
      ["--search"],
    );
    assert.deepEqual(await complete("vm", "migrate", "x", "--host", "h", "--wa"), [
      "--wait",
      "--wait-interval",
      "--wait-timeout",
    ]);
    assert.deepEqual(await complete("disk", "upload", "f", "--st"), ["--storage-domain"]);
    // -h being typed is no request for help: no usage line among the candidates.
    assert.deepEqual(await complete("vm", "-h"), []);
    assert.deepEqual(await complete("-h"), []);
  });

  await t.step("the fish script completes in fish (where installed)", async () => {
    if (!(await installed("fish"))) return;
    const bin = `${home.path}/bin`; // the wrapper of the bash step
    const result = await new Deno.Command("fish", {
      args: ["-c", "ovirt completion fish | source; complete -C 'ovirt vm sta'"],
      env: { ...env, PATH: `${bin}:${Deno.env.get("PATH")}` },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(result.stdout);
    assert.equal(text, "start\nstatistics\n", new TextDecoder().decode(result.stderr));
  });

  await t.step("zsh and fish scripts load in their shells (where installed)", async () => {
    for (const shell of ["zsh", "fish"]) {
      const run = await ovirt(["completion", shell], env);
      assert.equal(run.code, 0);
      assert.match(run.stdout, /ovirt __complete/);
      if (!(await installed(shell))) continue;
      const check = await new Deno.Command(shell, {
        args: ["-n", "-c", run.stdout],
        stdout: "null",
        stderr: "piped",
      }).output();
      assert.ok(check.success, new TextDecoder().decode(check.stderr));
    }
    const bad = await ovirt(["completion", "tcsh"], env);
    assert.equal(bad.code, 2);
  });
});
