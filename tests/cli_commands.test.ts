/**
 * `ovirt` run as a process against one simulator: tables, every output format, chosen
 * columns, names and ids, nested collections, add/update/remove, actions with `--wait`,
 * `ovirt api`, help, and failures (bad flags, unknown names, engine refusals, no engine)
 * each giving one line on stderr and the documented exit code.
 */

import assert from "node:assert/strict";
import { fromXml, NotFoundError, type types, waitForStatus } from "../mod.ts";
import { startSimulator } from "../testing/mod.ts";
import { RESOURCES } from "../cli/command_table.ts";
import { flagsOfVerb } from "../cli/resource_command.ts";
import { GLOBAL_OPTIONS } from "../cli/options.ts";
import { kebab } from "../cli/names.ts";
import { membersOf } from "../cli/values.ts";
import { SDK_VERSION } from "../transport/version.ts";
import { CLI, cliBench, cliProcess, oneErrorLine, simulatorEnv } from "./cli_harness.ts";

Deno.test("every parameter and member of the model is a flag of its verb, global names too", () => {
  let verbs = 0;
  const shadowing = new Set<string>();
  for (const resource of RESOURCES) {
    for (const verb of resource.verbs.values()) {
      verbs++;
      const { flags, options } = flagsOfVerb(verb);
      const command = `${resource.singular} ${verb.word}`;
      for (const param of verb.params) {
        // Named as the engine reads the parameter (its wire name), whatever the SDK calls it.
        const flag = param.wire.replaceAll("_", "-");
        assert.ok(flags.params.has(flag), `${command} --${flag}`);
      }
      const main = verb.spec.kind === "add" || verb.spec.kind === "update"
        ? verb.spec.main?.type
        : undefined;
      for (const member of main ? membersOf(main) : []) {
        const flag = kebab(member.name);
        if (member.name === "id" || member.name === "href") continue;
        assert.ok(flags.members.has(flag) || flags.params.has(flag), `${command} --${flag}`);
      }
      for (const flag of Object.keys(options)) {
        if (Object.hasOwn(GLOBAL_OPTIONS, flag)) shadowing.add(`${command} --${flag}`);
      }
    }
  }
  for (
    const flag of [
      "cluster add --version",
      "option show --version",
      "openstack-image-provider add --url",
      "storage-connection add --username",
    ]
  ) {
    assert.ok(shadowing.has(flag), flag);
  }
  const events = RESOURCES.find((resource) => resource.singular === "event")!;
  assert.ok(flagsOfVerb(events.verbs.get("list")!).flags.params.has("from"), "event list --from");
  assert.ok(verbs > 200, `every collection's verbs are derived (${verbs})`);
  const vm = RESOURCES.find((resource) => resource.singular === "vm")!;
  for (const word of ["list", "show", "add", "update", "remove", "start", "migrate"]) {
    assert.ok(vm.verbs.has(word), `vm ${word}`);
  }
  assert.ok(vm.nested.has("nics") && vm.nested.has("disk-attachments"));
});

Deno.test("ovirt against the simulator", async (t) => {
  await using bench = await cliBench();
  await using cli = cliProcess(); // the commands run one after the other in it
  const { home, connection, env } = bench;
  const vms = await connection.systemService().vmsService().list();
  const hosts = await connection.systemService().hostsService().list();
  const hostName = new Map(hosts.map((host) => [host.id, host.name]));
  const run = (...args: string[]) => cli.run(args, env);

  await t.step(
    "vms list: a table with the default columns, host names instead of ids",
    async () => {
      const { code, stdout, stderr } = await run("vms", "list");
      assert.equal(code, 0, stderr);
      const [head, ...rows] = stdout.trimEnd().split("\n");
      assert.deepEqual(head.split(/\s+/), ["NAME", "STATUS", "HOST", "MEMORY", "ID"]);
      assert.equal(rows.length, vms.length);
      for (const [index, vm] of vms.entries()) {
        const cells = rows[index].split(/\s+/);
        assert.equal(cells[0], vm.name);
        assert.equal(cells[1], vm.status);
        assert.equal(cells.at(-1), vm.id);
        if (vm.host) assert.equal(cells[2], hostName.get(vm.host.id));
      }
    },
  );

  await t.step("-c chooses columns, --search narrows, --max limits, --no-headers", async () => {
    const up = vms.filter((vm) => vm.status === "up");
    const { code, stdout } = await run(
      "vms",
      "list",
      "--search",
      "status=up",
      "-c",
      "name,status,cpu.topology.sockets",
      "--no-headers",
    );
    assert.equal(code, 0);
    const expected = up.map((vm) => [vm.name, vm.status, String(vm.cpu!.topology!.sockets)]);
    assert.deepEqual(stdout.trimEnd().split("\n").map((line) => line.split(/\s+/)), expected);
    const limited = await run("vms", "list", "--max", "3", "-o", "ids");
    assert.deepEqual(limited.stdout.trimEnd().split("\n"), vms.slice(0, 3).map((vm) => vm.id));
    const none = await run("vms", "list", "--search", "name=no-such-vm", "-o", "ids");
    assert.equal(none.code, 0, none.stderr);
    assert.equal(none.stdout, "", "no line at all, not an empty one, for xargs");
  });

  await t.step("-c refuses a column the type has no member for, before sending", async () => {
    const cases: [string[], string][] = [
      [["vms", "list", "-c", "name,hots"], '-c hots: vm has no member "hots"'],
      [
        ["vms", "list", "-c", "cpu.topology.cpus"],
        '-c cpu.topology.cpus: topology has no member "cpus"',
      ],
      [["vms", "list", "-o", "csv", "-c", "nics.name"], "-c nics.name: nics is a list"],
      [["vms", "list", "-c", "memory.size"], "-c memory.size: memory is a value"],
      [["vm", "nics", vms[0].name!, "-c", "name,adress"], '-c adress: nic has no member "adress"'],
      [["events", "follow", "-c", "time,text"], '-c text: event has no member "text"'],
    ];
    for (const [args, message] of cases) {
      const before = bench.sim.requestCount;
      const { code, stdout, stderr } = await run(...args);
      assert.equal(code, 2, `${args.join(" ")}: ${stderr}`);
      assert.equal(stdout, "");
      assert.ok(stderr.startsWith(`ovirt: ${message}`), stderr);
      assert.equal(bench.sim.requestCount, before, "nothing is sent");
    }
    // Columns are for tables and CSV: other formats do not look at them.
    assert.equal((await run("vms", "list", "-o", "ids", "-c", "hots")).code, 0);
  });

  await t.step("-c host.name shows the host's name, as -c host does", async () => {
    for (const columns of ["name,host.name", "name,host"]) {
      const { code, stdout, stderr } = await run("vms", "list", "-c", columns);
      assert.equal(code, 0, stderr);
      const rows = stdout.trimEnd().split("\n").slice(1).map((line) => line.split(/\s+/));
      const running = vms.filter((vm) => vm.host);
      assert.ok(running.length > 0);
      for (const vm of running) {
        const name = hostName.get(vm.host!.id)!;
        assert.deepEqual(rows.find((row) => row[0] === vm.name), [vm.name, name], columns);
      }
    }
  });

  await t.step("tables show control characters as escapes; JSON keeps them", async () => {
    const description = "one\r\ntwo\tthree \u009b31m";
    const vm = await connection.systemService().vmsService().add({
      name: "cli-controls",
      description,
      cluster: { name: "Default" },
      template: { name: "Blank" },
    });
    const table = await run(
      "vms",
      "list",
      "--search",
      "name=cli-controls",
      "-c",
      "name,description",
    );
    assert.equal(table.code, 0, table.stderr);
    assert.equal(
      table.stdout,
      "NAME          DESCRIPTION\ncli-controls  one\\r\\ntwo\\tthree \\u009b31m\n",
    );
    const details = await run("vm", "show", "cli-controls");
    assert.match(details.stdout, /^description +one\\r\\ntwo\\tthree \\u009b31m$/m);
    assert.ok(!details.stdout.includes("\u009b"), "no raw control character reaches the terminal");
    const json = await run("vm", "show", "cli-controls", "-o", "json");
    assert.equal(JSON.parse(json.stdout).description, description);
    await connection.systemService().vmsService().vmService(vm.id!).remove();
  });

  await t.step("a table fits the terminal width (COLUMNS), cutting cells with …", async () => {
    const fitted = await cli.run(["vms", "list", "-c", "name,id,description"], {
      ...env,
      COLUMNS: "40",
    });
    assert.equal(fitted.code, 0, fitted.stderr);
    const lines = fitted.stdout.trimEnd().split("\n");
    for (const line of lines) assert.ok([...line].length <= 40, line);
    assert.ok(lines.some((line) => line.includes("…")));
    assert.ok(lines[1].startsWith(vms[0].name!));
  });

  await t.step("-o json, yaml, xml, csv and ids carry the same VMs", async () => {
    const json = JSON.parse((await run("vms", "list", "-o", "json")).stdout) as types.Vm[];
    assert.deepEqual(
      json.map((vm) => [vm.id, vm.name, vm.memory]),
      vms.map((vm) => [vm.id, vm.name, vm.memory]),
    );
    assert.equal(typeof json[0].creationTime, "string");

    const xml = fromXml((await run("vms", "list", "-o", "xml")).stdout) as types.Vm[];
    assert.deepEqual(xml.map((vm) => vm.id), vms.map((vm) => vm.id));

    const yaml = (await run("vm", "show", vms[0].id!, "-o", "yaml")).stdout;
    assert.match(yaml, new RegExp(`^name: ${vms[0].name}$`, "m"));
    assert.match(yaml, /^cpu:\n {2}topology:\n {4}sockets: \d+$/m);

    const csv = (await run("vms", "list", "-o", "csv", "-c", "name,memory")).stdout;
    assert.deepEqual(
      csv.trimEnd().split("\r\n"),
      ["NAME,MEMORY", ...vms.map((vm) => `${vm.name},${vm.memory}`)],
    );
    const ids = (await run("vms", "list", "-o", "ids")).stdout;
    assert.equal(ids, vms.map((vm) => `${vm.id}\n`).join(""));
  });

  await t.step("vm show by name equals vm show by id, and lists the members", async () => {
    const byName = await run("vm", "show", vms[1].name!, "-o", "json");
    const byId = await run("vm", "show", vms[1].id!, "-o", "json");
    assert.equal(byName.code, 0, byName.stderr);
    assert.equal(byName.stdout, byId.stdout);
    const shown = JSON.parse(byName.stdout);
    assert.deepEqual(
      shown.nics,
      { href: `/ovirt-engine/api/vms/${vms[1].id}/nics` },
      "a list sent only as a link shows its href, not an empty list",
    );
    const details = (await run("vm", "show", vms[1].name!)).stdout;
    assert.match(details, new RegExp(`^id\\s+${vms[1].id}$`, "m"));
    assert.match(details, /^memory\s+\d+$/m);
  });

  await t.step("nested collections: vm nics NAME", async () => {
    const nics = await connection.systemService().vmsService().vmService(vms[0].id!)
      .nicsService().list();
    const { code, stdout } = await run("vm", "nics", vms[0].name!, "-o", "json");
    assert.equal(code, 0);
    assert.deepEqual(
      (JSON.parse(stdout) as types.Nic[]).map((nic) => nic.id),
      nics.map((n) => n.id),
    );
    const listed = await run("vm", "nics", vms[0].name!, "list", "-o", "json");
    assert.equal(listed.code, 0, listed.stderr);
    assert.equal(listed.stdout, stdout, "an explicit list is the same list");
    const extra = await run("vm", "nics", vms[0].name!, "show");
    assert.equal(extra.code, 2);
    assert.match(oneErrorLine(extra), /unexpected argument "show"/);
    const help = await run("vm", "nics", "--help");
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /^Usage: ovirt vm nics NAME\|ID/m);
    assert.match(help.stdout, /^ {2}--max VALUE\s+integer/m, "the flags of its list");
  });

  await t.step("add with flags, --wait until the new VM is down, update, remove", async () => {
    const added = await run(
      "vm",
      "add",
      "--name",
      "cli-web1",
      "--cluster",
      "Default",
      "--template",
      "Blank",
      "--memory",
      "1.5GiB",
      "--wait",
      "--wait-interval",
      "20ms",
      "-o",
      "json",
    );
    assert.equal(added.code, 0, added.stderr);
    const vm = JSON.parse(added.stdout) as types.Vm;
    assert.equal(vm.status, "down", "the output is the VM after the wait");
    assert.equal(vm.memory, 1.5 * 1024 ** 3, "a size with a fraction, in whole bytes");
    const service = connection.systemService().vmsService().vmService(vm.id!);
    assert.equal((await service.get()).name, "cli-web1");

    const updated = await run("vm", "update", "cli-web1", "--description", "from the CLI");
    assert.equal(updated.code, 0, updated.stderr);
    assert.equal((await service.get()).description, "from the CLI");

    const removed = await run("vm", "remove", "cli-web1");
    assert.equal(removed.code, 0, removed.stderr);
    await assert.rejects(service.get(), NotFoundError);
  });

  await t.step("add --from a JSON file, flags overriding it", async () => {
    const file = `${home.path}/vm.json`;
    await Deno.writeTextFile(
      file,
      JSON.stringify({
        name: "from-file",
        cluster: { name: "Default" },
        template: { name: "Blank" },
        memory_policy: { guaranteed: 536870912 },
      }),
    );
    const { code, stdout, stderr } = await run(
      "vm",
      "add",
      "--from",
      file,
      "--name",
      "from-file-2",
      "-o",
      "json",
    );
    assert.equal(code, 0, stderr);
    const vm = JSON.parse(stdout) as types.Vm;
    const got = await connection.systemService().vmsService().vmService(vm.id!).get();
    assert.equal(got.name, "from-file-2");
    assert.equal(got.memoryPolicy?.guaranteed, 536870912);
  });

  await t.step(
    "show -o json, edited, then update --from it: unfetched lists left as they are",
    async () => {
      const shown = await run("vm", "show", "vm001", "-o", "json");
      assert.equal(shown.code, 0, shown.stderr);
      const vm = JSON.parse(shown.stdout) as Record<string, unknown>;
      assert.ok(
        typeof (vm.nics as { href?: string }).href === "string",
        "a list shown as its link",
      );
      const file = `${home.path}/vm001.json`;
      await Deno.writeTextFile(file, JSON.stringify({ ...vm, description: "edited in a file" }));
      const updated = await run("vm", "update", "vm001", "--from", file);
      assert.equal(updated.code, 0, updated.stderr);
      const got = await connection.systemService().vmsService().vmService(String(vm.id)).get();
      assert.equal(got.description, "edited in a file");
    },
  );

  await t.step("add --from an XML file; a document of another type is refused", async () => {
    const file = `${home.path}/vm.xml`;
    await Deno.writeTextFile(
      file,
      "<vm><name>from-xml</name><cluster><name>Default</name></cluster>" +
        "<template><name>Blank</name></template><memory>536870912</memory></vm>",
    );
    const added = await run("vm", "add", "--from", file, "-o", "json");
    assert.equal(added.code, 0, added.stderr);
    assert.equal((JSON.parse(added.stdout) as types.Vm).memory, 536870912);
    await Deno.writeTextFile(file, "<disk><name>not-a-vm</name></disk>");
    const wrong = await run("vm", "add", "--from", file);
    assert.equal(wrong.code, 2);
    assert.match(oneErrorLine(wrong), /expected one <vm>, not <disk>/);
    await Deno.writeTextFile(file, "<vm><name>x</nam></vm>");
    const malformed = await run("vm", "add", "--from", file);
    assert.equal(malformed.code, 2, "a file that is not XML is a usage error, as bad JSON is");
    assert.match(oneErrorLine(malformed), /--from .*vm\.xml: Malformed XML at line 1, column 12/);
  });

  await t.step("start --wait returns once the VM is up; without it, at once", async () => {
    const down = vms.filter((vm) => vm.status === "down");
    const started = await run(
      "vm",
      "start",
      down[0].name!,
      "--wait",
      "--wait-interval",
      "20ms",
      "-o",
      "json",
    );
    assert.equal(started.code, 0, started.stderr);
    assert.equal((JSON.parse(started.stdout) as types.Vm).status, "up");

    const noWait = await run("vm", "start", down[1].name!);
    assert.equal(noWait.code, 0, noWait.stderr);
    assert.equal(noWait.stdout, "", "an action without output prints nothing");
  });

  await t.step(
    "an action's parameters are flags: migrate --host NAME",
    async () => {
      const up = vms.find((vm) => vm.status === "up")!;
      const other = hosts.find((host) => host.id !== up.host?.id && host.status === "up")!;
      const migrated = await run(
        "vm",
        "migrate",
        up.name!,
        "--host",
        other.name!,
        "--wait",
        "--wait-interval",
        "20ms",
        "-o",
        "json",
      );
      assert.equal(migrated.code, 0, migrated.stderr);
      const after = await connection.systemService().vmsService().vmService(up.id!).get();
      assert.equal(after.host?.id, other.id);
    },
  );

  await t.step("ovirt api: GET as XML by default, -o json, POST an action", async () => {
    const xml = await run("api", "GET", `/vms/${vms[2].id}`);
    assert.equal(xml.code, 0, xml.stderr);
    assert.equal((fromXml(xml.stdout) as types.Vm).id, vms[2].id);
    const list = await run(
      "api",
      "GET",
      "/vms",
      "--query",
      `search=name=${vms[2].name}`,
      "-o",
      "ids",
    );
    assert.equal(list.stdout, `${vms[2].id}\n`);
    // A query in the path, as in a URL; --query adds to it.
    const inPath = await run("api", "GET", "/vms?max=2", "-o", "ids");
    assert.equal(inPath.code, 0, inPath.stderr);
    const firstTwo = await connection.systemService().vmsService().list({ max: 2 }); // by name now
    assert.equal(inPath.stdout, firstTwo.map((vm) => `${vm.id}\n`).join(""));
    const search = encodeURIComponent(`name=${vms[2].name}`);
    const both = await run("api", "GET", `/vms?search=${search}`, "--query", "max=1", "-o", "ids");
    assert.equal(both.stdout, `${vms[2].id}\n`, both.stderr);
    const idle = await connection.systemService().vmsService().add({
      name: "cli-api",
      cluster: { name: "Default" },
      template: { name: "Blank" },
    });
    const idleService = connection.systemService().vmsService().vmService(idle.id!);
    await waitForStatus(idleService, "down", { interval: 10 });
    const action = await run("api", "POST", `/vms/${idle.id}/start`);
    assert.equal(action.code, 0, action.stderr);
    assert.notEqual((await idleService.get()).status, "down", "the start action was sent");
    const body = `${home.path}/update.json`;
    await Deno.writeTextFile(body, JSON.stringify({ description: "put by api" }));
    const put = await run("api", "PUT", `/vms/${idle.id}`, "--from", body, "-o", "json");
    assert.equal(put.code, 0, put.stderr);
    assert.equal((await idleService.get()).description, "put by api");
    const wrong = await run("api", "PATCH", "/vms");
    assert.equal(wrong.code, 2);
    oneErrorLine(wrong);
  });

  await t.step("ambiguous names are refused with the ids; ids still work", async () => {
    const disks = connection.systemService().disksService();
    const twins: string[] = [];
    for (let i = 0; i < 2; i++) {
      const disk = await disks.add({
        name: "twin",
        provisionedSize: 1024 ** 2,
        format: "raw",
        storageDomains: [{ name: "data" }],
      });
      twins.push(disk.id!);
    }
    const ambiguous = await run("disk", "show", "twin");
    assert.equal(ambiguous.code, 2);
    const line = oneErrorLine(ambiguous);
    assert.match(line, /ambiguous/);
    for (const id of twins) assert.ok(line.includes(id));
    const byId = await run("disk", "show", twins[0], "-o", "ids");
    assert.equal(byId.stdout, `${twins[0]}\n`);
  });

  await t.step("a name with ' or ; is found, though no search sent holds either", async () => {
    // Disks that no VM gets: the engine checks no alias of theirs, and takes a quote, a ; or
    // a space there (in no name of a VM, host or storage domain).
    const disksService = connection.systemService().disksService();
    const made = new Map<string, string>();
    // `OxBrien vm` matches the wildcard that stands for the quote: the name is matched exactly.
    for (const name of ["OxBrien vm", "O'Brien vm", "semi;colon"]) {
      const disk = await disksService.add({
        name,
        provisionedSize: 1024 ** 2,
        format: "raw",
        storageDomains: [{ name: "data" }],
      });
      made.set(name, disk.id!);
    }
    for (const name of ["O'Brien vm", "semi;colon"]) {
      const shown = await run("--debug", "disk", "show", name, "-o", "ids");
      assert.equal(shown.code, 0, shown.stderr);
      assert.equal(shown.stdout, `${made.get(name)}\n`);
      const searches = [...shown.stderr.matchAll(/^> GET \S+\/disks\?search=(\S+)$/gm)]
        .map((match) => decodeURIComponent(match[1]));
      assert.equal(searches.length, 1, shown.stderr);
      assert.doesNotMatch(searches[0], /[';]/, searches[0]); // the engine would find nothing
    }
  });

  await t.step("failures: one line on stderr and the exit code of their class", async () => {
    for (const verb of [["show"], ["start"], ["nics"]]) {
      const noName = await run("vm", ...verb, "");
      assert.equal(noName.code, 2, verb[0]);
      assert.match(oneErrorLine(noName), /give the vm's name or id/);
    }

    const unknownName = await run("vm", "show", "no-such-vm");
    assert.equal(unknownName.code, 3);
    assert.match(oneErrorLine(unknownName), /No vm named or with id "no-such-vm"/);
    // The engine's job search has no name: a word that is no job's id is said so, not a 400.
    const unknownJob = await run("job", "show", "no-such-job");
    assert.equal(unknownJob.code, 3, unknownJob.stderr);
    assert.match(oneErrorLine(unknownJob), /No job named or with id "no-such-job"/);

    const badFlag = await run("vms", "list", "--colour");
    assert.equal(badFlag.code, 2);
    assert.match(oneErrorLine(badFlag), /Unknown option '--colour'/);

    for (const size of ["1.5", "0.1K", "1.5Q", "lots"]) {
      const badSize = await run("vm", "add", "--name", "x", "--memory", size);
      assert.equal(badSize.code, 2, size);
      assert.match(oneErrorLine(badSize), new RegExp(`--memory: "${size}" is not an integer`));
    }

    const badEnum = await run("vm", "add", "--name", "x", "--type", "huge");
    assert.equal(badEnum.code, 2);
    assert.match(oneErrorLine(badEnum), /--type: "huge" is not one of desktop, server/);

    for (const flag of ["-c", "--columns", "-o", "--output"]) {
      const noValue = await run("vms", "list", flag);
      assert.equal(noValue.code, 2, flag);
      assert.match(
        oneErrorLine(noValue),
        /Option '-[co], --(columns|output) <value>' argument missing/,
      );
    }

    // A pause of 0 between polls would ask the engine without rest.
    for (
      const args of [
        ["vm", "start", vms[0].name!, "--wait", "--wait-interval", "0"],
        ["events", "follow", "--interval", "0ms"],
        ["disk", "download", "any", "out.raw", "--wait-interval", "0s"],
      ]
    ) {
      const before = bench.sim.requestCount;
      const noPause = await run(...args);
      assert.equal(noPause.code, 2, args.join(" "));
      assert.match(oneErrorLine(noPause), /interval: 0 would ask the engine without a pause/);
      assert.equal(bench.sim.requestCount, before, "nothing was sent");
    }

    const tooLong = await run("vms", "list", "--request-timeout", "1000h");
    assert.equal(tooLong.code, 2);
    assert.match(oneErrorLine(tooLong), /--request-timeout: "1000h" is longer than the longest/);

    const badNumber = await run("vms", "list", "--max", "lots");
    assert.equal(badNumber.code, 2);
    oneErrorLine(badNumber);

    const unknownVerb = await run("vm", "fly", "x");
    assert.equal(unknownVerb.code, 2);
    oneErrorLine(unknownVerb);

    const unknownCommand = await run("vmz", "list");
    assert.equal(unknownCommand.code, 2);
    oneErrorLine(unknownCommand);

    const refused = await run(
      "vm",
      "add",
      "--name",
      vms[0].name!,
      "--cluster",
      "Default",
      "--template",
      "Blank",
    );
    assert.equal(refused.code, 7);
    assert.match(oneErrorLine(refused), /name is already in use/, "the engine's reason");

    const vmsService = connection.systemService().vmsService();
    const fresh = await vmsService.add({
      name: "cli-idle",
      cluster: { name: "Default" },
      template: { name: "Blank" },
    });
    await waitForStatus(vmsService.vmService(fresh.id!), "down", { interval: 10 });
    const conflict = await run("vm", "stop", "cli-idle");
    assert.equal(conflict.code, 7);
    assert.match(oneErrorLine(conflict), /VM is not running/);

    const badPassword = await cli.run(["vms", "list"], { ...env, OVIRT_PASSWORD: "wrong" });
    assert.equal(badPassword.code, 4);
    assert.ok(!oneErrorLine(badPassword).includes("wrong"), "no password in messages");

    const noEngine = await cli.run(["vms", "list"], {
      ...env,
      OVIRT_URL: "http://127.0.0.1:9/ovirt-engine/api",
    });
    assert.equal(noEngine.code, 5);
    oneErrorLine(noEngine);

    const noUrl = await cli.run(["vms", "list"], home.env);
    assert.equal(noUrl.code, 2);
    assert.match(oneErrorLine(noUrl), /OVIRT_URL/);
  });

  await t.step(
    "time limits: --wait-timeout and --request-timeout end with exit code 6",
    async () => {
      await using slow = await startSimulator({ delay: 60_000 });
      const slowEnv = { ...home.env, ...simulatorEnv(slow) };
      const waited = await cli.run(
        ["vm", "start", "vm003", "--wait", "--wait-timeout", "200ms", "--wait-interval", "50ms"],
        slowEnv,
      );
      assert.equal(waited.code, 6);
      assert.match(oneErrorLine(waited), /Timed out after 200 ms waiting for vm vm003 status up/);
      slow.setFaults({ latency: 1500 });
      const late = await cli.run(["vms", "list", "--request-timeout", "300ms"], slowEnv);
      assert.equal(late.code, 6);
      oneErrorLine(late);
    },
  );

  await t.step("a reader that stops early (| head -1) ends the output quietly", async () => {
    await using big = await startSimulator({ delay: 0, vms: 2000 });
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", CLI, "vms", "list", "-o", "json"],
      env: { ...home.env, ...simulatorEnv(big), NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const reader = child.stdout.getReader();
    const first = await reader.read();
    assert.equal(new TextDecoder().decode(first.value).slice(0, 1), "[");
    await reader.cancel(); // closes the pipe, as head does after its line
    const [status, stderr] = await Promise.all([child.status, new Response(child.stderr).text()]);
    assert.equal(stderr, "");
    assert.equal(status.code, 0);
  });

  await t.step("--help at every level", async () => {
    const top = await run("--help");
    assert.equal(top.code, 0);
    assert.match(top.stdout, /^Usage: ovirt RESOURCE VERB/m);
    assert.match(top.stdout, /^Exit codes:/m);
    const resource = await run("vm", "--help");
    assert.match(resource.stdout, /^ {2}start NAME\|ID/m);
    assert.match(resource.stdout, /^ {2}nics NAME\|ID/m);
    const verb = await run("vm", "migrate", "--help");
    assert.match(verb.stdout, /--host VALUE\s+Host: a name, an id/);
    assert.match(verb.stdout, /--wait\b/);
    const help = await run("help", "vms", "list");
    assert.match(help.stdout, /--search VALUE/);
    assert.equal((await run("api", "--help")).code, 0);
    for (const args of [["--version"], ["vms", "list", "--version"]]) {
      const version = await run(...args);
      assert.equal(version.code, 0, version.stderr);
      assert.equal(version.stdout, `ovirt ${SDK_VERSION} (Deno ${Deno.version.deno})\n`);
    }
  });
});
