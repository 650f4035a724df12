/**
 * Shell completion: `ovirt __complete` (what the scripts call) offers commands, verbs,
 * flags and, with a session, the names of objects; the bash and fish scripts complete in a
 * real bash and fish; the zsh script is checked by zsh (fish and zsh where installed).
 */

import assert from "node:assert/strict";
import { Connection } from "../mod.ts";
import { startSimulator } from "../testing/mod.ts";
import { CLI, cliHome, type CliRun, ovirtBatch, simulatorEnv, spawnOvirt } from "./cli_harness.ts";

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

async function installed(shell: string): Promise<boolean> {
  try {
    return (await new Deno.Command(shell, { args: ["-c", "true"], stdout: "null", stderr: "null" })
      .output()).success;
  } catch {
    return false;
  }
}

/**
 * COMP_WORDS as bash makes them of `line` (without quotes in it): split at spaces, and at
 * the characters of `breaks` (COMP_WORDBREAKS), a run of them one word: `--url=https://e:1/`
 * is `--url`, `=`, `https`, `:`, `//e`, `:`, `1/`. A line that ends in a space adds an empty
 * word.
 */
function bashWords(line: string, breaks: string): string[] {
  const set = `[${breaks.replace(/[\s"']/g, "").replace(/[\]\\^-]/g, "\\$&")}]`;
  const pattern = new RegExp(`${set}+|(?:(?!${set}).)+`, "g");
  const words = line.split(" ").filter((word, index, all) =>
    word !== "" || index === all.length - 1
  );
  return words.flatMap((word) => word === "" ? [""] : word.match(pattern)!);
}

/** COMP_WORDBREAKS of a bash that has loaded `library` (bash-completion takes @ out). */
async function wordBreaks(library?: string): Promise<string> {
  const result = await new Deno.Command("bash", {
    args: ["-c", `${library ? `source ${library}; ` : ""}printf %s "$COMP_WORDBREAKS"`],
    stdout: "piped",
  }).output();
  return new TextDecoder().decode(result.stdout);
}

/** `text` in single quotes for bash. */
function quote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

Deno.test("ovirt completion", async (t) => {
  await using sim = await startSimulator({ delay: 0 });
  await using home = await cliHome();
  const env = { ...home.env, ...simulatorEnv(sim) };
  /** The lines `ovirt __complete` prints for each list of words, all run in one process. */
  const completeAll = async (...lists: string[][]) => {
    const runs = await ovirtBatch(lists.map((words) => ({ args: ["__complete", ...words], env })));
    return runs.map((run, index) => {
      assert.equal(run.code, 0, `${lists[index].join(" ")}: ${run.stderr}`);
      return run.stdout.trimEnd().split("\n").filter((line) => line !== "");
    });
  };
  /** Runs `args` in `shell` with the `ovirt` wrapper of `bin` on PATH: its stdout and stderr. */
  const inShell = async (shell: string, args: string[], bin: string, cwd?: string) => {
    const result = await new Deno.Command(shell, {
      args,
      env: { ...env, PATH: `${bin}:${Deno.env.get("PATH")}` },
      ...(cwd ? { cwd } : {}),
      stdout: "piped",
      stderr: "piped",
    }).output();
    const decoder = new TextDecoder();
    return [decoder.decode(result.stdout), decoder.decode(result.stderr)] as const;
  };
  /**
   * What the bash script offers for each command `line` (the last word being completed), in
   * a real bash whose PATH has `bin` (holding an `ovirt` wrapper), with bash-completion's
   * library loaded first if `library`; and bash's errors. COMP_LINE, COMP_POINT, COMP_WORDS
   * and COMP_CWORD are set as bash sets them.
   */
  const inBash = async (bin: string, lines: readonly string[], library?: string) => {
    const script = [
      ...(library ? [`source ${library}`] : []),
      "source <(ovirt completion bash)",
    ];
    const breaks = await wordBreaks(library);
    for (const line of lines) {
      const words = bashWords(line, breaks);
      script.push(
        `COMP_LINE=${quote(line)}; COMP_POINT=${line.length}; ` +
          `COMP_WORDS=(${words.map(quote).join(" ")}); COMP_CWORD=${words.length - 1}; ` +
          `_ovirt; printf '%s\\n' "\${COMPREPLY[@]}"`,
      );
    }
    return await inShell("bash", ["-c", script.join("\n")], bin);
  };

  await t.step("commands, verbs, flags and sub-words", async () => {
    const [first, lo, vmSta, disk, flags, vmsList, completionF] = await completeAll(
      [""],
      ["lo"],
      ["vm", "sta"],
      ["disk", ""],
      ["vm", "migrate", "x", "--ho"],
      ["vms", "list", "--"],
      ["completion", "f"],
    );
    for (const word of ["vms", "vm", "disk", "login", "logout", "profile", "api", "completion"]) {
      assert.ok(first.includes(word), word);
    }
    assert.deepEqual(lo, ["login", "logout"]);
    assert.deepEqual(vmSta, ["start", "statistics"]);
    assert.ok(disk.includes("upload"));
    assert.deepEqual(flags, ["--host"]);
    assert.ok(vmsList.includes("--search"));
    assert.deepEqual(completionF, ["fish"]);
  });

  await t.step("the names of objects, read from the engine", async () => {
    await using connection = new Connection({
      url: sim.url,
      username: sim.username,
      password: sim.password,
    });
    const names = (await connection.systemService().vmsService().list()).map((vm) => vm.name!);
    const [start, nics] = await completeAll(["vm", "start", ""], ["vm", "nics", "vm00"]);
    assert.deepEqual(start, names.toSorted());
    assert.deepEqual(nics, names.filter((n) => n.startsWith("vm00")).toSorted());
    const [offline] = await ovirtBatch([{
      args: ["__complete", "vm", "start", ""],
      env: home.env,
    }]);
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
    const [text, errors] = await inBash(bin, ["ovirt vm sta", "ovirt vms list --se"]);
    assert.equal(text, "start\nstatistics\n--search\n", errors);
  });

  await t.step("bash gets a name with spaces as one word, quoted", async () => {
    await using connection = new Connection({
      url: sim.url,
      username: sim.username,
      password: sim.password,
    });
    // A disk no VM gets: the engine checks no alias of such a disk, and takes a space there
    // (in no name of a VM, host or storage domain).
    await connection.systemService().disksService().add({
      name: "my web disk",
      provisionedSize: 1024 ** 2,
      format: "raw",
      storageDomains: [{ name: "data" }],
    });
    const bin = `${home.path}/bin`; // the wrapper of the bash step
    const [text, errors] = await inBash(bin, ["ovirt disk show my"]);
    assert.equal(text, "my\\ web\\ disk\n", errors);
  });

  await t.step("a name typed with a backslash or a quote before its space completes", async () => {
    const typings = ["my\\ w", '"my w', "'my web", '"my web d'];
    const offers = await completeAll(...typings.map((typed) => ["disk", "show", typed]));
    for (const [index, typed] of typings.entries()) {
      assert.deepEqual(offers[index], ["my web disk"], typed);
    }
    const bin = `${home.path}/bin`; // the wrapper of the bash step
    const cases = [["my\\ web", "my\\ web\\ disk"], ['"my w', "my web disk"], [
      "'my w",
      "my web disk",
    ]];
    const script = ["source <(ovirt completion bash)"];
    for (const [typed] of cases) {
      const line = `ovirt disk show ${typed}`;
      script.push(
        `COMP_LINE=${quote(line)}; COMP_POINT=${line.length}; ` +
          `COMP_WORDS=(ovirt disk show ${quote(typed)}); COMP_CWORD=3; ` +
          `_ovirt; printf '%s\\n' "\${COMPREPLY[@]}"`,
      );
    }
    const [text, errors] = await inShell("bash", ["-c", script.join("\n")], bin);
    assert.equal(text, cases.map(([, offered]) => `${offered}\n`).join(""), errors);
    if (await installed("fish")) {
      const [found, fishErrors] = await inShell(
        "fish",
        [
          "-c",
          `ovirt completion fish | source; complete -C ${quote("ovirt disk show my\\ w")}`,
        ],
        bin,
      );
      assert.equal(found, "my web disk\n", fishErrors);
    }
  });

  await t.step("global flags before the resource, and their values, are skipped", async () => {
    const [short, long, formats, url, wait, storage, vmHelp, help] = await completeAll(
      ["-o", "json", "vm", "sta"],
      ["--output=json", "vm", "sta"],
      ["-o", "j"],
      ["--url", sim.url, "vms", "list", "--se"],
      ["vm", "migrate", "x", "--host", "h", "--wa"],
      ["disk", "upload", "f", "--st"],
      ["vm", "-h"],
      ["-h"],
    );
    assert.deepEqual(short, ["start", "statistics"]);
    assert.deepEqual(long, ["start", "statistics"]);
    assert.deepEqual(formats, ["json"], "the formats of -o");
    assert.deepEqual(url, ["--search"]);
    assert.deepEqual(wait, ["--wait", "--wait-interval", "--wait-timeout"]);
    assert.deepEqual(storage, ["--storage-domain"]);
    // -h being typed is no request for help: no usage line among the candidates.
    assert.deepEqual(vmHelp, []);
    assert.deepEqual(help, []);
  });

  await t.step("the fish script completes in fish (where installed)", async () => {
    if (!(await installed("fish"))) return;
    const bin = `${home.path}/bin`; // the wrapper of the bash step
    const [text, errors] = await inShell(
      "fish",
      ["-c", "ovirt completion fish | source; complete -C 'ovirt vm sta'"],
      bin,
    );
    assert.equal(text, "start\nstatistics\n", errors);
  });

  await t.step("zsh and fish scripts load in their shells (where installed)", async () => {
    const [zsh, fish, bad] = await ovirtBatch(
      ["zsh", "fish", "tcsh"].map((shell) => ({ args: ["completion", shell], env })),
    );
    for (const [shell, run] of [["zsh", zsh], ["fish", fish]] as const) {
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
    assert.equal(bad.code, 2);
  });
  const bin = `${home.path}/bin`; // the wrapper of the bash step
  const dead = "http://127.0.0.1:1/ovirt-engine/api"; // no engine there: no names
  const vmNames = async () => {
    await using connection = new Connection({
      url: sim.url,
      username: sim.username,
      password: sim.password,
    });
    return (await connection.systemService().vmsService().list()).map((vm) => vm.name!).sort();
  };

  await t.step("global flags apply wherever they are, as the command reads them", async () => {
    const vm00 = (await vmNames()).filter((name) => name.startsWith("vm00"));
    assert.ok(vm00.length > 0);
    const [plain, urlBefore, urlAfter, urlJoined, urlTwice] = await completeAll(
      ["vm", "show", "vm00"],
      ["vm", "--url", dead, "show", "vm00"],
      ["vm", "show", "--url", dead, "vm00"],
      ["vm", "show", `--url=${dead}`, "vm00"],
      ["--url", dead, "vm", "show", "--url", sim.url, "vm00"],
    );
    assert.deepEqual(plain, vm00);
    assert.deepEqual(urlBefore, []);
    assert.deepEqual(urlAfter, []);
    assert.deepEqual(urlJoined, []);
    assert.deepEqual(urlTwice, vm00);
    // The engine of a profile (OVIRT_URL would override it), the profiles set first.
    const { OVIRT_URL: _, ...profileEnv } = env;
    const profiles = [["sim@lab", sim.url], ["dead", dead]];
    const [setLab, setDead, current, deadBefore, deadAfter, deadThenLab] = await ovirtBatch([
      ...profiles.map(([name, url]) => ["profile", "set", name, "--url", url]),
      ["__complete", "vm", "show", "vm00"],
      ["__complete", "vm", "-p", "dead", "show", "vm00"],
      ["__complete", "vm", "show", "-p", "dead", "vm00"],
      ["__complete", "-p", "dead", "vm", "show", "-p", "sim@lab", "vm00"],
    ].map((args) => ({ args, env: profileEnv })));
    for (const set of [setLab, setDead]) assert.equal(set.code, 0, set.stderr);
    const offered = (run: CliRun) => run.stdout.split("\n").filter((w) => w);
    assert.deepEqual(offered(current), vm00, "the current profile");
    assert.deepEqual(offered(deadBefore), []);
    assert.deepEqual(offered(deadAfter), []);
    assert.deepEqual(offered(deadThenLab), vm00);
  });

  await t.step("help, --, disk download, values of -o and -p, profile names", async () => {
    await using connection = new Connection({
      url: sim.url,
      username: sim.username,
      password: sim.password,
    });
    const disks = (await connection.systemService().disksService().list()).map((d) => d.name!);
    assert.ok(disks.length > 0);
    const offers = await completeAll(
      ["help", "vm", "sta"],
      ["help", ""],
      ["he"],
      ["--", "vm", "sta"],
      ["-o", "json", "--", "vm", "sta"],
      ["disk", "download", ""],
      ["disk", "download", disks[0], ""],
      ["vms", "--output=j"],
      ["-ho", "j"],
      ["-p", "sim"],
      ["vms", "--profile=d"],
      ["profile", "use", "d"],
    );
    assert.deepEqual(offers[0], ["start", "statistics"]);
    assert.ok(offers[1].includes("vm"));
    assert.deepEqual(offers[2], ["help"]);
    assert.deepEqual(offers[3], ["start", "statistics"]);
    assert.deepEqual(offers[4], ["start", "statistics"]);
    assert.deepEqual(offers[5], disks.toSorted());
    assert.deepEqual(offers[6], [], "a FILE: the shell's");
    assert.deepEqual(offers[7], ["--output=json"]);
    assert.deepEqual(offers[8], ["json"], "-o ends a group of short flags");
    assert.deepEqual(offers[9], ["sim@lab"]);
    assert.deepEqual(offers[10], ["--profile=dead"]);
    assert.deepEqual(offers[11], ["dead"]);
  });

  await t.step("bash completes after words that hold : = or @ (COMP_WORDBREAKS)", async () => {
    const vm00 = (await vmNames()).filter((name) => name.startsWith("vm00"));
    const library = "/usr/share/bash-completion/bash_completion";
    for (const loaded of [undefined, ...(await exists(library) ? [library] : [])]) {
      const atBreaks = (await wordBreaks(loaded)).includes("@");
      const lines = {
        [`ovirt --url ${sim.url} vm show vm00`]: vm00,
        [`ovirt vm show --url=${sim.url} vm00`]: vm00,
        "ovirt vms --output=j": ["json"],
        "ovirt vms --output=": ["csv", "ids", "json", "table", "xml", "yaml"],
        "ovirt -p sim@lab vm sta": ["start", "statistics"],
        "ovirt -p sim@l": [atBreaks ? "lab" : "sim@lab"], // bash replaces what follows a break
        "ovirt -p sim@lab vms -o ": ["csv", "ids", "json", "table", "xml", "yaml"],
      };
      const [text, errors] = await inBash(bin, Object.keys(lines), loaded);
      assert.equal(text, Object.values(lines).flat().map((w) => `${w}\n`).join(""), errors);
    }
  });

  await t.step("zsh completes file names where nothing else fits (where installed)", async () => {
    if (!(await installed("zsh"))) return;
    // compadd and _files as stand-ins that print what they were given.
    const script = [
      "compdef() { :; }",
      'compadd() { local name=$2; print -rl -- "${(@P)name}"; }',
      "_files() { print -r -- '<files>'; }",
      "source <(ovirt completion zsh)",
      "words=(ovirt vm sta); CURRENT=3; _ovirt",
      "words=(ovirt disk upload af); CURRENT=4; _ovirt",
      "words=(ovirt nosuch ''); CURRENT=3; _ovirt",
    ].join("\n");
    const [text, errors] = await inShell("zsh", ["-f", "-c", script], bin);
    assert.equal(text, "start\nstatistics\n<files>\n<files>\n", errors);
  });

  await t.step("fish completes file names where a FILE goes (where installed)", async () => {
    if (!(await installed("fish"))) return;
    const folder = await Deno.makeTempDir({ dir: home.path });
    await Deno.writeTextFile(`${folder}/afile.raw`, "");
    const commands = ["ovirt disk upload af", "ovirt vm add --from af", "ovirt vm sta"];
    const script = "ovirt completion fish | source; " +
      commands.map((line) => `complete -C '${line}'`).join("; ");
    const [text, errors] = await inShell("fish", ["-c", script], bin, folder);
    assert.equal(
      text.replace(/\t.*$/gm, ""), // descriptions, if any
      "afile.raw\nafile.raw\nstart\nstatistics\n",
      errors,
    );
  });
});

Deno.test("completion of names gives up on an engine that does not answer", async () => {
  await using sim = await startSimulator({ delay: 0, stallAnswerNext: 3 });
  await using home = await cliHome();
  const child = spawnOvirt(["__complete", "vm", "show", ""], { ...home.env, ...simulatorEnv(sim) });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<"late">((resolve) => timer = setTimeout(() => resolve("late"), 30_000));
  const ended = await Promise.race([child.output(), late]);
  clearTimeout(timer);
  if (ended === "late") child.kill("SIGKILL");
  assert.notEqual(ended, "late", "completion still waits for the engine after 30 s");
  if (ended !== "late") {
    assert.equal(ended.code, 0);
    assert.equal(new TextDecoder().decode(ended.stdout), "", "nothing to offer");
  }
  await child.status;
});
