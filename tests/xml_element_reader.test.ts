/**
 * The element reader (the base path of `readXml`, `readXmlStream` and `streamList`) against
 * the token reader that reads what it gives up: on every struct of the model, on the
 * bench's engine-shaped list, at every kind of chunk split, on thousands of mutated
 * documents and on every variation of links and of the bytes between members, it gives the
 * same objects or gives the input up, and the readers then give the token reader's result or
 * error (for streamed input: the token reader's on the same chunks, the error's location
 * aside).
 */

import "../types/register.ts";
import assert from "node:assert/strict";
import { vmsFixture } from "../bench/vms_fixture.ts";
import { DocumentReader, READ_DONE, type XmlDocument } from "../transport/xml/document_reader.ts";
import {
  ELEMENT_GAVE_UP,
  ELEMENT_NEEDS_INPUT,
  ElementReader,
  readWholeDocument,
} from "../transport/xml/element_reader.ts";
import { readXml, readXmlStream } from "../transport/xml/reader.ts";
import { MODEL_SCHEMA } from "../transport/xml/schema.ts";
import { streamList } from "../transport/xml/stream.ts";
import { type XmlLimits, XmlTokenizer } from "../transport/xml/tokenizer.ts";
import { writeStruct, writeXml } from "../transport/xml/writer.ts";
import { STRUCTS } from "../types/metadata.ts";
import { MAX_DEPTH, sample } from "./xml_samples.ts";
import {
  bytes,
  mutate,
  seededRandom,
  splitEvery,
  splitRandomly,
  streamOf,
} from "./xml_test_utils.ts";

type Outcome = { document: XmlDocument } | { error: string };

/** Reads `chunks` with a DocumentReader, whole items on or off. */
function readChunks(
  chunks: readonly Uint8Array[],
  wholeItems: boolean,
  limits?: XmlLimits,
): { outcome: Outcome; itemsReadWhole: number } {
  const tokens = new XmlTokenizer(limits);
  const reader = new DocumentReader(tokens, MODEL_SCHEMA, { wholeItems, limits });
  let next = 0;
  try {
    while (reader.run() !== READ_DONE) {
      if (next < chunks.length) tokens.push(chunks[next++]);
      else tokens.end();
    }
    return { outcome: { document: reader.document() }, itemsReadWhole: reader.wholeItemCount };
  } catch (error) {
    return { outcome: { error: (error as Error).message }, itemsReadWhole: -1 };
  }
}

/**
 * `outcome` with any error's location left out: streamed through the element reader, an
 * invalid value's location can be more exact than the token reader's, which falls back to
 * a later token once the value's bytes have been dropped.
 */
function located(outcome: Outcome): Outcome {
  return "error" in outcome
    ? { error: outcome.error.replace(/ at line \d+, column \d+/, " at ...") }
    : outcome;
}

/** Reads `chunks` whole items on and off; both outcomes, for comparison. */
function streamedBoth(chunks: readonly Uint8Array[], limits?: XmlLimits): [Outcome, Outcome] {
  return [
    located(readChunks(chunks, true, limits).outcome),
    located(readChunks(chunks, false, limits).outcome),
  ];
}

/** The reference: the token reader alone, on the whole document. */
function byTokens(data: Uint8Array, limits?: XmlLimits): Outcome {
  return readChunks([data], false, limits).outcome;
}

function outcomeOf(read: () => XmlDocument): Outcome {
  try {
    return { document: read() };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

/** Bytes that change what markup means, to put in place of others. */
const OTHERS = ["x", " ", "/", "<", ">"];

/** `text` with each byte in `[from, to)` replaced, in turn, by each of `others`. */
function changedBytes(text: string, from: number, to: number, others: readonly string[]): string[] {
  const changed: string[] = [];
  for (let k = from; k < to; k++) {
    for (const other of others) {
      if (text[k] !== other) changed.push(text.slice(0, k) + other + text.slice(k + 1));
    }
  }
  return changed;
}

/**
 * Reads `<vms>` of `first` and then each of `variants`, whole and streamed in `chunkSize`-byte
 * chunks, under each of `limitsList`: each must read as the token reader reads it.
 */
function assertReadAfter(
  first: string,
  variants: readonly string[],
  limitsList: readonly (XmlLimits | undefined)[],
  chunkSize: number,
): void {
  for (const variant of variants) {
    const data = bytes(`<vms>${first}${variant}</vms>`);
    for (const limits of limitsList) {
      const label = `${variant} ${JSON.stringify(limits)}`;
      assert.deepEqual(outcomeOf(() => readXml(data, limits)), byTokens(data, limits), label);
      const [streamed, reference] = streamedBoth(splitEvery(data, chunkSize), limits);
      assert.deepEqual(streamed, reference, `streamed: ${label}`);
    }
  }
}

const VM_LIST = MODEL_SCHEMA.struct("Vm").asListItem;

Deno.test("element reader: every struct's document reads whole, as the token reader reads it", () => {
  for (const [name, struct] of Object.entries(STRUCTS)) {
    const data = bytes(writeStruct(name, sample(name, 0, name.length)));
    const whole = readWholeDocument(data, MODEL_SCHEMA);
    assert.notEqual(whole, undefined, `<${struct.tag}> was given up`);
    assert.deepEqual({ document: whole }, byTokens(data), name);
  }
});

Deno.test("element reader: list items read whole at any chunk split, as tokens read them", () => {
  const random = seededRandom(7);
  const documents: [string, Uint8Array, number][] = [["vms fixture", vmsFixture(3), 3]];
  for (const name of ["Vm", "Host", "Disk", "Event", "Cluster"]) {
    const items = [sample(name, MAX_DEPTH, 1), sample(name, MAX_DEPTH, 2), {}];
    documents.push([name, bytes(writeXml(STRUCTS[name].listTag, items)), 3]);
  }
  for (const [name, data, count] of documents) {
    const expected = byTokens(data);
    assert.ok("document" in expected, name);
    const splits = [
      [data],
      splitEvery(data, 4096),
      splitEvery(data, 1),
      splitRandomly(data, random),
    ];
    for (const chunks of splits) {
      const { outcome, itemsReadWhole } = readChunks(chunks, true);
      assert.deepEqual(outcome, expected, `${name} in ${chunks.length} chunks`);
      assert.equal(itemsReadWhole, count, `${name} in ${chunks.length} chunks: items read whole`);
    }
  }
});

Deno.test("element reader: an item waits for its last byte, and gives up at the end of input", () => {
  const data = bytes('<vm id="1"><name>a &amp; b</name><link href="/x" rel="nics"/></vm>');
  const reader = new ElementReader(MODEL_SCHEMA);
  for (let end = 0; end < data.length; end++) {
    assert.equal(reader.readItem(data, 0, end, false, VM_LIST, 1), ELEMENT_NEEDS_INPUT, `${end}`);
    assert.equal(reader.readItem(data, 0, end, true, VM_LIST, 1), ELEMENT_GAVE_UP, `${end}`);
  }
  assert.equal(reader.readItem(data, 0, data.length, false, VM_LIST, 1), data.length);
  const nics = Object.assign(new Array(0), { href: "/x" });
  assert.deepEqual(reader.item, { id: "1", name: "a & b", nics });
});

Deno.test("element reader: references of every form read as the token reader reads them", () => {
  const references = [
    `<cluster href="/c/1" id="1"/>`,
    `<cluster id="1" href="/c/1"/>`,
    `<cluster href="/c/1"/>`,
    `<cluster id="1"/>`,
    `<cluster/>`,
    `<cluster href="/c/1" id="1" extra="x"/>`,
    `<cluster href="/c/1" id="&#49;"/>`,
    `<cluster href="/c/2" id="1"/>`,
    `<cluster href="/c/12" id="2"/>`,
    `<cluster href="/c/" id=""/>`,
    `<cluster href="c1" id="c1"/>`,
    `<cluster href="/c/1" id="1" />`,
    `<cluster href="/c/1" id="1"></cluster>`,
    `<cluster href="/c/1" id="1"></cluster >`,
    `<cluster href="/c/1" id="1"></clusterx>`,
    `<cluster href="/c/1" id="1"></clustex>`,
    `<cluster href="/c/1" id="1"><!-- c --></cluster>`,
    `<cluster href="/c/1" id="1"> </cluster>`,
    `<cluster href="/c/1" id='1'/>`,
    `<vlan href="/v/7" id="7"/>`, // an integer id
    `<cluster href="/c/1" id="1"><name>n</name></cluster>`, // not a reference: its own id
    `<cluster href="/c/12" id="2"><name>n</name></cluster>`,
    `<cluster href="/c/1" id="/c/1"><name>n</name></cluster>`,
    `<cluster href="/c/1" id="&#49;"><name>n</name></cluster>`,
    `<cluster id="1" href="/c/1"><name>n</name></cluster>`,
    `<cluster href="/c/1" id="1">\n  <name>n</name>\n</cluster>`,
    `<cluster id='1' href='/c/1'/>`,
    `<cluster id="1" href='/c/1'></cluster>`,
    `<cluster id='1' href="/c/1"><name>n</name></cluster>`,
    `<cluster id='1' href="/c/12"/>`,
    `<cluster id='1' href="/c/1'/>`,
    `<cluster id='1" href="/c/1"/>`,
    `<cluster href='/c/1' id="1"/>`,
    `<cluster href='/c/1" id="1"/>`,
    `<cluster id='1/2' href='/c/1/2'/>`,
    `<cluster id="" href="/c/"/>`,
    `<cluster id="1"  href="/c/1"/>`,
    `<cluster id="1" href="/c/1" />`,
    `<cluster id="1" id="1"/>`,
    `<cluster href="/c/1" href="/c/1"/>`,
    `<cluster href="/c/1" id="1"><!-- c --><name>n</name></cluster>`,
    `<cluster href="/c/1" id="1"></name></cluster>`,
    `<cluster href="/c/1" id="1"><name>n</name></clusterx>`,
    `<cluster href="/c/1" id="1"><name>n</name>`,
    `<sso><methods><method id="GUEST_AGENT"/></methods></sso>`, // an enum id
  ];
  for (const reference of references) {
    const data = bytes(`<vms><vm>${reference}</vm><vm>${reference}</vm></vms>`);
    const whole = readWholeDocument(data, MODEL_SCHEMA);
    const expected = byTokens(data);
    if ("error" in expected) {
      assert.equal(whole, undefined, reference);
      continue;
    }
    assert.notEqual(whole, undefined, reference);
    assert.deepEqual({ document: whole }, expected, reference);
    // The same members in the same order, as the struct's builder sets them:
    assert.equal(JSON.stringify({ document: whole }), JSON.stringify(expected), reference);
    for (const size of [1, 5, 13]) {
      const [streamed, tokensOnly] = streamedBoth(splitEvery(data, size));
      assert.deepEqual(streamed, tokensOnly, `${reference} in ${size}-byte chunks`);
    }
  }
});

Deno.test("element reader: gives up what only the token reader reads", () => {
  const reader = new ElementReader(MODEL_SCHEMA);
  for (
    const item of [
      "<vm><?pi x?><name>a</name></vm>",
      "<vm><name>a<b/>c</name></vm>",
      "<vm>text<name>a</name></vm>",
      "<vm><memory>12x</memory></vm>",
      "<vm><name>a</nam></vm>",
      '<vm id="1" id="2"/>',
      "<vm><n\u00e4me>a</n\u00e4me></vm>",
      "</vms>",
      "<!-- between items --></vms>",
    ]
  ) {
    const data = bytes(item);
    assert.equal(reader.readItem(data, 0, data.length, false, VM_LIST, 1), ELEMENT_GAVE_UP, item);
  }
  const text = '<vms><vm id="1"><?c?></vm><vm id="2"/><vm id="3"><name>c</name></vm></vms>';
  assert.equal(readWholeDocument(bytes(text), MODEL_SCHEMA), undefined);
  const { outcome, itemsReadWhole } = readChunks([bytes(text)], true);
  assert.deepEqual(outcome, {
    document: { root: "vms", value: [{ id: "1" }, { id: "2" }, { id: "3", name: "c" }] },
  });
  assert.equal(itemsReadWhole, 2, "the items after the unusual one are read whole again");
});

Deno.test("element reader: limits fail as they fail in the token reader", () => {
  const deep = "<vm><cpu><topology><cores>1</cores></topology></cpu></vm>";
  const long = `<vms><vm><name>${"n".repeat(300)}</name></vm></vms>`;
  const cases: [string, XmlLimits][] = [
    [deep, { maxDepth: 3 }],
    [deep, { maxDepth: 4 }],
    [long, { maxTokenBytes: 200 }],
    [long, { maxTokenBytes: 400 }],
    [`<vms>${" ".repeat(500)}<vm/></vms>`, { maxTokenBytes: 200 }],
  ];
  for (const [text, limits] of cases) {
    const data = bytes(text);
    const expected = byTokens(data, limits);
    assert.deepEqual(outcomeOf(() => readXml(data, limits)), expected, JSON.stringify(limits));
    const [streamed, reference] = streamedBoth(splitEvery(data, 7), limits);
    assert.deepEqual(streamed, reference, `streamed, ${JSON.stringify(limits)}`);
  }
});

Deno.test("element reader: mutated documents give the token reader's objects or its error", () => {
  const random = seededRandom(11);
  const bases = [
    new TextDecoder().decode(vmsFixture(1)),
    writeXml("vms", [sample("Vm", MAX_DEPTH, 3), {}]),
    writeXml("events", [sample("Event", MAX_DEPTH, 4), sample("Event", MAX_DEPTH, 5)]),
  ];
  const counts = { readWhole: 0, givenUp: 0, rejected: 0 };
  for (let n = 0; n < 900; n++) {
    const text = mutate(bases[n % bases.length], random);
    const data = bytes(text);
    const expected = byTokens(data);
    const whole = readWholeDocument(data, MODEL_SCHEMA);
    if (whole !== undefined) {
      counts.readWhole++;
      assert.deepEqual({ document: whole }, expected, `whole: ${JSON.stringify(text)}`);
    } else {
      counts.givenUp++;
    }
    if ("error" in expected) counts.rejected++;
    assert.deepEqual(outcomeOf(() => readXml(data)), expected, `readXml: ${JSON.stringify(text)}`);
    const [streamed, reference] = streamedBoth(splitRandomly(data, random));
    assert.deepEqual(streamed, reference, `streamed: ${JSON.stringify(text)}`);
  }
  assert.ok(counts.readWhole > 100, `read whole: ${counts.readWhole}`);
  assert.ok(counts.givenUp > 100, `given up: ${counts.givenUp}`);
  assert.ok(counts.rejected > 100, `rejected: ${counts.rejected}`);
});

Deno.test("element reader: readXmlStream and streamList read the bench list as readXml does", async () => {
  const data = vmsFixture(4);
  const expected = byTokens(data);
  const chunks = splitEvery(data, 1500);
  assert.deepEqual({ document: await readXmlStream(streamOf(chunks)) }, expected);
  const items: object[] = [];
  for await (const item of streamList(streamOf(chunks))) items.push(item);
  assert.deepEqual({ document: { root: "vms", value: items } }, expected);
});

Deno.test("element reader: links as engines write them, and every variation, read as tokens do", () => {
  const parent = "/api/vms/1";
  const links = [
    `<link href="${parent}/nics" rel="nics"/>`,
    `<link href="${parent}/nics" rel="nics" />`,
    `<link rel="nics" href="${parent}/nics"/>`,
    `<link rel='nics' href='${parent}/nics'/>`,
    `<link rel="nics" href='${parent}/nics'></link>`,
    `<link rel="nics" href="${parent}/nicsx"/>`,
    `<link rel="nicsx" href="${parent}/nics"/>`,
    `<link rel="nics" href="${parent}/nics'/>`,
    `<link rel='nics" href="${parent}/nics"/>`,
    `<link href="${parent}/nics' rel="nics"/>`,
    `<link rel="nics"  href="${parent}/nics"/>`,
    `<link rel="" href="${parent}/"/>`,
    `<link rel="nics" href="${parent}nics"/>`,
    `<link rel="nics" href="${parent}/nics" rel="nics"/>`,
    `<link href='${parent}/nics' rel='nics'/>`,
    `<link href="${parent}/nicsx" rel="nics"/>`,
    `<link href="${parent}/nics" rel="nicsx"/>`,
    `<link href="/other/nics" rel="nics"/>`,
    `<link href="${parent}/disk-attachments" rel="disk-attachments"/>`,
    `<link href="${parent}/a&amp;b" rel="a&amp;b"/>`,
    `<link href="${parent}/nics" rel="nics"></link>`,
    `<link href="${parent}/nics" rel="nics"></link >`,
    `<link href="${parent}/nics" rel="nics"></linkx>`,
    `<link href="${parent}/nics" rel="nics"></lin>`,
    `<link href="${parent}/nics" rel="nics"></nics>`,
    `<link href="${parent}/nics" rel="nics"> </link>`,
    `<link href="${parent}/nics" rel="nics"></link><link href="${parent}/tags" rel="tags"></link>`,
    `<link href="${parent}/nics" rel="nics"><x/></link>`,
    `<link href="${parent}/nics" rel="nics"/ >`,
    `<link href="${parent}/nics" rel="nics">`,
    `<link href="${parent}/nics" rel="nics"/><link href="${parent}/tags" rel="tags"/>`,
    `<links href="${parent}/nics" rel="nics"/>`,
    `<link href="${parent}/nics" rel="nics"/><nics><nic id="1"/><nic id="2"/></nics>`,
    `<nics><nic id="1"/></nics><link href="${parent}/nics" rel="nics"/><nics><nic id="2"/></nics>`,
  ];
  const parents = [`href="${parent}"`, `href="/api/vms/&#49;"`, `id="1"`];
  for (const link of links) {
    for (const attributes of parents) {
      for (const inActions of [false, true]) {
        const body = inActions ? `<actions>\n${link}\n${link}</actions>` : link;
        const text = `<vms><vm ${attributes}>${body}<name>a</name></vm><vm ${attributes}/></vms>`;
        const data = bytes(text);
        for (const limits of [undefined, { maxDepth: inActions ? 3 : 2 }, { maxTokenBytes: 30 }]) {
          const expected = byTokens(data, limits);
          const label = `${text} ${JSON.stringify(limits)}`;
          assert.deepEqual(outcomeOf(() => readXml(data, limits)), expected, label);
          const [streamed, reference] = streamedBoth(splitEvery(data, 5), limits);
          assert.deepEqual(streamed, reference, `streamed: ${label}`);
        }
      }
    }
  }
});

Deno.test("element reader: links after other objects' links, changed in any byte, read as tokens do", () => {
  const rels = ["nics", "tags", "bogus"];
  const vm = (parent: string, linkRels = rels) => {
    const links = linkRels.map((rel) => `<link href="${parent}/${rel}" rel="${rel}"/>`);
    return `<vm href="${parent}" id="1">\n<actions>\n${links.join("\n")}\n</actions>\n` +
      `${links.join("\n")}\n<name>a</name></vm>`;
  };
  const first = vm("/api/vms/1");
  const variants = [
    vm("/api/vms/2"),
    vm("/api/vms/123456"),
    vm("/v"),
    vm("/api/vms/2", ["nics", "tags"]),
    vm("/api/vms/2", ["tags", "nics", "bogus"]),
    vm("/api/vms/2", [...rels, "nics"]),
  ];
  const second = vm("/api/vms/2");
  const from = second.indexOf("<actions>"), to = second.indexOf("<name>");
  variants.push(...changedBytes(second, from, to, ["x", " ", '"', "/", "<"]));
  assertReadAfter(first, variants, [undefined, { maxTokenBytes: 100 }], 64);
});

Deno.test("element reader: the bytes between leaves, changed in any byte, read as tokens do", () => {
  const vm = (name: string, memory: string) =>
    `<vm id="1">\n  <name>${name}</name>\n  <description>d</description>\n` +
    `  <memory>${memory}</memory>\n  <stateless>false</stateless>\n</vm>`;
  const first = vm("a", "1");
  const second = vm("bb", "22");
  const variants = [
    second,
    vm("", ""),
    second.replaceAll("\n  ", "\n"),
    second.replaceAll("\n", ""),
    second.replace("<vm", "<xx"), // the same end tags closing another element
    second.replace("<vm", "<xx").replace("</vm>", "</xx>"),
  ];
  variants.push(...changedBytes(second, second.indexOf("</name>"), second.length, OTHERS));
  assertReadAfter(first, variants, [undefined, { maxTokenBytes: 40 }, { maxDepth: 2 }], 16);
});

Deno.test("element reader: what comes before children, changed in any byte, reads as tokens do", () => {
  const vm = (id: string) =>
    `<vm href="/v/${id}" id="${id}">\n  <name>n</name>\n  <cpu>\n    <topology><cores>2</cores></topology>\n` +
    `  </cpu>\n  <cluster href="/c/1" id="1"/>\n  <foo><bar/></foo>\n  <link href="/x" rel="nics"/>\n` +
    `  <custom_properties><custom_property><name>a</name></custom_property></custom_properties>\n</vm>`;
  const first = vm("1");
  const second = vm("22");
  const variants = [
    second,
    second.replaceAll("\n  ", "\n"),
    ...changedBytes(second, 0, second.length, OTHERS),
  ];
  assertReadAfter(first, variants, [undefined, { maxDepth: 3 }], 16);
});

Deno.test("element reader: comments, CDATA and references are read, not given up", () => {
  const text = `<?xml version="1.0"?><!-- c --><vms><!-- c --><vm id="1"><!-- c -->` +
    `<name>a<!-- c -->b<![CDATA[<c>]]>&#x64;&amp;</name><memory><![CDATA[12]]></memory>` +
    `<comment></comment><description/></vm><!-- c --></vms><!-- c -->`;
  const whole = readWholeDocument(bytes(text), MODEL_SCHEMA);
  assert.deepEqual(whole, {
    root: "vms",
    value: [{ id: "1", name: "ab<c>d&", memory: 12, comment: "", description: "" }],
  });
  assert.deepEqual({ document: whole }, byTokens(bytes(text)));
});

Deno.test("element reader: a leaf that is one CDATA section reads as tokens read it", () => {
  const sections = [
    "<![CDATA[12]]>",
    "<![CDATA[ 12 ]]>",
    "<![CDATA[]]>",
    "<![CDATA[1\r\n2]]>",
    "<![CDATA[a\nb]]>",
    "<![CDATA[x]]>y",
    "<![CDATA[a\nb]]>y",
    "<![CDATA[x]]><!-- c -->",
    "<![CDATA[x]]><![CDATA[y]]>",
    "<![CDATA[a ]] > ]]]>",
    "<![CDATA[&amp;<b>]]>",
    "<![CDATA[caf\u00e9]]>",
    "<![CDATA[UP]]>",
    "<![CDATA[up]]>",
    "<![CDATA[true]]>",
    "<![CDATA[2024-05-01T12:00:00.5+02:00]]>",
    "<![CDATA[x]]></name>",
    "<![CDATA[x]]",
    "<![CDATX[x]]>",
    "<!-- c --><![CDATA[x]]>",
  ];
  const leaves = ["name", "memory", "status", "stateless", "creation_time"];
  for (const section of sections) {
    const items = leaves.map((leaf) => `<vm><${leaf}>${section}</${leaf}></vm>`).join("\n");
    const data = bytes(`<vms>\n${items}\n</vms>\n<`); // ends in an error, to locate
    assert.deepEqual(
      outcomeOf(() => readXml(data.subarray(0, data.length - 2))),
      byTokens(data.subarray(0, data.length - 2)),
      section,
    );
    for (const size of [1, 3, 7, 64]) {
      const [streamed, reference] = streamedBoth(splitEvery(data, size));
      assert.deepEqual(streamed, reference, `${section} in ${size}-byte chunks`);
    }
  }
});

Deno.test("element reader: numbers, booleans and dates with references read as tokens read them", () => {
  const texts = [
    "&#49;2",
    "1&#x32;",
    " &#49; ",
    "&#49;\n",
    "&#x661;",
    "&#49;<!-- c -->2",
    "<![CDATA[1]]>&#50;",
    "&#45;7",
    "&#116;rue",
    "TRU&#69;",
    "2024-05-01T12:00:00&#46;5Z",
    "2024-05-01T12:00:00&#46;5+02:00x",
    "9".repeat(70) + "&#57;",
  ];
  const leaves = ["memory", "stateless", "creation_time", "status", "name"];
  for (const text of texts) {
    const items = leaves.map((leaf) => `<vm><${leaf}>${text}</${leaf}></vm>`).join("\n");
    const data = bytes(`<vms>\n${items}\n</vms>`);
    assert.deepEqual(outcomeOf(() => readXml(data)), byTokens(data), text);
    const whole = readWholeDocument(data, MODEL_SCHEMA); // undefined: left to the tokens
    if (whole !== undefined) assert.deepEqual({ document: whole }, byTokens(data), text);
  }
});

Deno.test("element reader: text with references, CR and pieces reads as tokens read it", () => {
  const long = "a&amp;".repeat(1200); // more characters than the reader collects at once
  const texts = [
    "&#x1F600;x&#128512;&lt;&gt;&quot;&apos;&#65;&#x41;",
    "a\r\nb\rc\n&#13;d\r",
    "x > y ]] > z &amp; w",
    "caf\u00e9 &amp; th\u00e9",
    "&amp; caf\u00e9",
    "a&amp;<!-- c -->b&#x62;<![CDATA[&amp;\r\n]]>c\r&lt;",
    long,
    long + "\u00e9",
  ];
  for (const text of texts) {
    const data = bytes(
      `<vms><vm><name>${text}</name><description>${text}</description></vm></vms>`,
    );
    const whole = readWholeDocument(data, MODEL_SCHEMA);
    assert.notEqual(whole, undefined, text);
    assert.deepEqual({ document: whole }, byTokens(data), text);
    for (const size of [1, 2, 3, 7]) {
      const [streamed, reference] = streamedBoth(splitEvery(data, size));
      assert.deepEqual(streamed, reference, `${text} in ${size}-byte chunks`);
    }
  }
});

Deno.test("element reader: errors after items read whole are located as by tokens alone", () => {
  const items = [
    `\n  <vm id="1">\n    <name>a</name>\n  </vm>`,
    `\r\n  <vm id="2"><name>line\nbreak</name><description>caf\u00e9\n\u00e9t\u00e9</description></vm>`,
    `\n  <vm id="3"><name><![CDATA[x\ny]]></name>\n  <!-- a\ncomment --></vm>`,
    `<vm id="4"><name>a&amp;\nb</name></vm>`,
    `\n\n<vm id="5" href="/vms/5">\n<name>\u00e9</name>\n<cluster href="/c/1" id="1"/>` +
    `\n<actions>\n<link href="/vms/5/start" rel="start"/>\n</actions></vm>`,
    `<vm id="6"><name>no line feed</name></vm>`,
    `\n  <vm\n id="7"\n><name>\u00e9\u00e9</name></vm>`,
  ];
  const errors = [
    `\n  <vm id="8"><name>x</nam></vm>`,
    `\n  <vm id="9">\n    <name>\u00e9x &bogus;</name></vm>`,
    `<vm id="10">\n <name>a</name>\n <name b="1" b="2"/></vm>`,
    `\n \u00e9\u00e9 <vm><name>a</name></vmx>`,
    `<vm id="11"><name>x</nam></vm>`, // on the line where the last item ends
    ` \u00e9 <vm id="12"><name>&bogus;</name></vm>`,
  ];
  for (let from = 0; from < items.length; from++) {
    for (const error of errors) {
      const data = bytes(`<vms>${items.slice(from).join("")}${items.join("")}${error}\n</vms>`);
      const expected = byTokens(data);
      assert.ok("error" in expected, error);
      assert.deepEqual(outcomeOf(() => readXml(data)), expected, error);
      for (const size of [1, 3, 16, 100, 4096]) {
        const chunks = splitEvery(data, size);
        const whole = readChunks(chunks, true).outcome;
        assert.deepEqual(
          whole,
          readChunks(chunks, false).outcome,
          `${error} in ${size}-byte chunks`,
        );
      }
    }
  }
});
