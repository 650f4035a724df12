/**
 * How `ovirt` reads its command line, run as processes against one simulator: a flag of
 * the verb that has the name of a global flag (`--url` of a provider, `--version` of a
 * cluster, `--from` of `events list`) is the verb's, the global one going before the
 * resource; the implicit `list` with its flags first; values that start with `-`; struct
 * flags given a bare word where the struct has no name; typed JSON values; the columns of
 * `ovirt api`; CSV without its header line.
 */

import assert from "node:assert/strict";
import type { types } from "../mod.ts";
import { SDK_VERSION } from "../transport/version.ts";
import { cliBench, cliProcess, oneErrorLine, ovirt } from "./cli_harness.ts";

/** A TCP port that counts the connections made to it (none must come). */
function listener(): { url: string; connections: () => number } & Disposable {
  const server = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  let count = 0;
  (async () => {
    for await (const connection of server) {
      count++;
      connection.close();
    }
  })().catch(() => {});
  return {
    url: `http://127.0.0.1:${server.addr.port}/v2`,
    connections: () => count,
    [Symbol.dispose]: () => server.close(),
  };
}

Deno.test("ovirt reads flags of the verb before global flags of the same name", async (t) => {
  await using bench = await cliBench();
  await using cli = cliProcess(); // the commands run one after the other in it
  const { connection, env, sim } = bench;
  const run = (...args: string[]) => cli.run(args, env);

  await t.step(
    "provider add --url --username: the provider's, and no request (nor password) goes there",
    async () => {
      using glance = listener();
      const added = await run(
        "openstack-image-provider",
        "add",
        "--name",
        "glance",
        "--url",
        glance.url,
        "--username",
        "glanceuser",
        "--password",
        "x",
        "-o",
        "json",
      );
      assert.equal(added.code, 0, added.stderr);
      assert.equal(glance.connections(), 0, "nothing was sent to the provider's URL");
      const id = (JSON.parse(added.stdout) as types.OpenStackImageProvider).id!;
      const provider = await connection.systemService().openstackImageProvidersService()
        .providerService(id).get();
      assert.equal(provider.url, glance.url);
      assert.equal(provider.username, "glanceuser");

      // The engine's URL and user go before the resource.
      const before = await cli.run([
        "--url",
        sim.url,
        "--username",
        sim.username,
        "openstack-image-provider",
        "add",
        "--name",
        "glance2",
        "--url",
        glance.url,
        "-o",
        "json",
      ], { ...env, OVIRT_URL: "http://127.0.0.1:9/ovirt-engine/api", OVIRT_USERNAME: "nobody" });
      assert.equal(before.code, 0, before.stderr);
      assert.equal(JSON.parse(before.stdout).url, glance.url);
      assert.equal(glance.connections(), 0);
    },
  );

  await t.step("cluster add --version is the cluster's version, not the CLI's", async () => {
    const added = await run(
      "cluster",
      "add",
      "--name",
      "c47",
      "--data-center",
      "Default",
      "--version",
      "major=4,minor=7",
      "-o",
      "json",
    );
    assert.equal(added.code, 0, added.stderr);
    assert.ok(!added.stdout.includes(SDK_VERSION), added.stdout);
    const cluster = JSON.parse(added.stdout) as types.Cluster;
    assert.deepEqual(cluster.version, { major: 4, minor: 7 });
    const [found] = await connection.systemService().clustersService().list({
      search: "name=c47",
    });
    assert.equal(found?.id, cluster.id, "the cluster was created");
    const updated = await run("cluster", "update", "c47", "--version", "major=4,minor=8");
    assert.equal(updated.code, 0, updated.stderr);
    const service = connection.systemService().clustersService().clusterService(cluster.id!);
    assert.deepEqual((await service.get()).version, { major: 4, minor: 8 });
  });

  await t.step("events list --from is the parameter of the list", async () => {
    const all = await connection.systemService().eventsService().list();
    const from = Math.min(...all.map((event) => Number(event.id)));
    const listed = await run("events", "list", "--from", String(from), "-o", "ids");
    assert.equal(listed.code, 0, listed.stderr);
    const ids = listed.stdout.trimEnd().split("\n").map(Number);
    assert.ok(ids.length > 0 && ids.every((id) => id > from), listed.stdout);
  });

  await t.step("--version alone, or where the verb has none, prints the version", async () => {
    for (const args of [["--version"], ["vms", "list", "--version"], ["--version", "vms"]]) {
      const version = await run(...args);
      assert.equal(version.code, 0, version.stderr);
      assert.equal(version.stdout, `ovirt ${SDK_VERSION} (Deno ${Deno.version.deno})\n`);
    }
  });

  await t.step("the verb's help lists its flags and says where the global ones go", async () => {
    const help = await run("openstack-image-provider", "add", "--help");
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /^ {2}--url VALUE\s+string$/m);
    assert.match(help.stdout, /^ {2}--username VALUE\s+string$/m);
    assert.match(help.stdout, /Here --url and --username are this command's own/);
    const cluster = await run("cluster", "add", "--help");
    assert.match(cluster.stdout, /^ {2}--version VALUE\s+Version:/m);
  });

  await t.step("the implicit list takes its flags first: vms --search, vms --max", async () => {
    const vms = await connection.systemService().vmsService().list();
    const down = await run("vms", "--search", "status=down", "-o", "ids");
    assert.equal(down.code, 0, down.stderr);
    const expected = vms.filter((vm) => vm.status === "down").map((vm) => `${vm.id}\n`);
    assert.ok(expected.length > 0);
    assert.equal(down.stdout, expected.join(""));
    const two = await run("vms", "--max", "2", "-o", "ids");
    assert.equal(two.code, 0, two.stderr);
    assert.equal(two.stdout, vms.slice(0, 2).map((vm) => `${vm.id}\n`).join(""));
    const globalFirst = await run("vms", "-o", "ids", "list", "--max", "1");
    assert.equal(globalFirst.stdout, `${vms[0].id}\n`, globalFirst.stderr);
    const help = await run("vm", "--help");
    assert.match(help.stdout, /^Usage: ovirt vm VERB/m);
  });

  await t.step(
    "groups of short global flags before the resource, as parseArgs reads them",
    async () => {
      for (
        const args of [
          ["-ho", "json", "vms"],
          ["-hojson", "vms"],
          ["-hc", "name", "vms"],
          ["-hp", "nope", "vms"],
          ["-o", "json", "-hc", "name", "vms"],
        ]
      ) {
        const help = await run(...args);
        assert.equal(help.code, 0, `${args.join(" ")}: ${help.stderr}`);
        assert.match(help.stdout, /^Usage: ovirt vm VERB/m, args.join(" "));
      }
      const verb = await run("-ho", "yaml", "vm", "show", "vm001");
      assert.match(verb.stdout, /^Usage: ovirt vm show NAME\|ID/m, verb.stderr);
      const vms = await connection.systemService().vmsService().list();
      const listed = await run("-oids", "vms", "--max", "1");
      assert.equal(listed.stdout, `${vms[0].id}\n`, listed.stderr);
      const stray = await run("-hx", "vms");
      assert.equal(stray.code, 2);
      assert.match(oneErrorLine(stray), /Unknown option '-x'/);
      const missing = await run("-ho");
      assert.equal(missing.code, 2);
      assert.match(oneErrorLine(missing), /'-o, --output <value>' argument missing/);
    },
  );

  await t.step(
    "-- before the resource ends the global flags: the next word is the resource",
    async () => {
      const vms = await connection.systemService().vmsService().list();
      for (const args of [["--", "vms"], ["-o", "ids", "--", "vms"], ["--debug", "--", "vms"]]) {
        const listed = await run(...args, "--max", "1", "-o", "ids");
        assert.equal(listed.code, 0, `${args.join(" ")}: ${listed.stderr}`);
        assert.equal(listed.stdout, `${vms[0].id}\n`);
      }
      const help = await run("help", "--", "vm");
      assert.equal(help.code, 0, help.stderr);
      assert.match(help.stdout, /^Usage: ovirt vm VERB/m);
      const top = await run("--");
      assert.match(top.stdout, /^Usage: ovirt RESOURCE VERB/m);
      const flag = await run("--", "-o", "vms");
      assert.equal(flag.code, 2);
      assert.match(oneErrorLine(flag), /Unknown command "-o"/);
    },
  );

  await t.step("a value that starts with - and holds an h is a value, not --help", async () => {
    for (
      const [flag, value] of [["--description", "-hi"], ["--comment", "-h"], ["--name", "-cold"]]
    ) {
      const before = sim.requestCount;
      const refused = await run("vm", "add", "--name", "x", flag, value);
      assert.equal(refused.code, 2, `${flag} ${value}: ${refused.stdout}`);
      assert.equal(refused.stdout, "", "no help printed");
      const line = oneErrorLine(refused);
      assert.match(line, new RegExp(`Option '${flag}' argument is ambiguous`));
      assert.ok(line.includes(`use '${flag}=-XYZ'`), line);
      assert.equal(sim.requestCount, before, "nothing was sent");
    }
    const written = await run(
      "vm",
      "add",
      "--name",
      "dash-description",
      "--cluster",
      "Default",
      "--template",
      "Blank",
      "--description=-hi",
      "-o",
      "json",
    );
    assert.equal(written.code, 0, written.stderr);
    assert.equal(JSON.parse(written.stdout).description, "-hi");
  });

  await t.step("a bare word for a struct without a name is refused, not dropped", async () => {
    const before = sim.requestCount;
    const refused = await run("vm", "ticket", "vm001", "--ticket", "mysecret");
    assert.equal(refused.code, 2, refused.stderr);
    const line = oneErrorLine(refused);
    assert.match(line, /--ticket: a Ticket has no name/);
    assert.match(line, /value=\.\.\./);
    assert.ok(!line.includes("mysecret"), "the word (a secret here) is not shown");
    assert.equal(sim.requestCount, before, "nothing was sent");
    const given = await run("vm", "ticket", "vm001", "--ticket", "value=mysecret", "-o", "json");
    assert.equal(given.code, 0, given.stderr);
  });

  await t.step("JSON values of the wrong type are bad values: exit 2", async () => {
    const before = sim.requestCount;
    const fromStdin = await ovirt(
      ["vm", "add", "--from", "-"],
      env,
      JSON.stringify({ name: "typed", memory: "2GiB" }),
    );
    assert.equal(fromStdin.code, 2, fromStdin.stderr);
    assert.match(oneErrorLine(fromStdin), /--from -: memory must be an integer, not a string/);
    const cases: [string, RegExp][] = [
      ['{"topology":{"cores":true}}', /cores must be an integer, not a boolean/],
      ['{"type":7}', /type must be a string, not a number/],
      ['{"topology":"x"}', /topology must be an object, not a string/],
    ];
    for (const [json, message] of cases) {
      const flag = await run("vm", "add", "--name", "typed", "--cpu", json);
      assert.equal(flag.code, 2, `${json}: ${flag.stderr}`);
      assert.match(oneErrorLine(flag), message);
    }
    const secret = await ovirt(
      ["openstack-image-provider", "add", "--from", "-"],
      env,
      JSON.stringify({ name: "p", url: "http://glance", password: 12345678 }),
    );
    assert.equal(secret.code, 2);
    assert.ok(!secret.stderr.includes("12345678"), "a wrongly typed value is not shown");
    assert.equal(sim.requestCount, before, "nothing was sent");
  });

  await t.step("ovirt api refuses a column the result has no member for", async () => {
    const before = sim.requestCount;
    const refused = await run("api", "GET", "/vms", "-c", "bogus", "-o", "csv");
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(oneErrorLine(refused), /-c bogus: vm has no member "bogus"/);
    assert.equal(sim.requestCount, before, "nothing was sent");
  });

  await t.step("--no-headers drops the header line of CSV too", async () => {
    const vms = await connection.systemService().vmsService().list();
    const csv = await run("vms", "list", "-o", "csv", "-c", "name,id", "--no-headers");
    assert.equal(csv.code, 0, csv.stderr);
    assert.equal(csv.stdout, vms.map((vm) => `${vm.name},${vm.id}\r\n`).join(""));
    const before = await run("--no-headers", "vms", "list", "-o", "csv", "-c", "name");
    assert.equal(before.stdout, vms.map((vm) => `${vm.name}\r\n`).join(""));
  });
});
