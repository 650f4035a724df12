/**
 * `ovirt` on the collections nested in an entity, run as a process against a simulator
 * whose status changes take a step: a snapshot taken before an upgrade (`--wait` until it and
 * its VM are unlocked), restored and removed, named by its description; a NIC added, changed
 * and removed; a disk attached and detached by its name; the grammar's refusals; `--help` at
 * each level; completion.
 */

import assert from "node:assert/strict";
import { type types, waitFor } from "../mod.ts";
import { cliHome, cliProcess, oneErrorLine, simulatorEnv } from "./cli_harness.ts";
import { rawDisk, simulatorSession } from "./sim_session.ts";

Deno.test("ovirt: commands of nested collections", async (t) => {
  await using session = await simulatorSession({ delay: 300 });
  await using home = await cliHome();
  await using cli = cliProcess(); // the commands run one after the other in it
  const env = { ...home.env, ...simulatorEnv(session.sim) };
  const run = (...args: string[]) => cli.run(args, env);
  const vms = session.connection.systemService().vmsService();
  const [down] = await vms.list({ search: "status=down", max: 1 });
  const vm = vms.vmService(down.id!);
  const name = down.name!;

  await t.step("a snapshot before an upgrade: add --wait, restore --wait, remove", async () => {
    const added = await run(
      "vm",
      "snapshots",
      name,
      "add",
      "--description",
      "before-upgrade",
      "--wait",
      "--wait-interval",
      "50ms",
      "-o",
      "json",
    );
    assert.equal(added.code, 0, added.stderr);
    const snapshot = JSON.parse(added.stdout) as types.Snapshot;
    assert.equal(snapshot.description, "before-upgrade");
    assert.equal(snapshot.snapshotStatus, "ok", "--wait: no longer locked");
    assert.equal((await vm.get()).status, "down", "--wait: its VM no longer image_locked");

    await vm.update({ description: "upgraded" });
    const restored = await run(
      ...[
        "vm",
        "snapshots",
        name,
        "before-upgrade",
        "restore",
        "--wait",
        "--wait-interval",
        "50ms",
      ],
    );
    assert.equal(restored.code, 0, restored.stderr);
    const after = await vm.get();
    assert.equal(after.status, "down", "--wait: the VM's images unlocked again");
    assert.equal(after.description, down.description);

    // Another snapshot of the same description: the description no longer names one.
    const other = await vm.snapshotsService().add({ description: "before-upgrade" });
    const ambiguous = await run("vm", "snapshots", name, "before-upgrade", "remove");
    assert.equal(ambiguous.code, 2);
    assert.match(oneErrorLine(ambiguous), /snapshot description "before-upgrade" is ambiguous/);
    assert.match(
      ambiguous.stderr,
      new RegExp(`${snapshot.id}.*${other.id}|${other.id}.*${snapshot.id}`),
    );
    // The engine refuses to remove a snapshot while another one of the VM is being made.
    await waitFor(
      () => vm.snapshotsService().snapshotService(other.id!).get(),
      (made) => made.snapshotStatus === "ok",
      { interval: 50, timeout: 10_000 },
    );
    const removed = await run("vm", "snapshots", name, snapshot.id!, "remove");
    assert.equal(removed.code, 0, removed.stderr);
    // The engine merges a removed snapshot away in the background: wait for it to go.
    const left = await waitFor(
      () => vm.snapshotsService().list(),
      (snapshots) => !snapshots.some((item) => item.id === snapshot.id),
      { interval: 50, timeout: 10_000 },
    );
    assert.ok(left.some((item) => item.id === other.id), "the other one kept");
  });

  await t.step("a NIC added, shown and changed by name, removed", async () => {
    const added = await run(
      "vm",
      "nics",
      name,
      "add",
      "--name",
      "nic9",
      "--interface",
      "e1000",
      "-o",
      "ids",
    );
    assert.equal(added.code, 0, added.stderr);
    const id = added.stdout.trim();
    const nic = await vm.nicsService().nicService(id).get();
    assert.equal(nic.name, "nic9");
    assert.equal(nic.interface, "e1000");
    const shown = await run("vm", "nics", name, "nic9", "-o", "ids");
    assert.equal(shown.stdout, `${id}\n`, "show is the verb when none is given");
    const changed = await run("vm", "nics", name, "nic9", "update", "--no-linked");
    assert.equal(changed.code, 0, changed.stderr);
    assert.equal((await vm.nicsService().nicService(id).get()).linked, false);
    const removed = await run("vm", "nics", name, "nic9", "remove");
    assert.equal(removed.code, 0, removed.stderr);
    assert.ok(!(await vm.nicsService().list()).some((item) => item.id === id));
    const gone = await run("vm", "nics", name, "nic9", "remove");
    assert.equal(gone.code, 3);
    assert.match(oneErrorLine(gone), /No nic named or with id "nic9"/);
  });

  await t.step("a disk attached, then detached by its name", async () => {
    const disk = await rawDisk(session.connection, 1024 ** 2);
    const attached = await run(
      "vm",
      "disk-attachments",
      name,
      "add",
      "--disk",
      disk,
      "--interface",
      "virtio_scsi",
      "--active",
      "-o",
      "ids",
    );
    assert.equal(attached.code, 0, attached.stderr);
    assert.equal(attached.stdout, `${disk}\n`, "an attachment has its disk's id");
    const attachments = await vm.diskAttachmentsService().list();
    assert.ok(attachments.some((item) => item.disk?.id === disk && item.active === true));
    // An attachment has no name of its own: its disk's name ("target") names it.
    const shown = await run("vm", "disk-attachments", name, "target", "-o", "ids");
    assert.equal(shown.stdout, `${disk}\n`, shown.stderr);
    const detached = await run("vm", "disk-attachments", name, "target", "remove");
    assert.equal(detached.code, 0, detached.stderr);
    const left = await vm.diskAttachmentsService().list();
    assert.ok(!left.some((item) => item.disk?.id === disk), "detached");
    assert.equal(
      (await session.connection.systemService().disksService().diskService(disk).get()).id,
      disk,
      "the disk kept",
    );
  });

  await t.step("words out of place: refused before anything is sent, saying why", async () => {
    const cases: [string[], RegExp][] = [
      [
        ["vm", "snapshots", name, "restore"],
        /a verb of one snapshot comes after it .*SNAPSHOT restore/,
      ],
      [["vm", "snapshots", name, "x", "frob"], /unknown verb "frob" of one snapshot/],
      [
        ["vm", "snapshots", name, "add", "--description", "x", "extra"],
        /unexpected argument "extra"/,
      ],
      [["vm", "nics", name, "add", "--no-such-flag"], /Unknown option '--no-such-flag'/],
      [["vm", "snapshots"], /give the name or id of one vm/],
    ];
    for (const [args, message] of cases) {
      const refused = await run("--url", "http://127.0.0.1:9/ovirt-engine/api", ...args);
      assert.equal(refused.code, 2, args.join(" "));
      assert.match(oneErrorLine(refused), message);
    }
  });

  await t.step("--help at each level says what exists", async () => {
    const collection = await run("vm", "snapshots", "--help");
    assert.equal(collection.code, 0, collection.stderr);
    assert.match(collection.stdout, /^Usage: ovirt vm snapshots NAME\|ID \[list\]/m);
    assert.match(collection.stdout, /^ {7}ovirt vm snapshots NAME\|ID SNAPSHOT \[VERB\]/m);
    for (const verb of ["list \\(the default\\)", "add", "show \\(the default\\)", "restore"]) {
      assert.match(collection.stdout, new RegExp(`^ {2}${verb}\\s`, "m"), verb);
    }
    assert.match(collection.stdout, /^ {2}--max VALUE/m, "the flags of list");
    const add = await run("vm", "snapshots", name, "add", "--help");
    assert.match(add.stdout, /^Usage: ovirt vm snapshots NAME\|ID add \[flags\]/);
    assert.match(add.stdout, /^ {2}--description VALUE/m);
    assert.match(add.stdout, /^ {2}-w, --wait/m);
    const restore = await run("help", "vm", "snapshots", name, "x", "restore");
    assert.match(restore.stdout, /^Usage: ovirt vm snapshots NAME\|ID SNAPSHOT restore/);
    assert.match(restore.stdout, /^ {2}--restore-memory/m);
    const remove = await run("vm", "nics", name, "x", "remove", "--help");
    assert.match(remove.stdout, /^Usage: ovirt vm nics NAME\|ID NIC remove/);
    // The resource's help names each nested collection's verbs, not only `list`.
    const resource = await run("vm", "--help");
    assert.match(
      resource.stdout,
      /^ {2}snapshots NAME\|ID \[VERB \| ITEM \[VERB\]\]\s+the snapshots of a vm: add, list, show, remove, restore$/m,
    );
    assert.match(resource.stdout, /^ {2}applications NAME\|ID .*: list, show$/m);
  });

  await t.step("completion: verbs, item names and flags", async () => {
    await vm.snapshotsService().add({ description: "nightly" });
    const complete = async (...words: string[]) => {
      const done = await run("__complete", ...words);
      assert.equal(done.code, 0, done.stderr);
      return done.stdout.split("\n").filter((line) => line !== "");
    };
    const after = await complete("vm", "snapshots", name, "");
    for (const word of ["list", "add", "nightly", "Active VM"]) {
      assert.ok(after.includes(word), word);
    }
    assert.deepEqual(await complete("vm", "snapshots", name, "ni"), ["nightly"]);
    assert.deepEqual(await complete("vm", "snapshots", name, "nightly", ""), [
      "remove",
      "restore",
      "show",
    ]);
    assert.deepEqual(await complete("vm", "snapshots", name, "add", "--desc"), ["--description"]);
    assert.deepEqual(await complete("vm", "nics", name, "nic1", "update", "--lin"), ["--linked"]);
  });
});
