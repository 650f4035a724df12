/**
 * `--from FILE` (and `--from -`) as users' editors write it, run as processes against a
 * simulator: bytes that are not UTF-8 are refused saying where (never sent as U+FFFD), as is
 * an XML declaration of another encoding; UTF-16 with a byte order mark (Windows PowerShell
 * 5.1) is read, and named when it has none; comments and processing instructions may come
 * before the XML root; an empty element of a member whose value is not a string is named as
 * empty, not as unknown.
 */

import assert from "node:assert/strict";
import { cliBench, cliProcess, oneErrorLine, ovirt, ovirtFed } from "./cli_harness.ts";

const encoder = new TextEncoder();
const PLACE = "<cluster><name>Default</name></cluster><template><name>Blank</name></template>";

/** `text`'s bytes, each `\u00e9` in it written as the single Latin-1 byte 0xE9. */
function latin1(text: string): Uint8Array {
  const parts = text.split("\u00e9").map((part) => encoder.encode(part));
  const bytes: number[] = [];
  parts.forEach((part, index) => bytes.push(...(index > 0 ? [0xe9] : []), ...part));
  return new Uint8Array(bytes);
}

/** `text` in UTF-16 with its byte order mark, little-endian or big-endian. */
function utf16(text: string, littleEndian: boolean): Uint8Array {
  const view = new DataView(new ArrayBuffer(2 * text.length + 2));
  view.setUint16(0, 0xfeff, littleEndian);
  for (let i = 0; i < text.length; i++) view.setUint16(2 + 2 * i, text.charCodeAt(i), littleEndian);
  return new Uint8Array(view.buffer);
}

Deno.test("a --from file that is not UTF-8 is refused, saying where, before sending", async () => {
  await using bench = await cliBench();
  const { env, connection, home } = bench;
  const vms = connection.systemService().vmsService();

  // JSON from a Windows "ANSI" editor: the é of café is one byte, 0xE9.
  const json = `${home.path}/latin.json`;
  const jsonText = `{"name": "latin-json", "description": "caf\u00e9", ` +
    `"cluster": {"name": "Default"}, "template": {"name": "Blank"}}`;
  await Deno.writeFile(json, latin1(jsonText));
  const fromJson = await ovirt(["vm", "add", "--from", json], env);
  assert.equal(fromJson.code, 2, fromJson.stderr);
  const at = jsonText.indexOf("\u00e9");
  assert.equal(
    oneErrorLine(fromJson),
    `ovirt: --from ${json}: not UTF-8 at line 1, column ${at + 1} (byte offset ${at}): ` +
      "save it as UTF-8",
  );

  // XML on standard input, after a UTF-8 ü and a U+FFFD of the file's own: columns count
  // characters, the offset bytes.
  const lines = [
    "<vm>",
    "<name>latin-xml</name><comment>\u00fc</comment>",
    "<description>\uFFFDcaf",
  ];
  const xml = `${lines.join("\n")}\u00e9</description>${PLACE}</vm>`;
  const fromStdin = await ovirtFed(["vm", "add", "--from", "-"], env, latin1(xml));
  assert.equal(fromStdin.code, 2, fromStdin.stderr);
  const offset = encoder.encode(lines.join("\n")).length;
  assert.equal(
    oneErrorLine(fromStdin),
    `ovirt: --from -: not UTF-8 at line 3, column 18 (byte offset ${offset}): save it as UTF-8`,
  );

  // The same JSON on standard input.
  const jsonStdin = await ovirtFed(["vm", "add", "--from", "-"], env, latin1(jsonText));
  assert.equal(jsonStdin.code, 2, jsonStdin.stderr);
  assert.match(oneErrorLine(jsonStdin), /^ovirt: --from -: not UTF-8 at line 1, column /);

  assert.deepEqual(await vms.list({ search: "name=latin*" }), [], "nothing was added");
});

Deno.test("an XML file declaring an encoding other than UTF-8 is refused saying so", async () => {
  await using bench = await cliBench();
  const { env, connection, home } = bench;
  const file = `${home.path}/declared.xml`;
  await Deno.writeFile(
    file,
    latin1(
      `<?xml version="1.0" encoding="ISO-8859-1"?>\n<vm><name>declared</name>` +
        `<description>caf\u00e9</description>${PLACE}</vm>\n`,
    ),
  );
  const run = await ovirt(["vm", "add", "--from", file], env);
  assert.equal(run.code, 2, run.stderr);
  assert.equal(
    oneErrorLine(run),
    `ovirt: --from ${file}: its XML declaration names encoding "ISO-8859-1", but ovirt reads ` +
      `only UTF-8 (or UTF-16 with a byte order mark): save it as UTF-8, with encoding="UTF-8" ` +
      "or none",
  );
  const vms = connection.systemService().vmsService();
  assert.deepEqual(await vms.list({ search: "name=declared" }), [], "nothing was added");
});

Deno.test("an XML file declaring UTF-8 by another name, or ASCII, is read", async () => {
  await using bench = await cliBench();
  const { env, connection, home } = bench;
  const vms = connection.systemService().vmsService();
  // Python's xml.etree writes encoding='us-ascii'; other tools write "utf8".
  for (
    const [name, encoding] of [["utf8vm", "utf8"], ["asciivm", "US-ASCII"], ["ascii2", "ascii"]]
  ) {
    const file = `${home.path}/${name}.xml`;
    await Deno.writeTextFile(
      file,
      `<?xml version='1.0' encoding='${encoding}'?>\n<vm><name>${name}</name>${PLACE}</vm>\n`,
    );
    const run = await ovirt(["vm", "add", "--from", file], env);
    assert.equal(run.code, 0, `${encoding}: ${run.stderr}`);
    assert.equal((await vms.list({ search: `name=${name}` })).length, 1, encoding);
  }
});

Deno.test("UTF-16 files with a byte order mark (PowerShell 5.1's Out-File) are read", async () => {
  await using cli = cliProcess(); // its commands without input run one after the other in it
  await using bench = await cliBench();
  const { env, connection, home } = bench;
  const vms = connection.systemService().vmsService();
  const description = async (name: string) => {
    const [vm] = await vms.list({ search: `name=${name}` });
    return vm?.description;
  };

  const xml = `${home.path}/vm16le.xml`;
  await Deno.writeFile(
    xml,
    utf16(
      `<?xml version="1.0" encoding="utf-16"?>\r\n<vm>\r\n  <name>utf16-le</name>\r\n` +
        `  <description>caf\u00e9 \u{1F600}</description>\r\n  ${PLACE}\r\n</vm>\r\n`,
      true,
    ),
  );
  const fromXml = await cli.run(["vm", "add", "--from", xml], env);
  assert.equal(fromXml.code, 0, fromXml.stderr);
  assert.equal(await description("utf16-le"), "caf\u00e9 \u{1F600}");

  const json = `${home.path}/vm16be.json`;
  const vm = {
    name: "utf16-be",
    description: "caf\u00e9",
    cluster: { name: "Default" },
    template: { name: "Blank" },
  };
  await Deno.writeFile(json, utf16(JSON.stringify(vm), false));
  const fromJson = await cli.run(["vm", "add", "--from", json], env);
  assert.equal(fromJson.code, 0, fromJson.stderr);
  assert.equal(await description("utf16-be"), "caf\u00e9");

  const piped = await ovirtFed(
    ["vm", "update", "utf16-be", "--from", "-"],
    env,
    utf16("<vm><description>na\u00efve</description></vm>", true),
  );
  assert.equal(piped.code, 0, piped.stderr);
  assert.equal(await description("utf16-be"), "na\u00efve");

  // Half a character at the end: refused, not cut.
  const broken = `${home.path}/broken16.json`;
  await Deno.writeFile(broken, utf16(JSON.stringify(vm), true).subarray(0, 21));
  const run = await cli.run(["vm", "add", "--from", broken], env);
  assert.equal(run.code, 2, run.stderr);
  assert.equal(
    oneErrorLine(run),
    `ovirt: --from ${broken}: it starts as UTF-16 but is not valid UTF-16: save it as UTF-8`,
  );

  // Without its byte order mark, UTF-16 is named as such, XML or JSON, little- or big-endian,
  // ASCII only (which would read as UTF-8 holding zero bytes) or not.
  const unmarked = `${home.path}/unmarked16`;
  for (
    const [text, littleEndian] of [
      ["<vm><name>no-bom</name></vm>", true],
      ['{"name": "no-bom"}', false],
      ["<vm><description>caf\u00e9</description></vm>", true],
    ] as const
  ) {
    await Deno.writeFile(unmarked, utf16(text, littleEndian).subarray(2));
    const refused = await cli.run(["vm", "add", "--from", unmarked], env);
    assert.equal(refused.code, 2, `${text}: ${refused.stderr}`);
    assert.equal(
      oneErrorLine(refused),
      `ovirt: --from ${unmarked}: UTF-16 without a byte order mark: save it as UTF-8`,
    );
  }
  assert.deepEqual(await vms.list({ search: "name=no-bom" }), [], "nothing was added");
});

Deno.test("comments and processing instructions may come before the XML root", async () => {
  await using cli = cliProcess(); // its commands without input run one after the other in it
  await using bench = await cliBench();
  const { env, connection, home } = bench;
  const vms = connection.systemService().vmsService();
  const heads = {
    "commented": "<!-- my web VM -->\n",
    "declared-commented": '<?xml version="1.0" encoding="UTF-8"?>\n<!-- my web VM -->\n',
    "instructed": '<?xml version="1.0"?><?editor tabs="2"?>\n<!-- a -->\n\n<!-- b -->',
  };
  for (const [name, head] of Object.entries(heads)) {
    const file = `${home.path}/${name}.xml`;
    await Deno.writeTextFile(
      file,
      `${head}<vm><name>${name}</name><description>caf\u00e9</description>${PLACE}</vm>\n`,
    );
    const run = await cli.run(["vm", "add", "--from", file], env);
    assert.equal(run.code, 0, `${name}: ${run.stderr}`);
    const [vm] = await vms.list({ search: `name=${name}` });
    assert.equal(vm?.description, "caf\u00e9", name);
  }

  // Another root after a comment is named; a DOCTYPE keeps the reader's own error.
  const host = `${home.path}/host.xml`;
  await Deno.writeTextFile(host, "<!-- a host -->\n<host><name>h9</name></host>\n");
  const hostRun = await cli.run(["vm", "add", "--from", host], env);
  assert.equal(hostRun.code, 2, hostRun.stderr);
  assert.equal(oneErrorLine(hostRun), `ovirt: --from ${host}: expected one <vm>, not <host>`);
  const doctype = `${home.path}/doctype.xml`;
  await Deno.writeTextFile(doctype, `<!DOCTYPE vm>\n<vm><name>dtd</name>${PLACE}</vm>\n`);
  const dtdRun = await cli.run(["vm", "add", "--from", doctype], env);
  assert.equal(dtdRun.code, 2, dtdRun.stderr);
  assert.equal(
    oneErrorLine(dtdRun),
    `ovirt: --from ${doctype}: Malformed XML at line 1, column 1: ` +
      "DTDs and entity declarations are not allowed",
  );
  assert.deepEqual(await vms.list({ search: "name=dtd" }), [], "nothing was added");
});

Deno.test("an empty element of a value that is not a string is named as empty", async () => {
  await using cli = cliProcess(); // its commands without input run one after the other in it
  await using bench = await cliBench();
  const { env, connection, home } = bench;
  const vms = connection.systemService().vmsService();
  const [found] = await vms.list({ search: "name=vm001" });
  const vm = vms.vmService(found.id!);
  const before = await vm.update({ description: "kept" });
  const file = `${home.path}/update.xml`;
  const cases = {
    "<memory></memory>": "<vm/memory> has no value",
    "<memory> </memory>": "<vm/memory> has no value",
    "<status/>": "<vm/status> has no value",
    "<os><boot><devices><device>hd</device><device/></devices></boot></os>":
      "<vm/os/boot/devices/device> has no value",
    "<memory/><cpu><topology><cores>\n</cores></topology></cpu>":
      "<vm/memory>, <vm/cpu/topology/cores> have no value",
  };
  for (const [members, says] of Object.entries(cases)) {
    await Deno.writeTextFile(file, `<vm><description>changed</description>${members}</vm>`);
    const run = await cli.run(["vm", "update", "vm001", "--from", file], env);
    assert.equal(run.code, 2, `${members}: ${run.stderr}`);
    assert.equal(
      oneErrorLine(run),
      `ovirt: --from ${file}: ${says} (write one, or leave the element out)`,
    );
  }
  assert.equal((await vm.get()).description, "kept", "nothing was sent");

  // An empty string is a value: the description is emptied.
  const memory = 2 * Number(before.memory);
  await Deno.writeTextFile(file, `<vm><description/><memory>${memory}</memory></vm>`);
  const run = await cli.run(["vm", "update", "vm001", "--from", file], env);
  assert.equal(run.code, 0, run.stderr);
  const after = await vm.get();
  assert.equal(after.description ?? "", "");
  assert.equal(after.memory, memory);
});
