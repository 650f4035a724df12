/**
 * `ovirt` set-up: named profiles in the config file (over a TLS simulator, the CA file
 * coming from the profile), `ovirt login` caching the SSO token in a 0600 file, commands
 * running on that session without a password, a session the engine ended, and
 * `ovirt logout` revoking the token.
 */

import assert from "node:assert/strict";
import { Connection } from "../mod.ts";
import { startSimulator } from "../testing/mod.ts";
import { cliHome, cliProcess, oneErrorLine, ovirt } from "./cli_harness.ts";

async function sessionFiles(home: string): Promise<string[]> {
  const dir = `${home}/cache/ovirt/sessions`;
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) names.push(`${dir}/${entry.name}`);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return names;
}

Deno.test("ovirt profiles and sessions", async (t) => {
  await using sim = await startSimulator({ tls: true, delay: 0 });
  await using home = await cliHome();
  await using cli = cliProcess(); // the commands without input run one after the other in it
  const caFile = `${home.path}/ca.pem`;
  await Deno.writeTextFile(caFile, sim.caCert!);
  const env = home.env;
  const ids = (await (async () => {
    await using connection = new Connection({
      url: sim.url,
      username: sim.username,
      password: sim.password,
      caCerts: [sim.caCert!],
    });
    return (await connection.systemService().vmsService().list()).map((vm) => vm.id);
  })()).map((id) => `${id}\n`).join("");

  await t.step(
    "profile set writes a 0600 config file; the first profile becomes current",
    async () => {
      const set = await cli.run(
        [
          "profile",
          "set",
          "lab",
          "--url",
          sim.url,
          "--username",
          sim.username,
          "--ca-file",
          caFile,
        ],
        env,
      );
      assert.equal(set.code, 0, set.stderr);
      const file = `${home.path}/config/ovirt/config.json`;
      assert.equal((await Deno.stat(file)).mode! & 0o777, 0o600);
      const config = JSON.parse(await Deno.readTextFile(file));
      assert.equal(config.current, "lab");
      assert.deepEqual(config.profiles.lab, { url: sim.url, username: sim.username, caFile });
      await cli.run(
        ["profile", "set", "other", "--url", "https://127.0.0.1:9/ovirt-engine/api"],
        env,
      );
      const list = await cli.run(["profile", "list", "--no-headers"], env);
      assert.match(
        list.stdout,
        /^\*\s+lab\s+https:\/\/127\.0\.0\.1:\d+\/ovirt-engine\/api\s+admin@internal$/m,
      );
      assert.match(list.stdout, /^\s+other\s+https:\/\/127\.0\.0\.1:9\//m);
    },
  );

  await t.step("commands take URL, user and CA file from the current profile", async () => {
    const run = await cli.run(["vms", "list", "-o", "ids"], {
      ...env,
      OVIRT_PASSWORD: sim.password,
    });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, ids);
  });

  await t.step(
    "--profile and OVIRT_PROFILE choose another; OVIRT_URL and flags override",
    async () => {
      const withPassword = { ...env, OVIRT_USERNAME: sim.username, OVIRT_PASSWORD: "x" };
      const other = await cli.run(["vms", "list", "-p", "other"], withPassword);
      assert.equal(other.code, 5, other.stderr);
      const byVariable = await cli.run(["vms", "list"], {
        ...withPassword,
        OVIRT_PROFILE: "other",
      });
      assert.equal(byVariable.code, 5, byVariable.stderr);
      const overridden = await cli.run([
        "vms",
        "list",
        "-p",
        "other",
        "--url",
        sim.url,
        "--ca-file",
        caFile,
        "-o",
        "ids",
      ], {
        ...env,
        OVIRT_USERNAME: sim.username,
        OVIRT_PASSWORD: sim.password,
      });
      assert.equal(overridden.code, 0, overridden.stderr);
      const missing = await cli.run(["vms", "list", "-p", "nope"], env);
      assert.equal(missing.code, 2);
      assert.match(oneErrorLine(missing), /No profile "nope" \(known: lab, other\)/);
      const untrusted = await cli.run(["vms", "list", "--ca-file", "/dev/null"], {
        ...env,
        OVIRT_PASSWORD: sim.password,
      });
      assert.notEqual(untrusted.code, 0, "the CA file of the profile is what made TLS work");
      // Without any CA file: the advice names the CLI's flag and variable.
      await using bare = await cliHome();
      const noCa = await cli.run(["vms", "list"], {
        ...bare.env,
        OVIRT_URL: sim.url,
        OVIRT_USERNAME: sim.username,
        OVIRT_PASSWORD: sim.password,
      });
      assert.equal(noCa.code, 5, noCa.stderr);
      assert.match(oneErrorLine(noCa), /give the engine's CA with --ca-file \(or OVIRT_CA_FILE\);/);
    },
  );

  await t.step(
    "--insecure (or OVIRT_INSECURE=1) skips TLS verification; without it, exit 5",
    async () => {
      const bare = {
        ...home.env,
        OVIRT_URL: sim.url,
        OVIRT_USERNAME: sim.username,
        OVIRT_PASSWORD: sim.password,
      };
      const refused = await cli.run(["vms", "list", "-p", "other", "--url", sim.url], bare);
      assert.equal(refused.code, 5);
      assert.match(oneErrorLine(refused), /certificate|TLS|tls/i);
      const insecure = await cli.run([
        "vms",
        "list",
        "-p",
        "other",
        "--url",
        sim.url,
        "--insecure",
        "-o",
        "ids",
      ], bare);
      assert.equal(insecure.code, 0, insecure.stderr);
      assert.equal(insecure.stdout, ids);
      const byVariable = await cli.run(
        ["vms", "list", "-p", "other", "--url", sim.url, "-o", "ids"],
        {
          ...bare,
          OVIRT_INSECURE: "1",
        },
      );
      assert.equal(byVariable.stdout, ids);
    },
  );

  await t.step("without a password or session: one line saying to log in", async () => {
    const run = await cli.run(["vms", "list"], env);
    assert.equal(run.code, 4);
    assert.match(oneErrorLine(run), /ovirt login/);
  });

  let token = "";
  await t.step(
    "login reads the password from a pipe and caches the token in a 0600 file",
    async () => {
      const before = sim.loginCount;
      const login = await ovirt(["login"], env, `${sim.password}\n`);
      assert.equal(login.code, 0, login.stderr);
      assert.equal(sim.loginCount, before + 1);
      const [file, ...more] = await sessionFiles(home.path);
      assert.equal(more.length, 0);
      assert.equal((await Deno.stat(file)).mode! & 0o777, 0o600);
      assert.equal((await Deno.stat(`${home.path}/cache/ovirt/sessions`)).mode! & 0o777, 0o700);
      const session = JSON.parse(await Deno.readTextFile(file));
      token = session.token;
      assert.equal(session.username, sim.username);
      assert.ok(token.length > 10);
      assert.ok(!login.stdout.includes(token) && !login.stderr.includes(token));
      assert.ok(!login.stderr.includes(sim.password));
    },
  );

  await t.step("commands use the cached session: no password, no new login", async () => {
    const before = sim.loginCount;
    const run = await cli.run(["vms", "list", "-o", "ids"], env);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, ids);
    const debug = await cli.run(["vms", "list", "--max", "1", "--debug"], env);
    assert.equal(debug.code, 0);
    assert.ok(debug.stderr.length > 0 && !debug.stderr.includes(token), "the token is redacted");
    assert.equal(sim.loginCount, before);
  });

  await t.step("a session the engine ended: one line, the file removed", async () => {
    sim.revokeTokens();
    const run = await cli.run(["vms", "list"], env);
    assert.equal(run.code, 4);
    assert.match(
      oneErrorLine(run),
      /session .* has expired or was revoked: run `ovirt login` again/,
    );
    assert.deepEqual(await sessionFiles(home.path), []);
  });

  await t.step("logout revokes the token at the SSO and removes the file", async () => {
    const login = await cli.run(["login"], { ...env, OVIRT_PASSWORD: sim.password });
    assert.equal(login.code, 0, login.stderr);
    const [file] = await sessionFiles(home.path);
    const cached = JSON.parse(await Deno.readTextFile(file)).token;
    await using check = new Connection({ url: sim.url, token: cached, caCerts: [sim.caCert!] });
    assert.equal(await check.test(), true);
    const logout = await cli.run(["logout"], env);
    assert.equal(logout.code, 0, logout.stderr);
    assert.equal(await check.test(), false, "the token no longer works");
    assert.deepEqual(await sessionFiles(home.path), []);
    const again = await cli.run(["logout"], env);
    assert.equal(again.code, 4);
    assert.match(oneErrorLine(again), /Not logged in/);
  });

  await t.step("profile use and remove", async () => {
    assert.equal((await cli.run(["profile", "use", "other"], env)).code, 0);
    const shown = await cli.run(["profile", "show", "-o", "json"], env);
    assert.equal(JSON.parse(shown.stdout).name, "other");
    assert.equal((await cli.run(["profile", "remove", "other"], env)).code, 0);
    const config = JSON.parse(await Deno.readTextFile(`${home.path}/config/ovirt/config.json`));
    assert.deepEqual(Object.keys(config.profiles), ["lab"]);
    assert.equal(config.current, undefined);
  });
});

Deno.test("ovirt login keeps the token's expiry; an expired session is refused without a request", async () => {
  await using sim = await startSimulator({ delay: 0, tokenLifetime: 1_500 });
  await using home = await cliHome();
  await using cli = cliProcess(); // the commands without input run one after the other in it
  const env = { ...home.env, OVIRT_URL: sim.url, OVIRT_USERNAME: sim.username };
  const login = await cli.run(["login"], { ...env, OVIRT_PASSWORD: sim.password });
  assert.equal(login.code, 0, login.stderr);
  const [file] = await sessionFiles(home.path);
  const session = JSON.parse(await Deno.readTextFile(file));
  const expires = Date.parse(session.expires);
  assert.ok(expires > Date.now() && expires <= Date.now() + 1_500, session.expires);
  await new Promise((resolve) => setTimeout(resolve, expires - Date.now() + 50));
  const before = sim.requestCount;
  const run = await cli.run(["vms", "list"], env);
  assert.equal(run.code, 4);
  assert.match(oneErrorLine(run), /session .* expired at .*: run `ovirt login` again/);
  assert.equal(sim.requestCount, before, "nothing was sent with the expired token");
  assert.deepEqual(await sessionFiles(home.path), []);
});

Deno.test("ovirt profile refuses what would not work: bad names, URLs, config files", async () => {
  await using home = await cliHome();
  await using cli = cliProcess(); // the commands without input run one after the other in it
  const env = home.env;
  const file = `${home.path}/config/ovirt/config.json`;
  const url = "https://engine.example.com/ovirt-engine/api";
  const names = ["bad name!", "__proto__", ".hidden", "a/b"];
  const badUrls = ["engine", "ftp://engine/api", "https://admin:S3cret@[engine/api"];
  const runs = await Promise.all([
    ...names.map((name) => cli.run(["profile", "set", name, "--url", url], env)),
    ...badUrls.map((bad) => cli.run(["profile", "set", "lab", "--url", bad], env)),
  ]);
  for (const [index, name] of names.entries()) {
    const refused = runs[index];
    assert.equal(refused.code, 2, name);
    assert.match(oneErrorLine(refused), /cannot name a profile/);
  }
  for (const [index, bad] of badUrls.entries()) {
    const refused = runs[names.length + index];
    assert.equal(refused.code, 2, bad);
    assert.match(oneErrorLine(refused), /--url must be the API's http or https URL/);
    assert.ok(!refused.stderr.includes("S3cret"), "a password in the URL is not shown");
  }
  await assert.rejects(Deno.stat(file), Deno.errors.NotFound, "nothing was saved");

  // Names an object has of its own (constructor, toString) are no profiles.
  assert.equal((await cli.run(["profile", "set", "lab", "--url", url], env)).code, 0);
  const own = ["constructor", "toString", "__proto__"];
  const refusals = await Promise.all(own.flatMap((name) => [
    cli.run(["profile", "use", name], env),
    cli.run(["vms", "list", "-p", name], env),
  ]));
  for (const [index, name] of own.entries()) {
    const [use, chosen] = refusals.slice(2 * index, 2 * index + 2);
    assert.equal(use.code, 2, name);
    assert.match(oneErrorLine(use), new RegExp(`No profile "${name}"`));
    assert.equal(chosen.code, 2, name);
    assert.match(oneErrorLine(chosen), new RegExp(`No profile "${name}" \\(known: lab\\)`));
  }
  assert.equal(JSON.parse(await Deno.readTextFile(file)).current, "lab");

  for (const profiles of ["[1]", '{"lab": "https://engine"}', "5"]) {
    await Deno.writeTextFile(file, `{"profiles": ${profiles}}`);
    const list = await cli.run(["profile", "list"], env);
    assert.equal(list.code, 2, profiles); // a value of the wrong type, as README says
    assert.match(oneErrorLine(list), /"profiles" must map each name to an object of settings/);
  }
});
