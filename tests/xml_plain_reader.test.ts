/**
 * The plain reader (the fast path of `readXml`, `readXmlStream` and `streamList`) against
 * the token reader it stands in for: on every struct of the model, on the bench's
 * engine-shaped list, at every kind of chunk split and on thousands of mutated documents,
 * it gives the same objects or gives the input up, and the readers then give the token
 * reader's result or error (for streamed input: the token reader's on the same chunks, the
 * error's location aside).
 */

import assert from "node:assert/strict";
import { vmsFixture } from "../bench/vms_fixture.ts";
import { DocumentReader, READ_DONE, type XmlDocument } from "../transport/xml/document_reader.ts";
import {
  PLAIN_GAVE_UP,
  PLAIN_NEEDS_INPUT,
  PlainReader,
  readPlainDocument,
} from "../transport/xml/plain_reader.ts";
import { readXml, readXmlStream } from "../transport/xml/reader.ts";
import { CHILD_LINKS, MEMBER_LINKS } from "../transport/xml/link_run.ts";
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

/** Reads `chunks` with a DocumentReader, plain items on or off. */
function readChunks(
  chunks: readonly Uint8Array[],
  plainItems: boolean,
  limits?: XmlLimits,
): { outcome: Outcome; itemsReadWhole: number } {
  const tokens = new XmlTokenizer(limits);
  const reader = new DocumentReader(tokens, MODEL_SCHEMA, { plainItems, limits });
  let next = 0;
  try {
    while (reader.run() !== READ_DONE) {
      if (next < chunks.length) tokens.push(chunks[next++]);
      else tokens.end();
    }
    return { outcome: { document: reader.document() }, itemsReadWhole: reader.plainItemCount };
  } catch (error) {
    return { outcome: { error: (error as Error).message }, itemsReadWhole: -1 };
  }
}

/**
 * `outcome` with any error's location left out: streamed through the plain reader, an
 * invalid value's location can be more exact than the token reader's, which falls back to
 * a later token once the value's bytes have been dropped.
 */
function located(outcome: Outcome): Outcome {
  return "error" in outcome
    ? { error: outcome.error.replace(/ at line \d+, column \d+/, " at ...") }
    : outcome;
}

/** Reads `chunks` plain items on and off; both outcomes, for comparison. */
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
 * chunks, under each of `limitsList`, calling `forget` before each read: each must read as the
 * token reader reads it. (The runs the plain reader remembers from `first` meet the variant.)
 */
function assertReadAfter(
  first: string,
  variants: readonly string[],
  limitsList: readonly (XmlLimits | undefined)[],
  forget: () => void,
  chunkSize: number,
): void {
  for (const variant of variants) {
    const data = bytes(`<vms>${first}${variant}</vms>`);
    for (const limits of limitsList) {
      forget();
      const label = `${variant} ${JSON.stringify(limits)}`;
      assert.deepEqual(outcomeOf(() => readXml(data, limits)), byTokens(data, limits), label);
      const [streamed, reference] = streamedBoth(splitEvery(data, chunkSize), limits);
      assert.deepEqual(streamed, reference, `streamed: ${label}`);
    }
  }
}

const VM_LIST = MODEL_SCHEMA.struct("Vm").asListItem;

Deno.test("plain reader: every struct's document reads whole, as the token reader reads it", () => {
  for (const [name, struct] of Object.entries(STRUCTS)) {
    const data = bytes(writeStruct(name, sample(name, 0, name.length)));
    const plain = readPlainDocument(data, MODEL_SCHEMA);
    assert.notEqual(plain, undefined, `<${struct.tag}> was given up`);
    assert.deepEqual({ document: plain }, byTokens(data), name);
  }
});

Deno.test("plain reader: list items read whole at any chunk split, as tokens read them", () => {
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

Deno.test("plain reader: an item waits for its last byte, and gives up at the end of input", () => {
  const data = bytes('<vm id="1"><name>a &amp; b</name><link href="/x" rel="nics"/></vm>');
  const reader = new PlainReader(MODEL_SCHEMA);
  for (let end = 0; end < data.length; end++) {
    assert.equal(reader.readItem(data, 0, end, false, VM_LIST, 1), PLAIN_NEEDS_INPUT, `${end}`);
    assert.equal(reader.readItem(data, 0, end, true, VM_LIST, 1), PLAIN_GAVE_UP, `${end}`);
  }
  assert.equal(reader.readItem(data, 0, data.length, false, VM_LIST, 1), data.length);
  const nics = Object.assign(new Array(0), { href: "/x" });
  assert.deepEqual(reader.item, { id: "1", name: "a & b", nics });
});

Deno.test("plain reader: references of every form read as the token reader reads them", () => {
  const references = [
    `<cluster href="/c/1" id="1"/>`,
    `<cluster id="1" href="/c/1"/>`,
    `<cluster href="/c/1"/>`,
    `<cluster id="1"/>`,
    `<cluster/>`,
    `<cluster href="/c/1" id="1" extra="x"/>`,
    `<cluster href="/c/1" id="&#49;"/>`,
    `<sso><methods><method id="GUEST_AGENT"/></methods></sso>`, // an enum id
  ];
  for (const reference of references) {
    const data = bytes(`<vms><vm>${reference}</vm><vm>${reference}</vm></vms>`);
    const plain = readPlainDocument(data, MODEL_SCHEMA);
    assert.notEqual(plain, undefined, reference);
    const expected = byTokens(data);
    assert.deepEqual({ document: plain }, expected, reference);
    // The same members in the same order, as the struct's builder sets them:
    assert.equal(JSON.stringify({ document: plain }), JSON.stringify(expected), reference);
  }
});

Deno.test("plain reader: gives up what only the token reader reads", () => {
  const reader = new PlainReader(MODEL_SCHEMA);
  for (
    const item of [
      '<vm id="1"><!-- note --><name>a</name></vm>',
      "<vm><name><![CDATA[a]]></name></vm>",
      "<vm><?pi x?><name>a</name></vm>",
      "<vm><name>a<b/>c</name></vm>",
      "<vm>text<name>a</name></vm>",
      "<vm><memory>12x</memory></vm>",
      "<vm><name>a</nam></vm>",
      '<vm id="1" id="2"/>',
      "<vm><n\u00e4me>a</n\u00e4me></vm>",
      "</vms>",
      "<!-- between items -->",
    ]
  ) {
    const data = bytes(item);
    assert.equal(reader.readItem(data, 0, data.length, false, VM_LIST, 1), PLAIN_GAVE_UP, item);
  }
  const text = '<vms><vm id="1"><!-- c --></vm><vm id="2"/><vm id="3"><name>c</name></vm></vms>';
  assert.equal(readPlainDocument(bytes(text), MODEL_SCHEMA), undefined);
  const { outcome, itemsReadWhole } = readChunks([bytes(text)], true);
  assert.deepEqual(outcome, {
    document: { root: "vms", value: [{ id: "1" }, { id: "2" }, { id: "3", name: "c" }] },
  });
  assert.equal(itemsReadWhole, 2, "the items after the unusual one are read whole again");
});

Deno.test("plain reader: limits fail as they fail in the token reader", () => {
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

Deno.test("plain reader: mutated documents give the token reader's objects or its error", () => {
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
    const plain = readPlainDocument(data, MODEL_SCHEMA);
    if (plain !== undefined) {
      counts.readWhole++;
      assert.deepEqual({ document: plain }, expected, `whole: ${JSON.stringify(text)}`);
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

Deno.test("plain reader: readXmlStream and streamList read the bench list as readXml does", async () => {
  const data = vmsFixture(4);
  const expected = byTokens(data);
  const chunks = splitEvery(data, 1500);
  assert.deepEqual({ document: await readXmlStream(streamOf(chunks)) }, expected);
  const items: object[] = [];
  for await (const item of streamList(streamOf(chunks))) items.push(item);
  assert.deepEqual({ document: { root: "vms", value: items } }, expected);
});

Deno.test("plain reader: links as engines write them, and every variation, read as tokens do", () => {
  const parent = "/api/vms/1";
  const links = [
    `<link href="${parent}/nics" rel="nics"/>`,
    `<link href="${parent}/nics" rel="nics" />`,
    `<link rel="nics" href="${parent}/nics"/>`,
    `<link href='${parent}/nics' rel='nics'/>`,
    `<link href="${parent}/nicsx" rel="nics"/>`,
    `<link href="${parent}/nics" rel="nicsx"/>`,
    `<link href="/other/nics" rel="nics"/>`,
    `<link href="${parent}/disk-attachments" rel="disk-attachments"/>`,
    `<link href="${parent}/a&amp;b" rel="a&amp;b"/>`,
    `<link href="${parent}/nics" rel="nics"></link>`,
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

Deno.test("plain reader: a run of links read before, changed in any byte, reads as tokens do", () => {
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
  const vmStruct = MODEL_SCHEMA.struct("Vm");
  const forget = () => vmStruct.linkRuns.clear();
  assertReadAfter(first, variants, [undefined, { maxTokenBytes: 100 }], forget, 64);
  vmStruct.linkRuns.clear();
  readXml(bytes(`<vms>${first}</vms>`));
  const run = vmStruct.linkRuns.first(MEMBER_LINKS);
  assert.deepEqual(run?.members, rels.map((rel) => vmStruct.byRel.get(rel)));
  assert.equal(vmStruct.linkRuns.first(CHILD_LINKS)?.members.length, 0);
  // Objects that alternate between two sets of links keep a run for each: none is made again.
  const other = vm("/api/vms/2", ["nics", "tags"]);
  readXml(bytes(`<vms>${first}${other}</vms>`));
  const [one, two] = [
    vmStruct.linkRuns.first(MEMBER_LINKS),
    vmStruct.linkRuns.second(MEMBER_LINKS),
  ];
  assert.deepEqual([one?.members.length, two?.members.length], [2, 3]);
  readXml(bytes(`<vms>${first}${other}${first}</vms>`));
  assert.ok(vmStruct.linkRuns.first(MEMBER_LINKS) === one);
  assert.ok(vmStruct.linkRuns.second(MEMBER_LINKS) === two);
});

Deno.test("plain reader: the tags between leaves read before, changed in any byte, read as tokens do", () => {
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
  const vmStruct = MODEL_SCHEMA.struct("Vm");
  const runs = vmStruct.tagRuns;
  const limitsList = [undefined, { maxTokenBytes: 40 }, { maxDepth: 2 }];
  assertReadAfter(first, variants, limitsList, () => runs.clear(), 16);
  // Runs remembered, then met under a limit lower than a tag in them (`<description>`):
  const data = bytes(`<vms>${first}</vms>`);
  readXml(data);
  const limits = { maxTokenBytes: 12 };
  assert.deepEqual(outcomeOf(() => readXml(data, limits)), byTokens(data, limits));
  runs.clear();
  readXml(data);
  const after = (tag: string) => runs.first(vmStruct.byTag.get(tag)!.index)?.member.tag ?? "none";
  const remembered = ["name", "description", "memory", "stateless"].map(after);
  assert.deepEqual(remembered, ["description", "memory", "stateless", "none"]);
  // Objects that alternate between two shapes keep a run for each: none is made again.
  const shorter = first.replace(/\s*<description>d<\/description>/, "");
  readXml(bytes(`<vms>${first}${shorter}</vms>`));
  const name = vmStruct.byTag.get("name")!.index;
  const [one, other] = [runs.first(name), runs.second(name)];
  assert.deepEqual([one?.member.tag, other?.member.tag], ["memory", "description"]);
  readXml(bytes(`<vms>${first}${shorter}${first}</vms>`));
  assert.ok(runs.first(name) === one && runs.second(name) === other);
});

Deno.test("plain reader: what comes before children, read before and changed in any byte, reads as tokens do", () => {
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
  const vmStruct = MODEL_SCHEMA.struct("Vm");
  assertReadAfter(
    first,
    variants,
    [undefined, { maxDepth: 3 }],
    () => vmStruct.childRuns.clear(),
    16,
  );
  vmStruct.childRuns.clear();
  readXml(bytes(`<vms>${first}</vms>`));
  const after = (tag: string) => vmStruct.childRuns.first(vmStruct.byTag.get(tag)!.index + 1);
  assert.equal(vmStruct.childRuns.first(0)?.member?.tag, "name");
  assert.equal(after("cpu")?.member?.tag, "cluster");
  assert.equal(after("cluster")?.member, undefined); // <foo>, which Vm lacks
});
