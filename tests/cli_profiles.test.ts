/**
 * Profiles kept usable and read strictly: `profile set --ca-file` keeps the file's absolute
 * path (the profile is used from other folders), a hand-edited config with a setting that is
 * none or a value of the wrong type is refused naming it, and a current profile that does
 * not exist is refused by `profile show` as by every other command.
 */

import assert from "node:assert/strict";
import { CLI, cliHome, cliProcess, oneErrorLine, ovirt } from "./cli_harness.ts";

const URL = "https://engine.example.com/ovirt-engine/api";

Deno.test("profile set keeps the CA file's absolute path", async () => {
  await using home = await cliHome();
  const folder = await Deno.makeTempDir();
  try {
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", CLI, "profile", "set", "tls", "--url", URL, "--ca-file", "ca-rel.pem"],
      env: home.env,
      cwd: folder,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
    const shown = await ovirt(["profile", "show", "tls", "-o", "json"], home.env);
    assert.equal(shown.code, 0, shown.stderr);
    assert.equal(JSON.parse(shown.stdout).caFile, `${await Deno.realPath(folder)}/ca-rel.pem`);
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

Deno.test("a hand-edited config is read strictly", async () => {
  await using cli = cliProcess(); // its commands without input run one after the other in it
  await using home = await cliHome();
  const config = `${home.path}/config/ovirt/config.json`;
  await Deno.mkdir(`${home.path}/config/ovirt`, { recursive: true });
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ url: URL, usrname: "admin@internal" }, /"usrname" is not a setting/],
    [{ url: URL, insecure: "yes" }, /"insecure" must be true or false, not "yes"/],
    [{ url: URL, caFile: 7 }, /"caFile" must be a string, not 7/],
  ];
  for (const [profile, message] of cases) {
    await Deno.writeTextFile(
      config,
      JSON.stringify({ current: "lab", profiles: { lab: profile } }),
    );
    const run = await cli.run(["vms", "list"], home.env);
    assert.equal(run.code, 2, run.stderr);
    assert.match(oneErrorLine(run), message);
    assert.match(oneErrorLine(run), /profile "lab"/);
  }

  await Deno.writeTextFile(config, JSON.stringify({ current: "gone", profiles: {} }));
  const show = await cli.run(["profile", "show"], home.env);
  assert.equal(show.code, 2, show.stdout);
  assert.match(oneErrorLine(show), /No profile "gone"/);
  const list = await cli.run(["vms", "list"], home.env);
  assert.equal(list.code, 2);
  assert.match(oneErrorLine(list), /No profile "gone"/);
});
