/**
 * Where `ovirt` takes its connection settings from, run as processes against a TLS
 * simulator: `--no-insecure` over `OVIRT_INSECURE=1` and over a profile's `insecure`, empty
 * variables counting as unset, and engine URLs that are refused before anything is sent
 * (not http or https, or with a user and password in them, which are never shown or kept).
 */

import assert from "node:assert/strict";
import { startSimulator } from "../testing/mod.ts";
import { cliHome, cliProcess, oneErrorLine, ovirt } from "./cli_harness.ts";

Deno.test("ovirt settings: --no-insecure, empty variables, URLs refused", async (t) => {
  await using sim = await startSimulator({ tls: true, delay: 0 });
  await using home = await cliHome();
  await using cli = cliProcess(); // the commands without input run one after the other in it
  const caFile = `${home.path}/ca.pem`;
  await Deno.writeTextFile(caFile, sim.caCert!);
  const env = {
    ...home.env,
    OVIRT_URL: sim.url,
    OVIRT_USERNAME: sim.username,
    OVIRT_PASSWORD: sim.password,
  };

  await t.step("--no-insecure overrides OVIRT_INSECURE=1 and a profile's insecure", async () => {
    const insecure = await cli.run(["vms", "list", "-o", "ids"], { ...env, OVIRT_INSECURE: "1" });
    assert.equal(insecure.code, 0, insecure.stderr);
    const checked = await cli.run(["vms", "list", "--no-insecure"], {
      ...env,
      OVIRT_INSECURE: "1",
    });
    assert.equal(checked.code, 5, "the certificate is checked again, and fails without a CA");
    assert.match(oneErrorLine(checked), /certificate|TLS|tls/i);

    const set = await cli.run(["profile", "set", "lab", "--url", sim.url, "--insecure"], env);
    assert.equal(set.code, 0, set.stderr);
    const { OVIRT_URL: _url, ...noUrl } = env;
    const byProfile = await cli.run(["vms", "list", "-o", "ids"], noUrl);
    assert.equal(byProfile.code, 0, byProfile.stderr);
    const overridden = await cli.run(["vms", "list", "--no-insecure"], noUrl);
    assert.equal(overridden.code, 5, overridden.stderr);
    const withCa = await cli.run(
      ["vms", "list", "--no-insecure", "--ca-file", caFile, "-o", "ids"],
      noUrl,
    );
    assert.equal(withCa.code, 0, withCa.stderr);
    const variableOff = await cli.run(["vms", "list"], { ...noUrl, OVIRT_INSECURE: "0" });
    assert.equal(variableOff.code, 5, "OVIRT_INSECURE=0 overrides the profile too");
    const nonsense = await cli.run(["vms", "list"], { ...noUrl, OVIRT_INSECURE: "maybe" });
    assert.equal(nonsense.code, 2);
    assert.match(oneErrorLine(nonsense), /OVIRT_INSECURE must be 1/);
    assert.equal((await cli.run(["profile", "remove", "lab"], env)).code, 0);
  });

  await t.step(
    "insecure and a CA file together are refused, wherever each comes from",
    async () => {
      const stray = await cli.run(["vms", "list", "--ca-file", caFile], {
        ...env,
        OVIRT_INSECURE: "1",
      });
      assert.equal(stray.code, 2, stray.stderr);
      assert.match(
        oneErrorLine(stray),
        /OVIRT_INSECURE turns certificate checks off, so the CA file \(--ca-file\)/,
      );
      const flag = await cli.run(["vms", "list", "--insecure"], { ...env, OVIRT_CA_FILE: caFile });
      assert.equal(flag.code, 2, flag.stderr);
      assert.match(oneErrorLine(flag), /--insecure turns .* the CA file \(OVIRT_CA_FILE\)/);
      const both = await cli.run(
        ["profile", "set", "both", "--url", sim.url, "--ca-file", caFile, "--insecure"],
        env,
      );
      assert.equal(both.code, 2, both.stderr);
      assert.match(oneErrorLine(both), /insecure turns certificate checks off, so its CA file/);
      const profiles = await cli.run(["profile", "list", "-o", "json"], env);
      assert.doesNotMatch(profiles.stdout, /"both"/, "the profile was not saved");
      // A profile with a CA file made insecure: --ca-file "" drops the CA file.
      const ca = ["profile", "set", "both", "--url", sim.url, "--ca-file", caFile];
      assert.equal((await cli.run(ca, env)).code, 0);
      const dropped = await cli.run(["profile", "set", "both", "--insecure", "--ca-file", ""], env);
      assert.equal(dropped.code, 0, dropped.stderr);
      const shown = await cli.run(["profile", "show", "both", "-o", "json"], env);
      assert.doesNotMatch(shown.stdout, /caFile/, shown.stdout);
      assert.equal((await cli.run(["profile", "remove", "both"], env)).code, 0);
    },
  );

  await t.step("empty variables count as unset", async () => {
    const set = await cli.run(
      ["profile", "set", "lab", "--url", sim.url, "--ca-file", caFile],
      env,
    );
    assert.equal(set.code, 0, set.stderr);
    // OVIRT_URL= and OVIRT_CA_FILE= leave the profile's; OVIRT_PROFILE= the current one.
    const empty = await cli.run(["vms", "list", "-o", "ids"], {
      ...env,
      OVIRT_URL: "",
      OVIRT_CA_FILE: "",
      OVIRT_PROFILE: "",
      OVIRT_INSECURE: "",
    });
    assert.equal(empty.code, 0, empty.stderr);
    assert.ok(empty.stdout.length > 0);
    assert.equal((await cli.run(["profile", "remove", "lab"], env)).code, 0);
    const noUrl = await cli.run(["vms", "list"], { ...env, OVIRT_URL: "" });
    assert.equal(noUrl.code, 2);
    assert.match(oneErrorLine(noUrl), /No engine URL/);
  });

  await t.step("a URL that is not http or https is a usage error, before sending", async () => {
    for (const url of ["ftp://engine/ovirt-engine/api", "not a url"]) {
      const before = sim.requestCount;
      const run = await cli.run(["vms", "list", "--url", url], env);
      assert.equal(run.code, 2, `${url}: ${run.stderr}`);
      assert.match(oneErrorLine(run), /--url must be the API's http or https URL/);
      const variable = await cli.run(["vms", "list"], { ...env, OVIRT_URL: url });
      assert.equal(variable.code, 2, `${url}: ${variable.stderr}`);
      assert.match(oneErrorLine(variable), /OVIRT_URL must be the API's http or https URL/);
      assert.equal(sim.requestCount, before);
    }
  });

  await t.step("a password in the URL is refused, never shown, never stored", async () => {
    const url = new URL(sim.url);
    url.username = "admin";
    url.password = "TOPSECRET";
    const withPassword = url.href;
    const runs = [
      await cli.run(["login", "--url", withPassword], env),
      await cli.run(["login"], { ...env, OVIRT_URL: withPassword }),
      await cli.run(["logout", "--url", withPassword], env),
      await cli.run(["vms", "list", "--url", withPassword], env),
      await cli.run(["profile", "set", "lab3", "--url", withPassword], env),
    ];
    for (const run of runs) {
      assert.equal(run.code, 2, run.stderr);
      assert.match(oneErrorLine(run), /a URL with a user name or password in it/);
      assert.ok(!run.stderr.includes("TOPSECRET") && !run.stdout.includes("TOPSECRET"));
    }
    for (const dir of [`${home.path}/config`, `${home.path}/cache`]) {
      for await (const file of walk(dir)) {
        assert.ok(!(await Deno.readTextFile(file)).includes("TOPSECRET"), file);
      }
    }
    // A config file edited by hand: the profile is refused, and its URL shown without it.
    await Deno.mkdir(`${home.path}/config/ovirt`, { recursive: true });
    await Deno.writeTextFile(
      `${home.path}/config/ovirt/config.json`,
      JSON.stringify({ current: "hand", profiles: { hand: { url: withPassword } } }),
    );
    const { OVIRT_URL: _url, ...noUrl } = env;
    const used = await cli.run(["vms", "list"], noUrl);
    assert.equal(used.code, 2);
    assert.match(oneErrorLine(used), /the url of profile "hand": a URL with a user name/);
    for (const args of [["profile", "list"], ["profile", "show", "hand", "-o", "json"]]) {
      const shown = await cli.run(args, noUrl);
      assert.equal(shown.code, 0, shown.stderr);
      assert.ok(!shown.stdout.includes("TOPSECRET"), shown.stdout);
      assert.match(shown.stdout, /https:\/\/\*\*\*@127\.0\.0\.1/);
    }
  });

  await t.step("a hand-edited URL never shows its password, whatever it holds", async () => {
    const urls = [
      "https://admin:TOP/SECRET@engine/ovirt-engine/api",
      "https://admin:TOP#SECRET@engine/ovirt-engine/api",
      "https://admin:TOP?SECRET@engine/ovirt-engine/api",
      "https://admin:12#SECRET@engine/ovirt-engine/api", // parses: host admin, port 12
      "https://admin:443/SECRET@engine/ovirt-engine/api", // parses: a path /SECRET@engine/...
      "https://admin:TOP@SECRET@engine/ovirt-engine/api",
      "admin:TOP/SECRET@engine/ovirt-engine/api", // no scheme
    ];
    const profiles = Object.fromEntries(urls.map((url, index) => [`hand${index}`, { url }]));
    await Deno.writeTextFile(
      `${home.path}/config/ovirt/config.json`,
      JSON.stringify({ current: "hand0", profiles }),
    );
    const { OVIRT_URL: _url, ...noUrl } = env;
    const runs = [
      await cli.run(["profile", "list"], noUrl),
      await cli.run(["profile", "list", "-o", "json"], noUrl),
      ...await Promise.all(
        Object.keys(profiles).map((name) => cli.run(["profile", "show", name], noUrl)),
      ),
    ];
    for (const run of runs) {
      assert.equal(run.code, 0, run.stderr);
      assert.ok(!run.stdout.includes("SECRET"), run.stdout);
    }
    assert.equal(
      JSON.parse(runs[1].stdout).map((profile: { url: string }) => profile.url).join(" "),
      [...Array(6).fill("https://***@engine/ovirt-engine/api"), "***@engine/ovirt-engine/api"]
        .join(" "),
    );
    for (const name of Object.keys(profiles)) { // and using one says why, without it
      const before = sim.requestCount;
      const used = await cli.run(["vms", "list", "-p", name], noUrl);
      assert.equal(used.code, 2, used.stderr);
      assert.ok(!used.stderr.includes("SECRET"), used.stderr);
      assert.equal(sim.requestCount, before);
    }
    await Deno.remove(`${home.path}/config/ovirt/config.json`);
  });

  await t.step("without HOME or XDG folders: no profiles; saving one says why not", async () => {
    // The harness passes no HOME: only the engine's variables here.
    const bare = { OVIRT_URL: sim.url, OVIRT_USERNAME: sim.username, OVIRT_CA_FILE: caFile };
    const listed = await cli.run(["vms", "list", "-o", "ids"], {
      ...bare,
      OVIRT_PASSWORD: sim.password,
    });
    assert.equal(listed.code, 0, listed.stderr);
    assert.ok(listed.stdout.length > 0);
    const profiles = await cli.run(["profile", "list", "-o", "json"], bare);
    assert.equal(profiles.code, 0, profiles.stderr);
    assert.deepEqual(JSON.parse(profiles.stdout), []);
    const set = await cli.run(["profile", "set", "lab", "--url", sim.url], bare);
    assert.equal(set.code, 2);
    assert.match(oneErrorLine(set), /Cannot save the profile: neither XDG_CONFIG_HOME nor HOME/);
    const before = sim.requestCount;
    const login = await cli.run(["login"], { ...bare, OVIRT_PASSWORD: sim.password });
    assert.equal(login.code, 2);
    assert.match(oneErrorLine(login), /Cannot save the session: neither XDG_CACHE_HOME nor HOME/);
    assert.equal(sim.requestCount, before, "no login was sent");
    const logout = await cli.run(["logout"], bare);
    assert.equal(logout.code, 4);
    assert.match(oneErrorLine(logout), /Not logged in/);
  });

  await t.step("login refuses an empty password before sending it", async () => {
    const { OVIRT_PASSWORD: _password, ...noPassword } = env;
    for (const stdin of ["", "\n"]) {
      const before = sim.requestCount;
      const login = await ovirt(["login", "--ca-file", caFile], noPassword, stdin);
      assert.equal(login.code, 2, login.stderr);
      assert.match(oneErrorLine(login), /no password given/);
      assert.equal(sim.requestCount, before);
    }
  });

  await t.step("events follow --from takes an event id, and says so", async () => {
    const run = await cli.run(["events", "follow", "--from", "abc", "--ca-file", caFile], env);
    assert.equal(run.code, 2);
    assert.equal(
      oneErrorLine(run),
      'ovirt: ovirt events follow: --from: "abc" is not an event id (a whole number)',
    );
  });
});

async function* walk(dir: string): AsyncGenerator<string> {
  try {
    for await (const entry of Deno.readDir(dir)) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory) yield* walk(path);
      else if (entry.isFile) yield path;
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
}
