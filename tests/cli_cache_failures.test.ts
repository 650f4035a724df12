/**
 * `ovirt` with a session cache it cannot use, run as processes against a simulator: a cache
 * that cannot be changed (run without write permission, as on a read-only home) or read (a
 * session file that is a folder; run without read permission) never ends in a stack trace,
 * and a command that has `OVIRT_PASSWORD` warns once and logs in with it, as it does when
 * the cached session expired or the engine rejects it.
 */

import assert from "node:assert/strict";
import { startSimulator } from "../testing/mod.ts";
import { CLI, cliHome, cliProcess, type CliRun, oneErrorLine } from "./cli_harness.ts";

/**
 * Runs `ovirt args...` with `env`, allowed to read (`read`) and write (`write`) the files of
 * those lists only (an empty list: none).
 */
async function limitedOvirt(
  args: readonly string[],
  env: Record<string, string>,
  read: readonly string[],
  write: readonly string[],
): Promise<CliRun> {
  const allow = (what: string, paths: readonly string[]) =>
    paths.length > 0 ? [`--allow-${what}=${paths.join(",")}`] : [];
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--no-prompt",
      "--allow-net",
      "--allow-env",
      ...allow("read", read),
      ...allow("write", write),
      CLI,
      ...args,
    ],
    env: { NO_COLOR: "1", PATH: Deno.env.get("PATH") ?? "", ...env },
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return { code, stdout: decoder.decode(stdout), stderr: decoder.decode(stderr) };
}

/** The lines of standard error. */
function lines(run: CliRun): string[] {
  return run.stderr.split("\n").filter((line) => line !== "");
}

Deno.test("a rejected cached session: exit 4 with one line where the cache cannot be changed; a login with OVIRT_PASSWORD", async () => {
  await using cli = cliProcess(); // its commands without input run one after the other in it
  await using sim = await startSimulator({ delay: 0, vms: 2 });
  await using home = await cliHome();
  const env = { ...home.env, OVIRT_URL: sim.url, OVIRT_USERNAME: sim.username };
  const login = await cli.run(["login"], { ...env, OVIRT_PASSWORD: sim.password });
  assert.equal(login.code, 0, login.stderr);
  sim.revokeTokens(); // as an engine restart or a logout elsewhere would

  const readOnly = await limitedOvirt(["vms", "list", "-o", "ids"], env, [home.path], []);
  assert.equal(readOnly.code, 4, readOnly.stderr);
  assert.doesNotMatch(readOnly.stderr, /Uncaught|^ {4}at /m);
  const [warning, error] = lines(readOnly);
  assert.match(warning, /^ovirt: warning: the ended session could not be removed from the cache: /);
  assert.match(error, /^ovirt: The session of admin@internal at .* has expired or was revoked/);
  assert.equal(lines(readOnly).length, 2, readOnly.stderr);

  const logins = sim.loginCount;
  const withPassword = await limitedOvirt(
    ["vms", "list", "-o", "ids"],
    { ...env, OVIRT_PASSWORD: sim.password },
    [home.path],
    [],
  );
  assert.equal(withPassword.code, 0, withPassword.stderr);
  assert.equal(withPassword.stdout.trim().split("\n").length, 2);
  assert.equal(withPassword.stderr, "");
  assert.equal(sim.loginCount, logins + 1, "one login with the password");

  // Where the file can be removed, it is: the next command without a password is told to log in.
  const removed = await cli.run(["vms", "list"], env);
  assert.equal(removed.code, 4, removed.stderr);
  assert.match(oneErrorLine(removed), /has expired or was revoked/);
  const gone = await cli.run(["vms", "list"], env);
  assert.match(oneErrorLine(gone), /Not logged in/);

  // ovirt logout where the file cannot be removed: the token is revoked all the same.
  const again = await cli.run(["login"], { ...env, OVIRT_PASSWORD: sim.password });
  assert.equal(again.code, 0, again.stderr);
  const logout = await limitedOvirt(["logout"], env, [home.path], []);
  assert.equal(logout.code, 0, logout.stderr);
  assert.match(
    logout.stderr,
    /^Logged out of .*\novirt: warning: the token is revoked, but its session file could not be removed: /,
  );
  const revoked = await cli.run(["vms", "list"], env);
  assert.match(oneErrorLine(revoked), /has expired or was revoked/);
});

Deno.test("an expired cached session: a login with OVIRT_PASSWORD, also where the file cannot be removed", async () => {
  await using cli = cliProcess(); // its commands without input run one after the other in it
  await using sim = await startSimulator({ delay: 0, vms: 2, tokenLifetime: 1500 });
  await using home = await cliHome();
  const env = { ...home.env, OVIRT_URL: sim.url, OVIRT_USERNAME: sim.username };
  const logIn = async () => {
    const login = await cli.run(["login"], { ...env, OVIRT_PASSWORD: sim.password });
    assert.equal(login.code, 0, login.stderr);
    await new Promise((resolve) => setTimeout(resolve, 2000));
  };
  await logIn();
  const readOnly = await limitedOvirt(
    ["vms", "list", "-o", "ids"],
    { ...env, OVIRT_PASSWORD: sim.password },
    [home.path],
    [],
  );
  assert.equal(readOnly.code, 0, readOnly.stderr);
  assert.equal(readOnly.stdout.trim().split("\n").length, 2);
  assert.match(oneErrorLine(readOnly), /^ovirt: warning: the ended session could not be removed/);
  const noPassword = await limitedOvirt(["vms", "list"], env, [home.path], []);
  assert.equal(noPassword.code, 4, noPassword.stderr);
  assert.match(lines(noPassword).at(-1)!, /expired at .*: run `ovirt login` again/);

  const cron = await cli.run(["vms", "list", "-o", "ids"], {
    ...env,
    OVIRT_PASSWORD: sim.password,
  });
  assert.equal(cron.code, 0, cron.stderr);
  assert.equal(cron.stderr, "");
  const after = await cli.run(["vms", "list"], env);
  assert.match(oneErrorLine(after), /Not logged in/, "the expired session file was removed");
});

Deno.test("a cached session that cannot be read: with OVIRT_PASSWORD one warning, else one error line", async () => {
  await using cli = cliProcess(); // its commands without input run one after the other in it
  await using sim = await startSimulator({ delay: 0, vms: 2 });
  await using home = await cliHome();
  const env = { ...home.env, OVIRT_URL: sim.url, OVIRT_USERNAME: sim.username };
  const login = await cli.run(["login"], { ...env, OVIRT_PASSWORD: sim.password });
  assert.equal(login.code, 0, login.stderr);
  const sessions = `${home.path}/cache/ovirt/sessions`;
  const [file] = [...Deno.readDirSync(sessions)].map((entry) => `${sessions}/${entry.name}`);
  // A session file that is a folder cannot be read, as one of root's (after `sudo -E`).
  await Deno.remove(file);
  await Deno.mkdir(file);
  await Deno.writeTextFile(`${file}/x`, "");

  const withPassword = await cli.run(["vms", "list", "-o", "ids"], {
    ...env,
    OVIRT_PASSWORD: sim.password,
  });
  assert.equal(withPassword.code, 0, withPassword.stderr);
  assert.equal(withPassword.stdout.trim().split("\n").length, 2);
  assert.match(
    oneErrorLine(withPassword),
    /^ovirt: warning: Cannot read the cached session .*; logging in with OVIRT_PASSWORD instead$/,
  );
  // Not allowed to read the cache at all: the same.
  const unreadable = await limitedOvirt(
    ["vms", "list", "-o", "ids"],
    { ...env, OVIRT_PASSWORD: sim.password },
    [`${home.path}/config`],
    [],
  );
  assert.equal(unreadable.code, 0, unreadable.stderr);
  assert.match(oneErrorLine(unreadable), /^ovirt: warning: Cannot read the cached session/);

  const noPassword = await cli.run(["vms", "list"], env);
  assert.equal(noPassword.code, 1, noPassword.stderr);
  assert.match(oneErrorLine(noPassword), /^ovirt: Cannot read the cached session /);
});
