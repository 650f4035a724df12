/**
 * The XML engine against saxes and fast-xml-parser on a realistic 10,000-VM `<vms>`
 * document (about 100 MB), side by side in one run: `deno bench --allow-all bench/`.
 * Throughput in MB/s is the document size divided by the time per iteration. For quick
 * comparisons while iterating, `XML_BENCH_VMS=2000` reads a smaller document.
 *
 * @module
 */

import { SaxesParser } from "saxes";
import { XMLParser } from "fast-xml-parser";
import { readXml, readXmlStream } from "../transport/xml/reader.ts";
import { END_OF_DOCUMENT, XmlTokenizer } from "../transport/xml/tokenizer.ts";
import { vmsFixture } from "./vms_fixture.ts";

const VMS = Number(Deno.env.get("XML_BENCH_VMS") ?? 10_000);
const document = vmsFixture(VMS);
const text = new TextDecoder().decode(document);
const group = `${VMS} VMs, ${(document.length / 1e6).toFixed(1)} MB`;
const CHUNK = 64 * 1024;

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

Deno.bench({
  name: "ovirt-sdk readXmlStream (typed objects, 64 KiB chunks)",
  group,
  n: 10,
  warmup: 2,
  async fn() {
    let offset = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (offset >= document.length) return controller.close();
        controller.enqueue(document.subarray(offset, offset += CHUNK));
      },
    });
    check(((await readXmlStream(stream)).value as unknown[]).length);
  },
});

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
