import "../types/register.ts";
import assert from "node:assert/strict";
import { OvirtError } from "../transport/errors.ts";
import { fromXml, readXml, readXmlStream, streamList } from "../transport/xml/mod.ts";
import { bytes, splitEvery, streamOf } from "./xml_test_utils.ts";

type Obj = Record<string, unknown>;

function read(xml: string): Obj {
  return fromXml(xml) as Obj;
}

function rejects(xml: string, pattern: RegExp): void {
  assert.throws(() => fromXml(xml), (error: unknown) => {
    assert.ok(error instanceof OvirtError, String(error));
    assert.match(error.message, pattern);
    return true;
  });
}

Deno.test("reader: primitive members become JS values", () => {
  const vm = read(`<vm><name>web01</name><memory>2147483648</memory><stateless>true</stateless>
    <status>up</status><creation_time>2024-05-01T10:20:30.000Z</creation_time>
    <cpu><topology><cores>2</cores><sockets>1</sockets></topology><speed>2.5</speed></cpu></vm>`);
  assert.deepEqual(vm, {
    name: "web01",
    memory: 2147483648,
    stateless: true,
    status: "up",
    creationTime: new Date("2024-05-01T10:20:30.000Z"),
    cpu: { topology: { cores: 2, sockets: 1 }, speed: 2.5 },
  });
});

Deno.test("reader: id and href are read from attributes with the member's kind", () => {
  assert.deepEqual(read(`<vm href="/ovirt-engine/api/vms/1" id="1" other="x"/>`), {
    href: "/ovirt-engine/api/vms/1",
    id: "1",
  });
  assert.deepEqual(read(`<vlan id="100"/>`), { id: 100 });
  assert.deepEqual(read(`<nic><vnic_profile id="p1"/></nic>`), { vnicProfile: { id: "p1" } });
  const sso = read(`<vm><sso><methods><method id=" GUEST_AGENT"/></methods></sso></vm>`);
  assert.deepEqual(sso, { sso: { methods: [{ id: "guest_agent" }] } });
  rejects(`<vlan id="ten"/>`, /line 1, column 1: <id> expects an integer, got "ten"/);
});

Deno.test("reader: an id element instead of the attribute is an unknown element", () => {
  assert.deepEqual(read(`<vm><id>x</id></vm>`), {});
});

Deno.test("reader: inline list items are read whatever their tag", () => {
  const host = read(`<host><host_numa_nodes>
      <host_numa_node id="a"><index>0</index></host_numa_node>
      <vm_numa_node id="b"><index>1</index></vm_numa_node>
    </host_numa_nodes></host>`);
  assert.deepEqual(host, { numaNodes: [{ id: "a", index: 0 }, { id: "b", index: 1 }] });
  const os = read(
    `<vm><os><boot><devices><device>hd</device><dev>CDROM</dev></devices></boot></os></vm>`,
  );
  assert.deepEqual(os, { os: { boot: { devices: ["hd", "cdrom"] } } });
  assert.deepEqual(read(`<vm><os><boot><devices/></boot></os></vm>`), {
    os: { boot: { devices: [] } },
  });
});

Deno.test("reader: a list link becomes an empty array carrying href", () => {
  const vm = read(`<vm id="1">
    <link href="/api/vms/1/nics" rel="nics"/>
    <link href="/api/vms/1/diskattachments" rel="diskattachments"/>
    <link href="/api/vms/1/bogus" rel="bogus"/><link href="/api/vms?search={q}" rel="vms/search"/>
    <link rel="snapshots"/>
  </vm>`);
  assert.deepEqual(vm, {
    id: "1",
    nics: Object.assign([], { href: "/api/vms/1/nics" }),
    diskAttachments: Object.assign([], { href: "/api/vms/1/diskattachments" }),
  });
  assert.equal((vm.nics as { href?: string }).href, "/api/vms/1/nics");
});

Deno.test("reader: a link merges with an inline list of the same member, in any order", () => {
  const expected = { nics: Object.assign([{ id: "n1" }], { href: "/api/vms/1/nics" }) };
  assert.deepEqual(
    read(`<vm><link href="/api/vms/1/nics" rel="nics"/><nics><nic id="n1"/></nics></vm>`),
    expected,
  );
  assert.deepEqual(
    read(`<vm><nics><nic id="n1"/></nics><link href="/api/vms/1/nics" rel="nics"/></vm>`),
    expected,
  );
});

Deno.test("reader: <actions> and unknown elements are skipped whole at any depth", () => {
  const vm = read(`<vm><actions><link href="/api/vms/1/nics" rel="nics"/>
      <link href="/api/vms/1/start" rel="start"/></actions>
    <future_member><name>not the vm name</name><deeper><memory>1</memory></deeper></future_member>
    <cpu><future><cores>9</cores></future><topology><threads>2</threads><x>y</x></topology></cpu>
    <name>real</name></vm>`);
  assert.deepEqual(vm, { cpu: { topology: { threads: 2 } }, name: "real" });
});

Deno.test("reader: unknown elements split across chunks are skipped like whole ones", async () => {
  const xml = `<vms><vm id="1"><actions><link href="/a" rel="start"/><link href='/b' rel="x"/>` +
    `</actions><future a="1" b="&amp;"><x><y/>t &lt; u</x></future><name>n</name></vm>` +
    `<vm id="2"><future><x>1</x></future><name>m</name></vm></vms>`;
  const expected = readXml(xml).value;
  assert.deepEqual(expected, [{ id: "1", name: "n" }, { id: "2", name: "m" }]);
  for (const size of [1, 3, 7, 40, 1000]) {
    assert.deepEqual((await readXmlStream(streamOf(splitEvery(bytes(xml), size)))).value, expected);
  }
  for (const bad of ["<x></y>", "<x a='1' a='2'/>", "<x a='<'/>", "&bad;", "<x>\u0001</x>"]) {
    rejects(`<vm><future>${bad}</future></vm>`, /Malformed XML at line 1/);
  }
});

Deno.test("reader: link hrefs are exact whether or not they extend the object's href", async () => {
  const links =
    `<link href="/api/vms/1/nics" rel="nics"/><link href="/api/vms/12/tags" rel="tags"/>` +
    `<link href="/api/vms/1/cdromsx" rel="cdroms"/><link href="/api/vms/1&#47;sessions" ` +
    `rel="sessions"/><link href="/api/vms/1/snapshots" rel="snap&#115;hots"/>`;
  const xml =
    `<vms><vm href="/api/vms/1">${links}</vm><vm href="/api/&#118;ms/1">${links}</vm></vms>`;
  const hrefs = (value: unknown) =>
    (value as Record<string, unknown>[]).map((vm) =>
      Object.fromEntries(
        ["nics", "tags", "cdroms", "sessions", "snapshots"].map((rel) => [
          rel,
          (vm[rel] as { href?: string }).href,
        ]),
      )
    );
  const expected = {
    nics: "/api/vms/1/nics",
    tags: "/api/vms/12/tags",
    cdroms: "/api/vms/1/cdromsx",
    sessions: "/api/vms/1/sessions",
    snapshots: "/api/vms/1/snapshots",
  };
  assert.deepEqual(hrefs(readXml(xml).value), [expected, expected]);
  for (const size of [1, 9, 50]) {
    const streamed = await readXmlStream(streamOf(splitEvery(bytes(xml), size)));
    assert.deepEqual(hrefs(streamed.value), [expected, expected]);
  }
});

Deno.test("reader: enums are trimmed and lower-cased; unknown values are kept", () => {
  assert.deepEqual(read(`<vm><status> Image_Locked\n</status></vm>`), { status: "image_locked" });
  assert.deepEqual(read(`<vm><status>brand_new_state</status></vm>`), {
    status: "brand_new_state",
  });
});

Deno.test("reader: strings are not trimmed and an empty string element is present", () => {
  assert.deepEqual(read(`<vm><name/><description></description><comment>  a\n b </comment></vm>`), {
    name: "",
    description: "",
    comment: "  a\n b ",
  });
  assert.deepEqual(read(`<vm><name> </name></vm>`), { name: " " });
  assert.deepEqual(read(`<vm><name>a &amp; <![CDATA[<b>]]> c</name></vm>`), {
    name: "a & <b> c",
  });
});

Deno.test("reader: an empty non-string element is absent", () => {
  assert.deepEqual(
    read(`<vm><memory/><stateless></stateless><status> </status><creation_time/></vm>`),
    {},
  );
});

Deno.test("reader: booleans accept true/false/1/0 in any case", () => {
  const cases: [string, boolean][] = [["true", true], ["FALSE", false], ["1", true], [
    " 0 ",
    false,
  ], ["True", true]];
  for (const [text, value] of cases) {
    assert.deepEqual(read(`<vm><stateless>${text}</stateless></vm>`), { stateless: value });
  }
  rejects(
    `<vm>\n <stateless>yes</stateless></vm>`,
    /line 2, column 13: <stateless> expects a boolean/,
  );
});

Deno.test("reader: integers and decimals", () => {
  assert.deepEqual(read(`<vm><memory>-42</memory></vm>`), { memory: -42 });
  assert.deepEqual(read(`<vm><memory>+7</memory></vm>`), { memory: 7 });
  assert.deepEqual(read(`<vm><cpu><speed>1.5E3</speed></cpu></vm>`), { cpu: { speed: 1500 } });
  assert.deepEqual(read(`<vm><cpu><speed>.5</speed></cpu></vm>`), { cpu: { speed: 0.5 } });
  assert.deepEqual(read(`<vm><cpu><speed>-3.</speed></cpu></vm>`), { cpu: { speed: -3 } });
  for (const bad of ["1.5", "12a", "0x10", "1e3", "--1", "+"]) {
    rejects(`<vm><memory>${bad}</memory></vm>`, /<memory> expects an integer/);
  }
  for (const bad of ["1.2.3", "e5", "1e", ".", "NaN", "Infinity", "1,5", "1e999", "-1E400"]) {
    rejects(`<vm><cpu><speed>${bad}</speed></cpu></vm>`, /<speed> expects a decimal/);
  }
});

Deno.test("reader: values read from bytes equal values read from text", () => {
  const integers = [
    "0",
    "-0",
    "+0",
    "007",
    "123456789012345",
    "1234567890123456",
    "-9007199254740993",
  ];
  for (const text of integers) {
    const number = Number(text) + 0; // "-0" is 0
    const expected = Number.isSafeInteger(number) ? number : BigInt(text);
    assert.ok(Object.is(read(`<vm><memory>${text}</memory></vm>`).memory, expected), text);
    assert.ok(Object.is(read(`<vm><memory> ${text}</memory></vm>`).memory, expected), text);
  }
  for (const text of ["2016-12-12T23:07:29.758+02:00", "2016-12-12T23:07:29.7589Z"]) {
    const plain = read(`<vm><creation_time>${text}</creation_time></vm>`).creationTime;
    const spaced = read(`<vm><creation_time>\n ${text} </creation_time></vm>`).creationTime;
    assert.deepEqual(plain, spaced, text);
  }
});

Deno.test("reader: dates with Z, offsets, any fraction or none, and no zone as UTC", () => {
  const cases: [string, string][] = [
    ["2016-12-12T23:07:29.758+02:00", "2016-12-12T21:07:29.758Z"],
    ["2016-12-12T23:07:29-05:30", "2016-12-13T04:37:29.000Z"],
    ["2016-12-12T23:07:29Z", "2016-12-12T23:07:29.000Z"],
    ["2016-12-12T23:07:29.1Z", "2016-12-12T23:07:29.100Z"],
    ["2016-12-12T23:07:29.123456", "2016-12-12T23:07:29.123Z"],
    ["2016-12-12T23:07:29", "2016-12-12T23:07:29.000Z"],
    ["2024-02-29T00:00:00Z", "2024-02-29T00:00:00.000Z"],
    ["0050-01-01T00:00:00Z", "0050-01-01T00:00:00.000Z"],
  ];
  for (const [text, iso] of cases) {
    const vm = read(`<vm><creation_time>${text}</creation_time></vm>`);
    assert.equal((vm.creationTime as Date).toISOString(), iso, text);
  }
  for (
    const bad of [
      "2016-12-12",
      "2016-13-12T00:00:00Z",
      "2023-02-29T00:00:00Z",
      "2016-12-12T24:00:00Z",
      "2016-12-12T23:07:29.Z",
      "2016-12-12T23:07:29+0200",
      "2016-12-12 23:07:29Z",
      "yesterday",
    ]
  ) {
    rejects(`<vm><creation_time>${bad}</creation_time></vm>`, /<creation_time> expects a date/);
  }
});

Deno.test("reader: dispatch on the root tag", () => {
  assert.deepEqual(readXml(`<vms><vm id="1"/><vm id="2"/></vms>`), {
    root: "vms",
    value: [{ id: "1" }, { id: "2" }],
  });
  assert.deepEqual(readXml(`<vms/>`), { root: "vms", value: [] });
  assert.deepEqual(
    fromXml(`<fault><reason>Operation Failed</reason><detail>[x]</detail></fault>`),
    { reason: "Operation Failed", detail: "[x]" },
  );
  assert.deepEqual(
    fromXml(`<action><status>failed</status><fault><reason>r</reason></fault></action>`),
    { status: "failed", fault: { reason: "r" } },
  );
  const api = fromXml(`<api><link href="/api/vms" rel="vms"/><product_info><name>oVirt</name>
    <version><major>4</major></version></product_info><time>2024-05-01T12:00:00.123+02:00</time></api>`);
  assert.deepEqual(api, {
    productInfo: { name: "oVirt", version: { major: 4 } },
    time: new Date("2024-05-01T10:00:00.123Z"),
  });
  assert.deepEqual(
    fromXml(`<operating_systems><operating_system id="x"><name>rhel</name></operating_system>
      </operating_systems>`),
    [{ id: "x", name: "rhel" }],
  );
  rejects(`<nonsense/>`, /Unknown XML document root <nonsense> at line 1, column 1/);
  rejects(`<html><body>401</body></html>`, /Unknown XML document root <html>/);
});

Deno.test("reader: non-ASCII values with and without references, CR and CDATA", async () => {
  const xml = `<vm id="\u00e9\u65e5 &amp; \u{1f600}"><name>caf\u00e9</name>` +
    `<description>\u00e9 &lt; \u00e8\r\nx</description>` +
    `<comment><![CDATA[\u00e9\r\n<b>]]>\u00e8</comment><status> \u00c9t\u00e9 </status></vm>`;
  const expected = {
    id: "\u00e9\u65e5 & \u{1f600}",
    name: "caf\u00e9",
    description: "\u00e9 < \u00e8\nx",
    comment: "\u00e9\n<b>\u00e8",
    status: "\u00e9t\u00e9",
  };
  assert.deepEqual(readXml(xml).value, expected);
  for (const size of [1, 2, 5]) {
    assert.deepEqual((await readXmlStream(streamOf(splitEvery(bytes(xml), size)))).value, expected);
  }
  const bad = (before: string, after: string) =>
    new Uint8Array([...bytes(before), 0xc3, 0x28, ...bytes(after)]);
  for (const data of [bad("<vm><name>", "</name></vm>"), bad(`<vm id="`, `"/>`)]) {
    assert.throws(() => readXml(data), /invalid UTF-8/);
  }
});

Deno.test("reader: what one object held never changes what the next one reads to", () => {
  const first =
    `<vm><cpu><topology><cores>1</cores></topology></cpu><cpu_shares>2</cpu_shares><name>a</name>` +
    `<link href="/l" rel="nics"/><link href="/s" rel="snapshots"/><stateless>true</stateless></vm>`;
  const second =
    `<vm><cpu_shares>3</cpu_shares><cpu><topology><cores>4</cores></topology></cpu><stateless>false` +
    `</stateless><cpus>9</cpus><link href="/t" rel="tags"/><name>b</name><na>x</na></vm>`;
  const expected = [
    {
      cpu: { topology: { cores: 1 } },
      cpuShares: 2,
      name: "a",
      nics: Object.assign([], { href: "/l" }),
      snapshots: Object.assign([], { href: "/s" }),
      stateless: true,
    },
    {
      cpuShares: 3,
      cpu: { topology: { cores: 4 } },
      stateless: false,
      tags: Object.assign([], { href: "/t" }),
      name: "b",
    },
  ];
  for (let round = 0; round < 3; round++) {
    assert.deepEqual(readXml(`<vms>${first}${second}</vms>`).value, expected);
    assert.deepEqual(readXml(`<vms>${second}${first}</vms>`).value, [expected[1], expected[0]]);
  }
});

Deno.test("reader: leaves in any spelling read alike, and their faults are located", () => {
  // Leaves in the usual form, then with spaces, references, CR, non-ASCII and empty forms:
  // each reads to its value, and each fault is named at its line and column.
  const first = `<vm><name>a</name><description>b</description><comment>c</comment>` +
    `<memory>1</memory><stateless>true</stateless></vm>`;
  const second = `<vm>\n  <name>a2</name >\n  <description >b2</description>\n  ` +
    `<comment>c&amp;2</comment>\r\n  <memory>2</memory><stateless>false</stateless></vm>`;
  const third = `<vm><name>caf\u00e9</name><description></description><comment/>` +
    `<memory> 3 </memory><stateless>true</stateless></vm>`;
  for (let round = 0; round < 2; round++) {
    assert.deepEqual(readXml(`<vms>${first}${second}${third}</vms>`).value, [
      { name: "a", description: "b", comment: "c", memory: 1, stateless: true },
      { name: "a2", description: "b2", comment: "c&2", memory: 2, stateless: false },
      { name: "caf\u00e9", description: "", comment: "", memory: 3, stateless: true },
    ]);
  }
  rejects(`<vms>${first}<vm>\n<name>x</name>\n<memory>12x</memory></vm></vms>`, /line 3, column 9/);
  for (
    const bad of [
      "<name>a</nam>",
      "<name>a</namex>",
      "<name>a<b></name>",
      "<name xv</name>",
      "<name>a&bad;</name>",
    ]
  ) {
    rejects(`<vms>${first}<vm>${bad}</vm></vms>`, /Malformed XML at line 1/);
  }
  assert.throws(
    () => readXml(`<vms>${first}<vm><name>a</name></vm></vms>`, { maxDepth: 2 }),
    /nested deeper than 2/,
  );
});

Deno.test("reader: bytes and streams give the same result as a string", async () => {
  const xml = `<vms><vm id="1"><name>caf\u00e9</name><memory>5</memory></vm><vm id="2"/></vms>`;
  const expected = readXml(xml);
  assert.deepEqual(readXml(bytes(xml)), expected);
  for (const size of [1, 3, 7, 1000]) {
    assert.deepEqual(await readXmlStream(streamOf(splitEvery(bytes(xml), size))), expected);
  }
});

Deno.test("reader: truncated documents are refused, never returned partially", async () => {
  const xml = `<vms><vm id="1"><name>a</name></vm><vm id="2"><name>b</name></vm></vms>`;
  for (let cut = 1; cut < xml.length; cut++) {
    assert.throws(() => readXml(xml.slice(0, cut)), OvirtError, `cut at ${cut}`);
  }
  await assert.rejects(readXmlStream(streamOf(splitEvery(bytes(xml.slice(0, 40)), 5))), /end/);
});

Deno.test("streamList: yields every item of a list document as it completes", async () => {
  const xml = `<events><event id="1"><code>10</code></event>
    <event id="2"><description>two</description></event><event id="3"/></events>`;
  const items: unknown[] = [];
  for await (const item of streamList(streamOf(splitEvery(bytes(xml), 4)))) items.push(item);
  assert.deepEqual(items, [{ id: "1", code: 10 }, { id: "2", description: "two" }, { id: "3" }]);
});

Deno.test("streamList: an item is yielded before the rest of the document arrives", async () => {
  let sentSecondChunk = false;
  const chunks = [bytes(`<events><event id="1"/>`), bytes(`<event id="2"/></events>`)];
  let next = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (next === 1) sentSecondChunk = true;
      if (next < chunks.length) controller.enqueue(chunks[next++]);
      else controller.close();
    },
  }, { highWaterMark: 0 });
  const iterator = streamList(stream);
  const first = await iterator.next();
  assert.deepEqual(first.value, { id: "1" });
  assert.equal(sentSecondChunk, false);
  await iterator.return(undefined);
});

Deno.test("streamList: a short item after a long one is yielded before more input arrives", async () => {
  const long = `<event id="1"><description>${"long ".repeat(200)}</description></event>`;
  const chunks = [bytes(`<events>${long}`), bytes(`<event id="2"/>`), bytes(`</events>`)];
  let pulled = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled < chunks.length) controller.enqueue(chunks[pulled++]);
      else controller.close();
    },
  }, { highWaterMark: 0 });
  const iterator = streamList(stream);
  assert.equal(((await iterator.next()).value as { id: string }).id, "1");
  assert.deepEqual((await iterator.next()).value, { id: "2" });
  assert.equal(pulled, 2, "the second item came out before the last chunk was asked for");
  await iterator.return(undefined);
});

Deno.test("streamList: refuses a document that is not a list, and malformed input", async () => {
  const collect = async (xml: string) => {
    for await (const _ of streamList(streamOf([bytes(xml)]))) { /* drain */ }
  };
  await assert.rejects(collect(`<vm id="1"/>`), /Expected a list document, got <vm>/);
  await assert.rejects(collect(`<vms><vm id="1"/><vm>`), /not closed/);
});

Deno.test("streamList: stopping early cancels the stream", async () => {
  let cancelled = false;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(bytes(`<vms><vm id="1"/><vm id="2"/>`));
    },
    cancel() {
      cancelled = true;
    },
  });
  for await (const _ of streamList(stream)) break;
  assert.equal(cancelled, true);
});

Deno.test("readXmlStream: a document that is no list, split anywhere, reads as it does whole", async () => {
  const vm = `<?xml version="1.0"?>\n<vm id="1"><?p x?>\n  <name>a<!-- c -->b</name>\n` +
    `  text <cpu><topology cores="2"/></cpu><n\u00e4me x="1"/>\n</vm>\n<!-- after -->`;
  const whole = readXml(vm);
  for (const size of [1, 3, 16]) {
    const streamed = await readXmlStream(streamOf(splitEvery(bytes(vm), size)));
    assert.deepEqual(streamed, whole, `${size}-byte chunks`);
  }
  const bad = `<vm id="1">\n  <name>a</name>\n  <memory>12x</memory>\n</vm>`;
  for (const size of [1, 5, 1000]) {
    await assert.rejects(
      readXmlStream(streamOf(splitEvery(bytes(bad), size))),
      /Invalid XML value at line 3, column 11: <memory> expects an integer, got "12x"/,
    );
  }
});

Deno.test("reader: only XML white space surrounds a value; -0 is 0", () => {
  const vm = (body: string) => readXml(`<vm>${body}</vm>`).value as Record<string, unknown>;
  assert.equal(vm("<memory>\t12 \n</memory>").memory, 12);
  assert.ok(Object.is(vm("<memory>-0</memory>").memory, 0), "not negative zero");
  assert.ok(Object.is(vm("<memory>&#x2D;0</memory>").memory, 0), "from text too");
  // A no-break space is no XML white space (XML Schema's `collapse` keeps it): no integer.
  assert.throws(
    () => vm("<memory>&#xA0;12&#xA0;</memory>"),
    /<memory> expects an integer, got "\u00a012\u00a0"/,
  );
  assert.throws(() => vm("<stateless>\u3000true</stateless>"), /<stateless> expects a boolean/);
});

Deno.test("reader: a string with a lone surrogate is refused where it stands", () => {
  assert.throws(
    () => readXml("<vm>\n<name>ab\udc00</name></vm>"),
    (error) =>
      error instanceof OvirtError &&
      error.message === "Malformed XML at line 2, column 9: a lone surrogate (U+DC00) is not a " +
          "character",
  );
  assert.throws(() => fromXml("<vm><name>\ud83d\ude00\ud800</name></vm>"), /column 12/);
  assert.equal((fromXml("<vm><name>\ud83d\ude00</name></vm>") as { name: string }).name, "😀");
});

Deno.test("reader: a limit that is no number is refused, not taken as no limit", () => {
  for (const limits of [{ maxDepth: NaN }, { maxTokenBytes: NaN }, { maxDepth: "9" }]) {
    assert.throws(() => readXml("<vm/>", limits as never), RangeError, JSON.stringify(limits));
    assert.throws(() => streamList(streamOf([bytes("<vms/>")]), limits as never), RangeError);
  }
});
