/**
 * A quick look while iterating on the reader: our typed reader against saxes on a few
 * corpora and spellings, interleaved in one process, fastest of `ROUNDS` each (MB/s), and
 * `readXml` against saxes and `readXmlStream` on the 10,000-VM list.
 * `deno run --allow-all bench/xml_quick.ts [corpus|spelling filter...]`
 *
 * @module
 */

import "../types/register.ts";
import { saxesElements } from "./saxes_elements.ts";
import { readXml, readXmlStream } from "../transport/xml/read_xml.ts";
import { listCorpora, smallCorpora } from "./xml_corpora.ts";
import { rewritesOf } from "./xml_rewrites.ts";
import { vmsFixture } from "./vms_fixture.ts";

const ROUNDS = Number(Deno.env.get("ROUNDS") ?? 7);
const filters = Deno.args;

function fastest(run: () => unknown, repeat: number): number {
  const start = performance.now();
  for (let i = 0; i < repeat; i++) run();
  return (performance.now() - start) / repeat;
}

const cases: [string, Uint8Array][] = [];
for (const corpus of [...listCorpora(1), ...smallCorpora()]) {
  const all = [["original", corpus.bytes] as const, ...rewritesOf(corpus.bytes)];
  for (const [spelling, bytes] of all) {
    const name = `${corpus.name} | ${spelling}`;
    if (filters.length === 0 || filters.some((f) => name.includes(f))) cases.push([name, bytes]);
  }
}
for (const [name, bytes] of cases) {
  const repeat = bytes.length > 100_000 ? 1 : 200;
  const xml = new TextDecoder().decode(bytes);
  let ours = Infinity, theirs = Infinity;
  for (let r = 0; r < ROUNDS; r++) {
    ours = Math.min(ours, fastest(() => readXml(bytes), repeat));
    theirs = Math.min(theirs, fastest(() => saxesElements(xml), repeat));
  }
  const mbps = (ms: number) => (bytes.length / ms / 1000).toFixed(0);
  console.log(
    `${name.padEnd(28)} ours ${mbps(ours)} MB/s  saxes ${mbps(theirs)} MB/s  x${
      (theirs / ours).toFixed(2)
    }`,
  );
}

if (filters.length === 0 || filters.includes("stream")) {
  const document = vmsFixture(10_000);
  const chunked = (size: number) => {
    let offset = 0;
    return new ReadableStream<Uint8Array>({
      pull(controller) {
        if (offset >= document.length) return controller.close();
        controller.enqueue(document.subarray(offset, offset += size));
      },
    });
  };
  const text = new TextDecoder().decode(document);
  let whole = Infinity, s64 = Infinity, s16 = Infinity, theirs = Infinity;
  for (let r = 0; r < ROUNDS; r++) {
    whole = Math.min(whole, fastest(() => readXml(document), 1));
    theirs = Math.min(theirs, fastest(() => saxesElements(text), 1));
    let t = performance.now();
    await readXmlStream(chunked(65536));
    s64 = Math.min(s64, performance.now() - t);
    t = performance.now();
    await readXmlStream(chunked(16384));
    s16 = Math.min(s16, performance.now() - t);
  }
  console.log(
    `10,000 VMs readXml ${whole.toFixed(0)} ms (saxes x${
      (theirs / whole).toFixed(2)
    }), stream 64K ${s64.toFixed(0)} ms (x${(s64 / whole).toFixed(2)}), 16K ${
      s16.toFixed(0)
    } ms (x${(s16 / whole).toFixed(2)})`,
  );
}
