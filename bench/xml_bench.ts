/**
 * The XML engine against saxes and fast-xml-parser on a realistic 10,000-VM `<vms>`
 * document (about 100 MB), side by side in one run: `deno bench --allow-all bench/`.
 * Throughput in MB/s is the document size divided by the time per iteration. For quick
 * comparisons while iterating, `XML_BENCH_VMS=2000` reads a smaller document.
 *
 * @module
 */

import { SaxesParser } from "npm:saxes@6";
import { XMLParser } from "npm:fast-xml-parser@5";
import { readXml, readXmlStream } from "../transport/xml/reader.ts";
import { END_OF_DOCUMENT, XmlTokenizer } from "../transport/xml/tokenizer.ts";
import { CHAR_CLASS } from "../transport/xml/decode.ts";
import { recordGraph, replayGraph } from "./object_graph.ts";
import { vmsFixture } from "./vms_fixture.ts";

const VMS = Number(Deno.env.get("XML_BENCH_VMS") ?? 10_000);
const document = vmsFixture(VMS);
const text = new TextDecoder().decode(document);
const group = `${VMS} VMs, ${(document.length / 1e6).toFixed(1)} MB`;

function check(count: number): void {
  if (count !== VMS) throw new Error(`expected ${VMS} VMs, got ${count}`);
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
    let elements = 0;
    const parser = new SaxesParser();
    parser.on("opentag", () => elements++);
    parser.on("text", () => {});
    parser.on("closetag", () => {});
    parser.write(text).close();
    if (elements < VMS) throw new Error("saxes saw too few elements");
  },
});

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
