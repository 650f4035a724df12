/**
 * `--from FILE` in XML is read as strictly as JSON: an element the model has no member for
 * (`<memroy>`) is refused (exit 2) before anything is sent, by `vm add`, `ovirt api` and an
 * action's body alike; so is a member given twice (`<name>` twice in a `<vm>`), which would
 * keep the last; what `show -o xml` printed, or an engine's answer with its links, still goes
 * back in.
 */

import assert from "node:assert/strict";
import { cliBench, cliProcess, oneErrorLine, startFront } from "./cli_harness.ts";

const TYPO = "<vm><name>typo-vm</name><cluster><name>Default</name></cluster>" +
  "<template><name>Blank</name></template><memroy>4294967296</memroy>" +
  "<cpu><topology><coers>2</coers></topology></cpu><descripton>web</descripton></vm>";

Deno.test("--from XML refuses elements the model does not have, before sending", async () => {
  await using cli = cliProcess(); // its commands without input run one after the other in it
  await using bench = await cliBench();
  const { env, connection } = bench;
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/typo.xml`;
    await Deno.writeTextFile(file, TYPO);
    for (const args of [["vm", "add", "--from", file], ["api", "POST", "/vms", "--from", file]]) {
      const run = await cli.run(args, env);
      assert.equal(run.code, 2, run.stderr);
      const line = oneErrorLine(run);
      for (const path of ["vm/memroy", "vm/cpu/topology/coers", "vm/descripton"]) {
        assert.ok(line.includes(`<${path}>`), `${path}: ${line}`);
      }
    }
    const vms = connection.systemService().vmsService();
    assert.deepEqual(await vms.list({ search: "name=typo-vm" }), [], "nothing was added");

    const [vm] = await vms.list({ search: "name=vm003" });
    const action = `${dir}/migrate.xml`;
    await Deno.writeTextFile(
      action,
      "<action><host><name>host1</name></host><bogus>1</bogus></action>",
    );
    const migrate = await cli.run(["api", "POST", `/vms/${vm.id}/migrate`, "--from", action], env);
    assert.equal(migrate.code, 2, migrate.stderr);
    assert.match(oneErrorLine(migrate), /<action\/bogus>/);

    // The text of an element that is an object is no value: refused, not dropped.
    const texts = `${dir}/texts.xml`;
    await Deno.writeTextFile(
      texts,
      "<vm><name>texts-vm</name><cluster>Default</cluster><template><name>Blank</name>" +
        "</template><cpu>4</cpu></vm>",
    );
    const textRun = await cli.run(["vm", "add", "--from", texts], env);
    assert.equal(textRun.code, 2, textRun.stderr);
    assert.match(oneErrorLine(textRun), /the text of <vm\/cluster>, <vm\/cpu> is not read/);
    assert.deepEqual(await vms.list({ search: "name=texts-vm" }), [], "nothing was added");

    const shown = await cli.run(["vm", "show", "vm003", "-o", "xml"], env);
    const edited = `${dir}/vm003.xml`;
    await Deno.writeTextFile(
      edited,
      shown.stdout.replace(
        /<description>[^<]*<\/description>/,
        "<description>edited</description>",
      ),
    );
    const update = await cli.run(["vm", "update", "vm003", "--from", edited], env);
    assert.equal(update.code, 0, update.stderr);
    assert.equal((await vms.vmService(vm.id!).get()).description, "edited");

    const answer = `${dir}/answer.xml`;
    await Deno.writeTextFile(
      answer,
      `<vm href="/ovirt-engine/api/vms/${vm.id}" id="${vm.id}"><actions>` +
        `<link href="/ovirt-engine/api/vms/${vm.id}/start" rel="start"/></actions>` +
        `<name>vm003</name><description>from an answer</description>` +
        `<link href="/ovirt-engine/api/vms/${vm.id}/nics" rel="nics"/></vm>`,
    );
    const fromAnswer = await cli.run(["vm", "update", "vm003", "--from", answer], env);
    assert.equal(fromAnswer.code, 0, fromAnswer.stderr);
    assert.equal((await vms.vmService(vm.id!).get()).description, "from an answer");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("--from XML refuses a member given twice, naming it and where, before sending", async () => {
  await using cli = cliProcess(); // its commands without input run one after the other in it
  await using bench = await cliBench();
  const { env, connection, home } = bench;
  const vms = connection.systemService().vmsService();
  const [found] = await vms.list({ search: "name=vm001" });
  const vm = vms.vmService(found.id!);
  await vm.update({ description: "kept" });
  const file = `${home.path}/twice.xml`;
  const cases: [string, string][] = [
    [
      "<vm>\n  <description>one</description>\n  <description>two</description>\n</vm>",
      "<vm/description> given again at line 3, column 3: it holds one value (keep one)",
    ],
    [
      "<vm><cpu><topology><cores>2</cores></topology></cpu>\n<cpu><topology><sockets>2" +
      "</sockets></topology></cpu><memory>1</memory><memory>1</memory><memory>2</memory></vm>",
      "<vm/cpu> given again at line 2, column 1, <vm/memory> given again at line 2, " +
      "column 71: each holds one value (keep one)",
    ],
    [
      "<vm><os><boot><devices><device>hd</device></devices></boot><type>a</type>" +
      "<boot><devices><device>cdrom</device></devices></boot></os></vm>",
      "<vm/os/boot> given again at line 1, column 74: it holds one value (keep one)",
    ],
    [
      "<vm><disk_attachments><disk_attachment><bootable>true</bootable><bootable>false" +
      "</bootable></disk_attachment></disk_attachments></vm>",
      "<vm/disk_attachments/disk_attachment/bootable> given again at line 1, column 65: " +
      "it holds one value (keep one)",
    ],
  ];
  for (const [xml, says] of cases) {
    await Deno.writeTextFile(file, xml);
    const run = await cli.run(["vm", "update", "vm001", "--from", file], env);
    assert.equal(run.code, 2, `${xml}: ${run.stderr}`);
    assert.equal(oneErrorLine(run), `ovirt: --from ${file}: ${says}`);
  }
  assert.equal((await vm.get()).description, "kept", "nothing was sent");

  // The items of a list are no repeats, nor are members of the same name in two objects:
  // all of them are sent.
  await using front = startFront(bench.sim);
  const items = "<os><boot><devices><device>hd</device><device>cdrom</device></devices></boot>" +
    "</os><cluster><name>Default</name></cluster><template><name>Blank</name></template>";
  await Deno.writeTextFile(file, `<vm><description>listed</description>${items}</vm>`);
  const listed = await cli.run(["vm", "update", "vm001", "--from", file], {
    ...env,
    OVIRT_URL: front.url,
  });
  assert.equal(listed.code, 0, listed.stderr);
  const put = front.requests.find((request) => request.method === "PUT");
  assert.ok(put?.body.includes(items), put?.body);
  assert.equal((await vm.get()).description, "listed");
});
