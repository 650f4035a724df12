/**
 * `--from FILE` of actions: an action's parameters (a root password, CHAP credentials) come
 * from a file or standard input instead of the command line, as JSON or an XML `<action>`,
 * with flags given too over them; what is none of the action's parameters is refused before
 * anything is sent. What the CLI sent is seen by a front server in front of the simulator.
 */

import assert from "node:assert/strict";
import { startSimulator } from "../testing/mod.ts";
import {
  cliHome,
  cliProcess,
  oneErrorLine,
  ovirt,
  simulatorEnv,
  startFront,
} from "./cli_harness.ts";

Deno.test("action parameters from --from FILE or standard input", async (t) => {
  await using cli = cliProcess(); // its commands without input run one after the other in it
  await using sim = await startSimulator({ delay: 0 });
  await using front = startFront(sim);
  await using home = await cliHome();
  const env = { ...home.env, ...simulatorEnv(sim), OVIRT_URL: front.url };
  const sent = (action: string) => front.requests.filter((r) => r.path.endsWith(`/${action}`));

  await t.step("--help of an action offers --from", async () => {
    const help = await cli.run(["host", "install", "--help"], env);
    assert.equal(help.code, 0, help.stderr);
    assert.match(
      help.stdout,
      /^ {2}--from FILE +these parameters as JSON or XML <action> \(- for/m,
    );
  });

  await t.step("host install: the root password from stdin, a flag over the file", async () => {
    const off = await cli.run(["host", "deactivate", "host2", "--wait"], env);
    assert.equal(off.code, 0, off.stderr);
    const json = '{"root_password": "install-secret", "ssh": {"port": 22}, "reboot": false}';
    const run = await ovirt(
      ["host", "install", "host2", "--from", "-", "--ssh", "port=2222"],
      env,
      json,
    );
    assert.equal(run.code, 0, run.stderr);
    const [install] = sent("install");
    assert.equal(install.method, "POST");
    assert.match(install.body, /<root_password>install-secret<\/root_password>/);
    assert.match(install.body, /<ssh><port>2222<\/port><\/ssh>/, "the flag wins over the file");
    assert.match(install.body, /<reboot>false<\/reboot>/);
  });

  await t.step("vm start: a flag's members merge into the file's, the secret kept", async () => {
    const json = '{"vm": {"initialization": {"root_password": "cloud-secret"}}}';
    const run = await ovirt(
      [
        "vm",
        "start",
        "vm003",
        "--from",
        "-",
        "--use-cloud-init",
        "--vm",
        "initialization.user_name=admin",
      ],
      env,
      json,
    );
    assert.equal(run.code, 0, run.stderr);
    const [start] = sent("start");
    assert.match(start.body, /<root_password>cloud-secret<\/root_password>/);
    assert.match(start.body, /<user_name>admin<\/user_name>/);
  });

  await t.step("vm add: a struct flag merges into the file's struct too", async () => {
    const file = `${home.path}/vm.json`;
    await Deno.writeTextFile(
      file,
      '{"name": "merged", "cluster": {"name": "Default"}, "template": {"name": "Blank"},' +
        ' "initialization": {"user_name": "ops"}}',
    );
    const run = await cli.run(
      ["vm", "add", "--from", file, "--initialization", "host_name=merged.example.com"],
      env,
    );
    assert.equal(run.code, 0, run.stderr);
    const add = front.requests.find((r) => r.method === "POST" && /\/vms$/.test(r.path))!;
    assert.match(add.body, /<user_name>ops<\/user_name>/);
    assert.match(add.body, /<host_name>merged\.example\.com<\/host_name>/);
  });

  await t.step("host iscsi-login: CHAP credentials from an XML file", async () => {
    const file = `${home.path}/iscsi.xml`;
    await Deno.writeTextFile(
      file,
      "<action><iscsi><address>10.0.0.1</address><target>iqn.2026-01.test:t1</target>" +
        "<username>chap</username><password>chap-secret</password></iscsi></action>",
    );
    const run = await cli.run(["host", "iscsi-login", "host1", "--from", file], env);
    assert.equal(run.code, 0, run.stderr);
    const [login] = sent("iscsilogin");
    assert.match(login.body, /<username>chap<\/username><password>chap-secret<\/password>/);
  });

  await t.step("cluster upgrade: the file's correlation_id is the upgrade's own id", async () => {
    // The option is `upgradeCorrelationId` (the call's `correlationId` is the header's).
    const file = `${home.path}/upgrade.xml`;
    await Deno.writeTextFile(
      file,
      "<action><upgrade_action>start</upgrade_action>" +
        "<correlation_id>ticket:upgrade.2026/12</correlation_id></action>",
    );
    await cli.run(["cluster", "upgrade", "Default", "--from", file], env);
    // The flag is named as the engine reads it, as before the SDK renamed the option.
    await cli.run(["cluster", "upgrade", "Default", "--correlation-id", "ticket:flag.1"], env);
    const [fromFile, fromFlag] = sent("upgrade");
    assert.ok(fromFile && fromFlag, "both upgrades were sent");
    assert.match(fromFile.body, /<correlation_id>ticket:upgrade\.2026\/12<\/correlation_id>/);
    assert.match(fromFlag.body, /<correlation_id>ticket:flag\.1<\/correlation_id>/);
  });

  await t.step("what is none of the action's parameters is refused, nothing sent", async () => {
    const before = front.requests.length;
    const refused = async (stdin: string, expected: RegExp) => {
      const run = await ovirt(["host", "install", "host2", "--from", "-"], env, stdin);
      assert.equal(run.code, 2, run.stderr);
      assert.match(oneErrorLine(run), expected);
      assert.ok(!run.stderr.includes("pw-secret"), "the password is not quoted");
    };
    await refused('{"root_password": "pw-secret", "rootpw": 1}', /Action has no member "rootpw"/);
    await refused(
      '{"root_password": "pw-secret", "iscsi": {"address": "a"}}',
      /"iscsi" is not a parameter of the install action \(it has .*root_password/,
    );
    await refused(
      "<action><root_password>pw-secret</root_password><bogus/></action>",
      /the model has no <action\/bogus>/,
    );
    await refused("<host><name>pw-secret</name></host>", /expected one <action>, not <host>/);
    await refused('["pw-secret"]', /one JSON object/);
    assert.equal(front.requests.length, before, "nothing was sent");
  });
});
