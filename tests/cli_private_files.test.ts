/**
 * The CLI's cached sessions and config file are replaced in one step: `ovirt` commands
 * running at once (cron jobs that each log in) never fail on one another's file, and a
 * command reading it meanwhile finds the old session or the new one, never none; `ovirt
 * profile` changes the config under a lock, so changes made at once are all kept.
 *
 * @module
 */

import assert from "node:assert/strict";
import { type ConfigFile, readConfig, writeConfig } from "../cli/config.ts";
import { readSession, writeSession } from "../cli/token_cache.ts";
import { cliHome, ovirt } from "./cli_harness.ts";

const URL = "https://engine.example.com/ovirt-engine/api";

async function withHome(test: (env: (name: string) => string | undefined) => Promise<void>) {
  const home = await Deno.makeTempDir({ prefix: "ovirt-private-files-" });
  try {
    await test((name) => name === "HOME" ? home : undefined);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
}

Deno.test("sessions written at once all succeed, and a reader always finds one", async () => {
  await withHome(async (env) => {
    const session = (n: number) => ({
      url: URL,
      username: "admin@internal",
      token: `token-${n}`,
      created: new Date().toISOString(),
    });
    await writeSession(env, session(0));
    let writing = true;
    const missed: number[] = [];
    const reader = (async () => {
      for (let read = 0; writing; read++) {
        if ((await readSession(env, URL)) === undefined) missed.push(read);
      }
    })();
    const writers = [];
    for (let n = 1; n <= 200; n++) writers.push(writeSession(env, session(n)));
    const settled = await Promise.allSettled(writers);
    writing = false;
    await reader;
    assert.deepEqual(settled.filter((result) => result.status === "rejected"), []);
    assert.deepEqual(missed, [], "reads that found no session while others were written");
    const last = await readSession(env, URL);
    assert.match(last!.token, /^token-\d+$/);
    const dir = `${env("HOME")}/.cache/ovirt/sessions`;
    const files = [...Deno.readDirSync(dir)].map((entry) => entry.name);
    assert.equal(files.length, 1, `no temporary file left: ${files}`);
    assert.equal(Deno.statSync(`${dir}/${files[0]}`).mode! & 0o777, 0o600);
  });
});

Deno.test("a config file being written is read whole meanwhile", async () => {
  await withHome(async (env) => {
    const config: ConfigFile = { profiles: {} };
    for (let n = 0; n < 200; n++) config.profiles[`p${n}`] = { url: `${URL}/${n}` };
    await writeConfig(env, config);
    let writing = true;
    const problems: string[] = [];
    const reader = (async () => {
      while (writing) {
        try {
          const read = await readConfig(env);
          if (Object.keys(read.profiles).length !== 200) problems.push("profiles missing");
        } catch (error) {
          problems.push((error as Error).message);
        }
      }
    })();
    for (let n = 0; n < 100; n++) await writeConfig(env, config);
    writing = false;
    await reader;
    assert.deepEqual([...new Set(problems)], []);
  });
});

Deno.test("the config file is replaced with mode 0600, through a symbolic link", async () => {
  await withHome(async (env) => {
    const dir = `${env("HOME")}/.config/ovirt`;
    await Deno.mkdir(dir, { recursive: true });
    const kept = `${env("HOME")}/dotfiles-config.json`;
    await Deno.writeTextFile(kept, '{"profiles":{}}\n', { mode: 0o644 });
    await Deno.symlink(kept, `${dir}/config.json`);
    const config: ConfigFile = { profiles: { prod: { url: URL } } };
    await Promise.all([writeConfig(env, config), writeConfig(env, config)]);
    assert.ok(Deno.lstatSync(`${dir}/config.json`).isSymlink, "the link stays a link");
    assert.equal(Deno.statSync(kept).mode! & 0o777, 0o600);
    assert.deepEqual((await readConfig(env)).profiles.prod?.url, URL);
    assert.deepEqual([...Deno.readDirSync(env("HOME")!)].map((e) => e.name).sort(), [
      ".config",
      "dotfiles-config.json",
    ]);
  });
});

Deno.test("ovirt profile set run at once keep every profile", async () => {
  await using home = await cliHome();
  const names = ["site1", "site2", "site3", "site4", "site5", "site6"];
  const runs = await Promise.all(
    names.map((name) => ovirt(["profile", "set", name, "--url", `${URL}/${name}`], home.env)),
  );
  for (const run of runs) assert.equal(run.code, 0, run.stderr);
  const listed = await ovirt(["profile", "list", "-o", "json"], home.env);
  assert.equal(listed.code, 0, listed.stderr);
  const kept = (JSON.parse(listed.stdout) as { name: string }[]).map((row) => row.name).sort();
  assert.deepEqual(kept, names);
});
