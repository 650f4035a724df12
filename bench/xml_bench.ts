/**
 * The XML engine against saxes, libxml2's SAX parser and fast-xml-parser on a realistic
 * 10,000-VM `<vms>` document (about 100 MB), side by side in one run:
 * `deno bench --allow-all bench/`. libxml2 (C, empty callbacks, `libxml2_sax.ts`) runs where
 * `cc`, `pkg-config` and libxml2-dev are installed; without them it is skipped with a line
 * on standard error saying so.
 * Throughput in MB/s is the document size divided by the time per iteration. For quick
 * comparisons while iterating, `XML_BENCH_VMS=2000` reads a smaller document.
 *
 * Then every corpus of `xml_corpora.ts` (VMs, hosts, events, disks: about 10 MB each at
 * `XML_BENCH_SCALE=1`; the small answers of a `get()`) in its original bytes and in each
 * meaning-preserving rewrite of `xml_rewrites.ts`, one group each: typed objects from our
 * reader against saxes and libxml2 events on the same bytes. `bench/xml_table.ts` turns
 * `deno bench --json` output into the table of `bench/RESULTS.md`.
 *
 * @module
 */

import "../types/register.ts";
import { saxesElements } from "./saxes_elements.ts";
import { loadLibxml2Sax } from "./libxml2_sax.ts";
import { XMLParser } from "npm:fast-xml-parser@5";
import { readXml, readXmlStream } from "../transport/xml/read_xml.ts";
import { END_OF_DOCUMENT, XmlTokenizer } from "../transport/xml/tokenizer.ts";
import { CHAR_CLASS } from "../transport/xml/decode.ts";
import { recordGraph, replayGraph } from "./object_graph.ts";
import { vmsFixture } from "./vms_fixture.ts";
import { listCorpora, smallCorpora } from "./xml_corpora.ts";
import { rewritesOf } from "./xml_rewrites.ts";

const VMS = Number(Deno.env.get("XML_BENCH_VMS") ?? 10_000);
const document = vmsFixture(VMS);
const text = new TextDecoder().decode(document);
const group = `${VMS} VMs, ${(document.length / 1e6).toFixed(1)} MB`;

function check(count: number): void {
  if (count !== VMS) throw new Error(`expected ${VMS} VMs, got ${count}`);
}

const libxml2 = await loadLibxml2Sax();
if (typeof libxml2 === "string") {
  console.error(
    `libxml2 skipped (${libxml2}): install cc, pkg-config and libxml2-dev ` +
      "(apt-get install gcc pkg-config libxml2-dev) and run with --allow-all",
  );
}

/** libxml2's elements in `bytes`, read `times` times in one call; throws unless well-formed. */
function libxml2Elements(bytes: Uint8Array, times = 1): number {
  if (typeof libxml2 === "string") throw new Error("libxml2 is not loaded");
  const { code, elements } = libxml2.parse(bytes, times);
  if (code !== 0) throw new Error(`libxml2 failed with code ${code}`);
  return elements;
}

Deno.bench({
  name: "ovirt-sdk readXml (typed objects)",
  group,
  baseline: true,
  n: 10,
  warmup: 2,
  fn() {
    check((readXml(document).value as unknown[]).length);
  },
});

/** The bench document as a stream of `size`-byte chunks. */
function chunked(size: number): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= document.length) return controller.close();
      controller.enqueue(document.subarray(offset, offset += size));
    },
  });
}

// 64 KiB: what a fast local connection delivers; 16 KiB: a TLS record, as over HTTPS.
for (const kib of [64, 16]) {
  Deno.bench({
    name: `ovirt-sdk readXmlStream (typed objects, ${kib} KiB chunks)`,
    group,
    n: 10,
    warmup: 2,
    async fn() {
      check(((await readXmlStream(chunked(kib * 1024))).value as unknown[]).length);
    },
  });
}

Deno.bench({
  name: "ovirt-sdk tokenizer alone",
  group,
  n: 10,
  warmup: 2,
  fn() {
    const tokenizer = new XmlTokenizer();
    tokenizer.push(document);
    tokenizer.end();
    while (tokenizer.next() !== END_OF_DOCUMENT) { /* tokens only */ }
  },
});

// Two floors, to judge the targets by: no tokenizer can read the bytes faster than one
// pass with a class lookup per byte, and no reader returning these objects can build them
// faster than the same builders do with nothing else to do.
Deno.bench({
  name: "floor: one pass over the bytes, a class lookup each",
  group,
  n: 10,
  warmup: 2,
  fn() {
    let classes = 0;
    for (let i = 0; i < document.length; i++) classes |= CHAR_CLASS[document[i]];
    if (classes === 0) throw new Error("no bytes seen");
  },
});

const tape = recordGraph(readXml(document).value as object[], "vms");
Deno.bench({
  name: "floor: the typed objects alone (no XML, strings reused)",
  group,
  n: 10,
  warmup: 2,
  fn() {
    check(replayGraph(tape).length);
  },
});

Deno.bench({
  name: "saxes (events only, from a string)",
  group,
  n: 4,
  warmup: 1,
  fn() {
    if (saxesElements(text) < VMS) throw new Error("saxes saw too few elements");
  },
});

if (typeof libxml2 !== "string") {
  const expected = libxml2Elements(document);
  if (expected < VMS) throw new Error("libxml2 saw too few elements");
  Deno.bench({
    name: `libxml2 ${libxml2.version} SAX (C, empty callbacks, from the bytes)`,
    group,
    n: 10,
    warmup: 2,
    fn() {
      if (libxml2Elements(document) !== expected) throw new Error("libxml2 saw other elements");
    },
  });
}

Deno.bench({
  name: "fast-xml-parser (objects, from a string)",
  group,
  n: 3,
  warmup: 1,
  fn() {
    const parsed = new XMLParser({ ignoreAttributes: false }).parse(text);
    check(parsed.vms.vm.length);
  },
});

const SCALE = Number(Deno.env.get("XML_BENCH_SCALE") ?? 1);

/** Reads of a small document per iteration, so that one iteration is long enough to time. */
const SMALL_REPEAT = 100;

/**
 * One group: our typed reader (the baseline), saxes and libxml2 (if loaded) on the same bytes.
 * A small document is read {@link SMALL_REPEAT} times per iteration (the group name says
 * `x100`); libxml2 reads it as often in one call.
 */
function versus(corpus: string, spelling: string, bytes: Uint8Array): void {
  const big = bytes.length > 100_000;
  const repeat = big ? 1 : SMALL_REPEAT;
  const name = `${corpus} | ${spelling} | ${bytes.length} bytes x${repeat}`;
  const xml = new TextDecoder().decode(bytes);
  const expected = saxesElements(xml);
  const runs = big ? { n: 5, warmup: 1 } : {};
  Deno.bench({
    name: `ours: ${name}`,
    group: name,
    baseline: true,
    ...runs,
    fn() {
      for (let i = 0; i < repeat; i++) {
        if (readXml(bytes).value === undefined) throw new Error("nothing read");
      }
    },
  });
  Deno.bench({
    name: `saxes: ${name}`,
    group: name,
    ...runs,
    fn() {
      for (let i = 0; i < repeat; i++) {
        if (saxesElements(xml) !== expected) throw new Error("saxes saw other elements");
      }
    },
  });
  if (typeof libxml2 === "string") return;
  if (libxml2Elements(bytes) !== expected) throw new Error(`libxml2 and saxes differ: ${name}`);
  Deno.bench({
    name: `libxml2: ${name}`,
    group: name,
    ...runs,
    fn() {
      if (libxml2Elements(bytes, repeat) !== expected) {
        throw new Error("libxml2 saw other elements");
      }
    },
  });
}

for (const corpus of [...listCorpora(SCALE), ...smallCorpora()]) {
  versus(corpus.name, "original", corpus.bytes);
  for (const [spelling, bytes] of rewritesOf(corpus.bytes)) versus(corpus.name, spelling, bytes);
}
