/**
 * The reader (the element reader, fed whole or by `DocumentReader` chunk by chunk) against
 * an oracle that builds objects from tokens alone (`xml_token_oracle.ts`): on every struct
 * of the model, on the bench's engine-shaped list, at every kind of chunk split, on
 * thousands of mutated documents and on every variation of links and of the bytes between
 * members, both give the same objects or the same error (for streamed input, the error's
 * location aside).
 */

import "../types/register.ts";
import assert from "node:assert/strict";
import { vmsFixture } from "../bench/vms_fixture.ts";
import { concat } from "../testing/der.ts";
import { eventXml, smallCorpora } from "../bench/xml_corpora.ts";
import { rewritesOf } from "../bench/xml_rewrites.ts";
import { DocumentReader, READ_DONE } from "../transport/xml/document_reader.ts";
import {
  ELEMENT_GAVE_UP,
  ELEMENT_NEEDS_INPUT,
  ElementReader,
  readWholeDocument,
  type XmlDocument,
} from "../transport/xml/element_reader.ts";
import { readXml, readXmlStream } from "../transport/xml/read_xml.ts";
import { MODEL_SCHEMA } from "../transport/xml/schema.ts";
import { streamList } from "../transport/xml/stream.ts";
import type { XmlLimits } from "../transport/xml/tokenizer.ts";
import { writeStruct, writeXml } from "../transport/xml/writer.ts";
import { STRUCTS } from "../types/metadata.ts";
import { readByTokens } from "./xml_token_oracle.ts";
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

/**
 * Reads `chunks` with a DocumentReader; also how many list items were first checked by
 * tokens (read by the element reader alone: none).
 */
function readChunks(
  chunks: readonly Uint8Array[],
  limits?: XmlLimits,
): { outcome: Outcome; checkedItems: number } {
  const reader = new DocumentReader(MODEL_SCHEMA, { limits });
  const tokens = reader.tokens;
  let next = 0;
  try {
    while (reader.run() !== READ_DONE) {
      if (next < chunks.length) tokens.push(chunks[next++]);
      else tokens.end();
    }
    return { outcome: { document: reader.document() }, checkedItems: reader.checkedItems };
  } catch (error) {
    return { outcome: { error: (error as Error).message }, checkedItems: -1 };
  }
}

/**
 * `outcome` with any error's location left out: streamed, an invalid value's location can
 * be more exact than the oracle's, which falls back to a later token once the value's bytes
 * have been dropped.
 */
function located(outcome: Outcome): Outcome {
  return "error" in outcome
    ? { error: outcome.error.replace(/ at line \d+, column \d+/, " at ...") }
    : outcome;
}

/** Reads `chunks` with the reader and with the oracle; both outcomes, for comparison. */
function streamedBoth(chunks: readonly Uint8Array[], limits?: XmlLimits): [Outcome, Outcome] {
  return [located(readChunks(chunks, limits).outcome), located(readByTokens(chunks, limits))];
}

/** The oracle's reading of the whole document. */
function byTokens(data: Uint8Array, limits?: XmlLimits): Outcome {
  return readByTokens([data], limits);
}

function outcomeOf(read: () => XmlDocument): Outcome {
  try {
    return { document: read() };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

/** The element reader's reading of the whole `data`: undefined when it gives it up. */
function wholeOutcome(data: Uint8Array): Outcome | undefined {
  try {
    const document = readWholeDocument(data, MODEL_SCHEMA);
    return document === undefined ? undefined : { document };
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
 * chunks, under each of `limitsList`: each must read as the oracle reads it.
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

Deno.test("element reader: every struct's document reads whole, as the oracle reads it", () => {
  for (const [name, struct] of Object.entries(STRUCTS)) {
    const data = bytes(writeStruct(name, sample(name, 0, name.length)));
    const whole = wholeOutcome(data);
    assert.notEqual(whole, undefined, `<${struct.tag}> was given up`);
    assert.deepEqual(whole, byTokens(data), name);
  }
});

Deno.test("element reader: list items read whole at any chunk split, as tokens read them", () => {
  const random = seededRandom(7);
  const documents: [string, Uint8Array][] = [["vms fixture", vmsFixture(3)]];
  for (const name of ["Vm", "Host", "Disk", "Event", "Cluster"]) {
    const items = [sample(name, MAX_DEPTH, 1), sample(name, MAX_DEPTH, 2), {}];
    documents.push([name, bytes(writeXml(STRUCTS[name].listTag, items))]);
  }
  for (const [name, data] of documents) {
    const expected = byTokens(data);
    assert.ok("document" in expected, name);
    const splits = [
      [data],
      splitEvery(data, 4096),
      splitEvery(data, 1),
      splitRandomly(data, random),
    ];
    for (const chunks of splits) {
      const { outcome, checkedItems } = readChunks(chunks);
      assert.deepEqual(outcome, expected, `${name} in ${chunks.length} chunks`);
      assert.equal(checkedItems, 0, `${name} in ${chunks.length} chunks: items checked`);
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

Deno.test("element reader: references of every form read as the oracle reads them", () => {
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
    const whole = wholeOutcome(data);
    const expected = byTokens(data);
    assert.deepEqual(outcomeOf(() => readXml(data)), expected, reference);
    if ("error" in expected) {
      if (whole !== undefined) assert.deepEqual(whole, expected, reference);
      continue;
    }
    assert.deepEqual(whole, expected, reference);
    // The same members in the same order, as the struct's builder sets them:
    assert.equal(JSON.stringify(whole), JSON.stringify(expected), reference);
    for (const size of [1, 5, 13]) {
      const [streamed, tokensOnly] = streamedBoth(splitEvery(data, size));
      assert.deepEqual(streamed, tokensOnly, `${reference} in ${size}-byte chunks`);
    }
  }
});

Deno.test("element reader: a reference whose href was seen before, changed in any byte, reads as tokens do", () => {
  const known = (href: string, id: string) => `<vm><cluster href="${href}" id="${id}"/></vm>`;
  // Seen three times, the hrefs are cached and their length hinted: the next is found at once.
  const seen = (href: string, id: string) => known(href, id).repeat(3);
  const first = seen("/api/clusters/123", "123") + seen("/api/c'/7", "7") + seen("/c/1/2", "2");
  const usual = `<vm><cluster href="/api/clusters/123" id="123"/></vm>`;
  const variants = [
    usual,
    known("/api/c'/7", "7"), // cached, but a quote inside: scanned
    known("/c/1/2", "2"),
    known("/c/1/2", "1/2"),
    known("/api/clusters/124", "124"), // as long, not cached
    `<vm><cluster href="/api/clusters/123" id="123"><name>n</name></cluster></vm>`,
    `<vm><cluster href='/api/clusters/123' id='123'></cluster></vm>`,
  ];
  const from = usual.indexOf("<cluster"), to = usual.indexOf("</vm>");
  variants.push(...changedBytes(usual, from, to, [...OTHERS, '"', "'", "1"]));
  assertReadAfter(first, variants, [undefined, { maxTokenBytes: 40 }], 32);
});

Deno.test("element reader: reads all that well-formed XML may hold, and gives up only malformed input", () => {
  const reader = new ElementReader(MODEL_SCHEMA);
  const attributes = Array.from({ length: 20 }, (_, k) => ` a${k}="${k}"`).join("");
  for (
    const item of [
      "<vm><?pi x?><name>a</name><?pi?></vm>",
      "<vm><name>a<b/>c</name></vm>",
      "<vm><name>a <b>x<c/></b> <?p?> c</name></vm>",
      "<vm><name>\n  <b/>\n  c\n  <d/>\n</name></vm>",
      "<vm><name>\n  <b/>\n</name></vm>",
      "<vm><name><!-- c -->\n  <b/></name></vm>",
      "<vm>text<name>a</name>more &amp; <![CDATA[x]]></vm>",
      "<vm><n\u00e4me>a</n\u00e4me><name>\u00e9</name></vm>",
      `<vm${attributes} id="7"><name${attributes}>b</name></vm>`,
      "<vm><nics><!-- c --><nic><name>a</name></nic> x <nic/></nics></vm>",
      "<vm><actions><?p?><link rel='a' href='/a'><![CDATA[<]]></link></actions></vm>",
    ]
  ) {
    const data = bytes(item);
    assert.equal(reader.readItem(data, 0, data.length, true, VM_LIST, 1), data.length, item);
    const expected = byTokens(bytes(`<vms>${item}</vms>`));
    assert.ok("document" in expected, item);
    assert.deepEqual(reader.item, (expected.document.value as unknown[])[0], item);
  }
  for (
    const item of [
      "<vm><name>a</nam></vm>",
      '<vm id="1" id="2"/>',
      "<vm><?xml x?></vm>",
      "<vm><name>a ]]> b</name></vm>",
      "<vm>a ]]> b</vm>",
      "</vms>",
      "<!-- between items --></vms>",
    ]
  ) {
    const data = bytes(item);
    assert.equal(reader.readItem(data, 0, data.length, true, VM_LIST, 1), ELEMENT_GAVE_UP, item);
  }
  assert.throws(
    () => reader.readItem(bytes("<vm><memory>12x</memory></vm>"), 0, 29, true, VM_LIST, 1),
    (fault: { offset: number }) => fault.offset === 12,
  );
  const text = '<vms><vm id="1"><name>a</nam></vm><vm id="2"/></vms>';
  assert.equal(readWholeDocument(bytes(text), MODEL_SCHEMA), undefined);
  assert.throws(() => readXml(text), /Malformed XML at line 1, column 24: <\/nam> does not close/);
});

Deno.test("element reader: a long item is checked by tokens, and the items after it are read whole", async () => {
  const long = `<vm id="2"><description>${"d".repeat(600)}</description></vm>`;
  const text = `<vms><vm id="1"/>${long}<vm id="3"><name>c</name></vm></vms>`;
  const limits = { maxTokenBytes: 610 };
  const chunks = splitEvery(bytes(text), 64);
  const { outcome, checkedItems } = readChunks(chunks, limits);
  const expected = byTokens(bytes(text), limits);
  assert.deepEqual(outcome, expected);
  assert.equal(checkedItems, 1);
  const items: object[] = [];
  for await (const item of streamList(streamOf(chunks), limits)) items.push(item);
  assert.deepEqual({ document: { root: "vms", value: items } }, expected);
});

Deno.test("element reader: limits fail as they fail in the oracle", () => {
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

Deno.test("element reader: mutated documents give the oracle's objects or its error", () => {
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
    const whole = wholeOutcome(data);
    if (whole !== undefined) {
      counts.readWhole++;
      assert.deepEqual(whole, expected, `whole: ${JSON.stringify(text)}`);
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

Deno.test("element reader: mutated rewrites of engine answers give the oracle's objects or its error", () => {
  // Each small answer of a get() and a short list of events, in every spelling of the bench
  // (CDATA, character references, members reordered, ...), mutated, whole and streamed.
  const listRandom = seededRandom(5);
  const originals = [
    ...smallCorpora().map((corpus) => corpus.bytes),
    bytes(`<events>\n${eventXml(1, listRandom)}${eventXml(2, listRandom)}</events>\n`),
  ];
  const bases = originals.flatMap((original) => [original, ...rewritesOf(original).values()])
    .map((base) => new TextDecoder().decode(base));
  const random = seededRandom(23);
  let givenUp = 0;
  for (let n = 0; n < 3 * bases.length * 8; n++) {
    const text = mutate(bases[n % bases.length], random);
    const data = bytes(text);
    const expected = byTokens(data);
    assert.deepEqual(outcomeOf(() => readXml(data)), expected, `readXml: ${JSON.stringify(text)}`);
    if (wholeOutcome(data) === undefined) givenUp++;
    const [streamed, reference] = streamedBoth(splitRandomly(data, random));
    assert.deepEqual(streamed, reference, `streamed: ${JSON.stringify(text)}`);
  }
  assert.ok(givenUp > 100, `given up: ${givenUp}`);
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
    // Not a section: another byte where its `<` would be.
    "&![CDATA[12]]>",
    ">![CDATA[12]]>",
    "\r![CDATA[12]]>",
    "&![CDATA[x]]>y",
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
    assert.deepEqual(wholeOutcome(data), byTokens(data), text);
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

Deno.test("element reader: errors after items read whole are located as by the oracle", () => {
  const items = [
    `\n  <vm id="1">\n    <name>a</name>\n  </vm>`,
    `\r\n  <vm id="2"><name>line\nbreak</name><description>caf\u00e9\n\u00e9t\u00e9</description></vm>`,
    `\n  <vm id="3"><name><![CDATA[x\ny]]></name>\n  <!-- a\ncomment --></vm>`,
    `<vm id="4"><name>a&amp;\nb</name></vm>`,
    `\n\n<vm id="5" href="/vms/5">\n<name>\u00e9</name>\n<cluster href="/c/1" id="1"/>` +
    `\n<actions>\n<link href="/vms/5/start" rel="start"/>\n</actions></vm>`,
    `<vm id="6"><name>no line feed</name></vm>`,
    `\n  <vm\n id="7"\n><name>\u00e9\u00e9</name></vm>`,
    `\n<vm id="13" href="/vms/13">\n<actions>\n<link href="/vms/13/start" rel="startB"/>\n` +
    `</actions></vm>`, // a link not as engines write them, after white space
    `\r\n  <vm id="14"><name>a\r\nb</name><description>c\r\n\r\nd &amp;\r\n</description></vm>`,
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
        assert.deepEqual(
          readChunks(chunks).outcome,
          readByTokens(chunks),
          `${error} in ${size}-byte chunks`,
        );
      }
    }
  }
});

Deno.test("element reader: a document that is no list reports its first error, streamed as whole", () => {
  const invalidValue = "<code>3=1</code>";
  const malformed = ["<origin>oVirt</orign>", "<index a='1' a='2'>5</index>", "<flood_rate"];
  const documents: string[] = [];
  for (const bad of malformed) {
    // The invalid value first, then the malformed markup; and the other way round.
    documents.push(`<event id="1">\n  ${invalidValue}\n  ${bad}\n</event>`);
    documents.push(`<event id="1">\n  ${bad}\n  ${invalidValue}\n</event>`);
  }
  for (const text of documents) {
    const data = bytes(text);
    const whole = outcomeOf(() => readXml(data));
    assert.ok("error" in whole, text);
    assert.deepEqual(whole, byTokens(data), text);
    for (const size of [1, 5, 16, 4096]) {
      assert.deepEqual(readChunks(splitEvery(data, size)).outcome, whole, `${text} in ${size}s`);
    }
  }
});

Deno.test("element reader: a name starting with a byte that is no UTF-8 is malformed, as tokens say", () => {
  // `@` stands for the name: one byte that is no UTF-8 alone, then nothing or an ASCII letter.
  const templates = [
    "<vms><vm><@/></vm></vms>", // an unknown element
    '<vms><vm><@ a="1">x</@></vm></vms>',
    "<vms><vm><?@ x?></vm></vms>", // a processing instruction's target
    '<vms><vm @="1"/></vms>', // an attribute
    '<vms><vm><name @="1">a</name></vm></vms>',
  ];
  for (const badByte of [0x80, 0xbf, 0xc3, 0xe2, 0xf0, 0xff]) {
    for (const after of ["", "x"]) {
      const name = Uint8Array.of(badByte, ...bytes(after));
      for (const template of templates) {
        const parts = template.split("@").map(bytes);
        const data = concat(parts.flatMap((part, k) => k === 0 ? [part] : [name, part]));
        const label = `${template}, byte ${badByte}, then "${after}"`;
        const expected = byTokens(data);
        assert.ok("error" in expected, label);
        assert.deepEqual(outcomeOf(() => readXml(data)), expected, label);
        const [streamed, reference] = streamedBoth(splitEvery(data, 3));
        assert.deepEqual(streamed, reference, `streamed: ${label}`);
      }
    }
  }
});
