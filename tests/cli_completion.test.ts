/**
 * Shell completion: `ovirt __complete` (what the scripts call) offers commands, verbs,
 * flags and, with a session, the names of objects; the bash and fish scripts complete in a
 * real bash and fish; the zsh script is checked by zsh (fish and zsh where installed).
 */

import assert from "node:assert/strict";
import { Connection } from "../mod.ts";
import { startSimulator } from "../testing/mod.ts";
import { CLI, cliHome, ovirt, simulatorEnv, spawnOvirt, twoAtATime } from "./cli_harness.ts";

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
  const complete = async (...words: string[]) => {
    const run = await ovirt(["__complete", ...words], env);
    assert.equal(run.code, 0, run.stderr);
    return run.stdout.trimEnd().split("\n").filter((line) => line !== "");
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
    const [first, lo, vmSta, disk, flags, vmsList, completionF] = await twoAtATime([
      () => complete(""),
      () => complete("lo"),
      () => complete("vm", "sta"),
      () => complete("disk", ""),
      () => complete("vm", "migrate", "x", "--ho"),
      () => complete("vms", "list", "--"),
      () => complete("completion", "f"),
    ]);
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
    for (const typed of ["my\\ w", '"my w', "'my web", '"my web d']) {
      assert.deepEqual(await complete("disk", "show", typed), ["my web disk"], typed);
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
    const [short, long, formats, url, wait, storage, vmHelp, help] = await twoAtATime([
      () => complete("-o", "json", "vm", "sta"),
      () => complete("--output=json", "vm", "sta"),
      () => complete("-o", "j"),
      () => complete("--url", sim.url, "vms", "list", "--se"),
      () => complete("vm", "migrate", "x", "--host", "h", "--wa"),
      () => complete("disk", "upload", "f", "--st"),
      () => complete("vm", "-h"),
      () => complete("-h"),
    ]);
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
    assert.deepEqual(await complete("vm", "show", "vm00"), vm00);
    assert.deepEqual(await complete("vm", "--url", dead, "show", "vm00"), []);
    assert.deepEqual(await complete("vm", "show", "--url", dead, "vm00"), []);
    assert.deepEqual(await complete("vm", "show", `--url=${dead}`, "vm00"), []);
    assert.deepEqual(await complete("--url", dead, "vm", "show", "--url", sim.url, "vm00"), vm00);
    // The engine of a profile (OVIRT_URL would override it).
    const { OVIRT_URL: _, ...profileEnv } = env;
    for (const [name, url] of [["sim@lab", sim.url], ["dead", dead]]) {
      const set = await ovirt(["profile", "set", name, "--url", url], profileEnv);
      assert.equal(set.code, 0, set.stderr);
    }
    const withProfile = async (...words: string[]) =>
      (await ovirt(["__complete", ...words], profileEnv)).stdout.split("\n").filter((w) => w);
    assert.deepEqual(await withProfile("vm", "show", "vm00"), vm00, "the current profile");
    assert.deepEqual(await withProfile("vm", "-p", "dead", "show", "vm00"), []);
    assert.deepEqual(await withProfile("vm", "show", "-p", "dead", "vm00"), []);
    assert.deepEqual(await withProfile("-p", "dead", "vm", "show", "-p", "sim@lab", "vm00"), vm00);
  });

  await t.step("help, --, disk download, values of -o and -p, profile names", async () => {
    assert.deepEqual(await complete("help", "vm", "sta"), ["start", "statistics"]);
    assert.ok((await complete("help", "")).includes("vm"));
    assert.deepEqual(await complete("he"), ["help"]);
    assert.deepEqual(await complete("--", "vm", "sta"), ["start", "statistics"]);
    assert.deepEqual(await complete("-o", "json", "--", "vm", "sta"), ["start", "statistics"]);
    await using connection = new Connection({
      url: sim.url,
      username: sim.username,
      password: sim.password,
    });
    const disks = (await connection.systemService().disksService().list()).map((d) => d.name!);
    assert.ok(disks.length > 0);
    assert.deepEqual(await complete("disk", "download", ""), disks.toSorted());
    assert.deepEqual(await complete("disk", "download", disks[0], ""), [], "a FILE: the shell's");
    assert.deepEqual(await complete("vms", "--output=j"), ["--output=json"]);
    assert.deepEqual(await complete("-ho", "j"), ["json"], "-o ends a group of short flags");
    assert.deepEqual(await complete("-p", "sim"), ["sim@lab"]);
    assert.deepEqual(await complete("vms", "--profile=d"), ["--profile=dead"]);
    assert.deepEqual(await complete("profile", "use", "d"), ["dead"]);
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
