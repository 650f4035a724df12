/**
 * Differential test of the tokenizer against saxes (a strict, conforming JavaScript XML
 * parser, used only here): on thousands of generated and randomly mutated documents, both
 * must report the same elements, attributes and text, or both must reject the document.
 */

import "../types/register.ts";
import assert from "node:assert/strict";
import { SaxesParser } from "npm:saxes@6";
import {
  END_OF_DOCUMENT,
  END_TAG,
  NEED_DATA,
  START_TAG,
  TEXT,
  XmlTokenizer,
} from "../transport/xml/tokenizer.ts";
import { readWholeDocument } from "../transport/xml/element_reader.ts";
import { MODEL_SCHEMA } from "../transport/xml/schema.ts";
import { readXml } from "../transport/xml/read_xml.ts";
import { bytes, mutate, seededRandom, splitRandomly } from "./xml_test_utils.ts";

/** What a parser saw: normalised events, or that it rejected the document. */
type Outcome = { events: string[] } | { rejected: true };

/** Collects events, merging adjacent text pieces and dropping runs that are only white space. */
class EventLog {
  readonly events: string[] = [];
  #text = "";

  text(piece: string): void {
    this.#text += piece;
  }

  tag(event: string): void {
    if (this.#text.trim() !== "") this.events.push("text " + JSON.stringify(this.#text));
    this.#text = "";
    this.events.push(event);
  }
}

function ours(chunks: Uint8Array[]): Outcome {
  const tokenizer = new XmlTokenizer();
  const log = new EventLog();
  let next = 0;
  try {
    for (;;) {
      const token = tokenizer.next();
      if (token === NEED_DATA) {
        if (next < chunks.length) tokenizer.push(chunks[next++]);
        else tokenizer.end();
      } else if (token === START_TAG) {
        const attributes: string[] = [];
        for (let i = 0; i < tokenizer.attributeCount; i++) {
          attributes.push(
            `${tokenizer.attributeName(i)}=${JSON.stringify(tokenizer.attributeValue(i))}`,
          );
        }
        log.tag(`open ${tokenizer.name} ${attributes.join(" ")}`);
      } else if (token === END_TAG) {
        log.tag(`close ${tokenizer.name}`);
      } else if (token === TEXT) {
        log.text(tokenizer.text());
      } else if (token === END_OF_DOCUMENT) {
        log.tag("end");
        return { events: log.events };
      }
    }
  } catch {
    return { rejected: true };
  }
}

function theirs(xml: string): Outcome {
  const parser = new SaxesParser();
  const log = new EventLog();
  let failed = false;
  parser.on("error", () => failed = true);
  parser.on("opentag", (tag) => {
    const attributes = Object.entries(tag.attributes as Record<string, string>)
      .map(([name, value]) => `${name}=${JSON.stringify(value)}`);
    log.tag(`open ${tag.name} ${attributes.join(" ")}`);
  });
  parser.on("closetag", (tag) => log.tag(`close ${tag.name}`));
  parser.on("text", (text) => log.text(text));
  parser.on("cdata", (text) => log.text(text));
  try {
    parser.write(xml).close();
  } catch {
    failed = true;
  }
  if (failed) return { rejected: true };
  log.tag("end");
  return { events: log.events };
}

const NAMES = [
  "a",
  "vm",
  "disk_attachment",
  "x-y.z",
  "ns:tag",
  "_u",
  "\u00e9l\u00e8ve",
  "\u65e5\u672c",
  "b2",
];
const ASCII_NAMES = NAMES.filter((name) => [...name].every((c) => c.charCodeAt(0) < 0x80));
const WORDS = [
  "web01",
  "caf\u00e9",
  "\u{1f600}",
  "&amp;",
  "&lt;",
  "&gt;",
  "&quot;",
  "&apos;",
  "&#65;",
  "&#x1F600;",
  "&#233;",
  " ",
  "\n  ",
  "\t",
  "\r\n",
  "\r",
  ">",
  "]",
  "]]",
  "'",
  '"',
];

/**
 * A random document. With `plain`, only what the reader's fast skip handles: ASCII names,
 * elements, attributes, text and references (no CDATA, comments or processing instructions).
 */
function generate(random: () => number, plain = false): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const names = plain ? ASCII_NAMES : NAMES;
  const words = (count: number) => Array.from({ length: count }, () => pick(WORDS)).join("");
  const element = (depth: number): string => {
    const name = pick(names);
    let tag = "<" + name;
    const used = new Set<string>();
    for (let i = Math.floor(random() * 4); i > 0; i--) {
      const attribute = pick(names);
      if (used.has(attribute)) continue;
      used.add(attribute);
      const quote = random() < 0.5 ? '"' : "'";
      const value = words(Math.floor(random() * 4)).replaceAll(quote, "");
      tag += `${pick([" ", "\n", "  "])}${attribute}${pick(["=", " = "])}${quote}${value}${quote}`;
    }
    if (depth > 4 || random() < 0.2) return tag + pick(["/>", " />"]);
    let content = "";
    for (let i = Math.floor(random() * 5); i > 0; i--) {
      const roll = random();
      if (roll < 0.4) content += element(depth + 1);
      else if (roll < 0.75 || plain) {
        content += words(1 + Math.floor(random() * 4)).replaceAll("]", "].");
      } else if (roll < 0.85) {
        content += `<![CDATA[${pick(["<x>", "&amp;", "]]", "] ]>", "\r\n"])}]]>`;
      } else if (roll < 0.93) content += `<!--${pick([" c ", " -x- ", "<a>", ""])}-->`;
      else content += `<?${pick(["pi", "style-sheet"])}${pick(["", " data", " a?b"])}?>`;
    }
    return `${tag}>${content}</${name}${pick(["", " "])}>`;
  };
  if (plain) return element(0);
  const prolog = random() < 0.3 ? "<!-- prolog -->\n" : random() < 0.5 ? "\n" : "";
  return prolog + element(0) + pick(["", "\n", "<!-- end -->", "<?pi end?>"]);
}

function compare(xml: string, random: () => number): "accepted" | "rejected" {
  const expected = theirs(xml);
  const data = bytes(xml);
  const whole = ours([data]);
  assert.deepEqual(whole, expected, `document: ${JSON.stringify(xml)}`);
  assert.deepEqual(ours(splitRandomly(data, random)), whole, `split: ${JSON.stringify(xml)}`);
  return "rejected" in whole ? "rejected" : "accepted";
}

const DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

Deno.test("differential: generated documents read like saxes reads them", () => {
  const random = seededRandom(1);
  for (let i = 0; i < 1500; i++) {
    const xml = (i % 3 === 0 ? DECLARATION : "") + generate(random);
    assert.equal(compare(xml, random), "accepted", xml);
  }
});

Deno.test("differential: mutated documents are accepted or rejected like saxes does", () => {
  const random = seededRandom(2);
  const counts = { accepted: 0, rejected: 0 };
  for (let i = 0; i < 10000; i++) {
    counts[compare(mutate(generate(random), random), random)]++;
  }
  assert.ok(counts.accepted > 400 && counts.rejected > 1000, JSON.stringify(counts));
});

/**
 * The reader skips elements the schema does not know; it must skip every element a
 * conforming parser accepts, and never accept what such a parser rejects (it gives the
 * document up then, for the tokenizer to say why).
 */
function skipOutcome(xml: string): "skipped" | "declined" {
  const document = readWholeDocument(bytes(`<vm><w>${xml}</w></vm>`), MODEL_SCHEMA);
  return document === undefined ? "declined" : "skipped";
}

Deno.test("differential: the reader skips every unknown element saxes accepts", () => {
  const random = seededRandom(3);
  for (let i = 0; i < 1500; i++) {
    const xml = generate(random, i % 2 === 0);
    assert.ok(!("rejected" in theirs(xml)), xml);
    assert.equal(skipOutcome(xml), "skipped", xml);
  }
});

Deno.test("differential: the reader never skips an unknown element saxes rejects", () => {
  const random = seededRandom(4);
  const counts = { skipped: 0, declined: 0, rejectedBySaxes: 0 };
  for (let i = 0; i < 10000; i++) {
    const xml = mutate(generate(random, i % 2 === 0), random);
    const outcome = skipOutcome(xml);
    counts[outcome]++;
    if ("rejected" in theirs(`<w>${xml}</w>`)) {
      counts.rejectedBySaxes++;
      assert.equal(outcome, "declined", `accepted a malformed element: ${JSON.stringify(xml)}`);
    }
  }
  assert.ok(counts.skipped > 1000 && counts.rejectedBySaxes > 1000, JSON.stringify(counts));
});

Deno.test("differential: readXml rejects a malformed unknown element like saxes does", () => {
  const random = seededRandom(5);
  const counts = { accepted: 0, rejected: 0 };
  for (let i = 0; i < 3000; i++) {
    const xml = mutate(generate(random, true), random).replaceAll("<?xml", "<?x");
    const document = `<vm><newer_element>${xml}</newer_element><name>a</name></vm>`;
    const expected = "rejected" in theirs(document) ? "rejected" : "accepted";
    let actual: "accepted" | "rejected" = "accepted";
    try {
      assert.deepEqual({ ...readXml(document).value as object }, { name: "a" }, document);
    } catch (error) {
      if (error instanceof assert.AssertionError) throw error;
      actual = "rejected";
    }
    assert.equal(actual, expected, JSON.stringify(document));
    counts[actual]++;
  }
  assert.ok(counts.accepted > 300 && counts.rejected > 300, JSON.stringify(counts));
});
