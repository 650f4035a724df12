import "../types/register.ts";
import assert from "node:assert/strict";
import { OvirtError } from "../transport/errors.ts";
import { fromXml, readXml, readXmlStream, streamList } from "../transport/xml/mod.ts";
import {
  DEFAULT_MAX_TOKEN_BYTES,
  MAX_DEPTH_CEILING,
  type XmlLimits,
} from "../transport/xml/tokenizer.ts";
import { DocumentReader, READ_DONE, READ_ITEM } from "../transport/xml/document_reader.ts";
import { MODEL_SCHEMA } from "../transport/xml/schema.ts";
import { bytes, splitEvery, streamOf } from "./xml_test_utils.ts";

Deno.test("hostile: an entity bomb is refused without expansion", () => {
  const bomb = `<?xml version="1.0"?>
<!DOCTYPE lolz [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<vm><name>&lol3;</name></vm>`;
  assert.throws(() => readXml(bomb), /line 2, column 1: DTDs and entity declarations/);
  assert.throws(
    () => readXml(`<!DOCTYPE vm SYSTEM "file:///etc/passwd"><vm/>`),
    /DTDs and entity declarations/,
  );
});

Deno.test("hostile: deep nesting is refused, from a string and from a stream", async () => {
  const depth = 100_000;
  const deep = "<vm>" + "<x>".repeat(depth) + "</x>".repeat(depth) + "</vm>";
  assert.throws(() => readXml(deep), /nested deeper than 256/);
  await assert.rejects(
    readXmlStream(streamOf(splitEvery(bytes(deep), 4096))),
    /nested deeper than 256/,
  );
  assert.deepEqual(readXml("<vm>" + "<x>".repeat(200) + "</x>".repeat(200) + "</vm>").value, {});
});

/**
 * A stream that sends `head`, then `filler` in 64 KiB chunks, forever or until `limit`
 * bytes when `tail` is given (then `tail`); counts the bytes it sent.
 */
function endless(head: string, filler: string, limit = Infinity, tail = "") {
  const sent = { bytes: 0 };
  const chunk = bytes(filler.repeat(Math.ceil(65536 / filler.length)));
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(bytes(head));
    },
    pull(controller) {
      if (sent.bytes >= limit) {
        controller.enqueue(bytes(tail));
        controller.close();
        return;
      }
      sent.bytes += chunk.length;
      controller.enqueue(chunk);
    },
  }, { highWaterMark: 0 });
  return { stream, sent };
}

Deno.test("hostile: an endless attribute from a stream fails as soon as the limit passes", async () => {
  const { stream, sent } = endless(`<vms><vm id="`, "a");
  await assert.rejects(readXmlStream(stream), /larger than 8388608 bytes/);
  assert.ok(sent.bytes <= DEFAULT_MAX_TOKEN_BYTES + 2 * 65536, `read ${sent.bytes} bytes`);
});

Deno.test("hostile: endless text, comment or tag name from a stream fail early too", async () => {
  for (const [head, filler] of [["<vm><name>", "b"], ["<vm><!--", "c"], ["<vm><n", "d"]]) {
    const { stream, sent } = endless(head, filler);
    await assert.rejects(readXmlStream(stream), /larger than/);
    assert.ok(sent.bytes <= DEFAULT_MAX_TOKEN_BYTES + 2 * 65536, `read ${sent.bytes} bytes`);
  }
});

Deno.test("hostile: the token limit also holds for element values", () => {
  const xml = `<vm><name>${"y".repeat(2000)}</name></vm>`;
  assert.equal(
    (readXml(xml, { maxTokenBytes: 4096 }).value as { name: string }).name.length,
    2000,
  );
  assert.throws(() => readXml(xml, { maxTokenBytes: 1000 }), /larger than 1000 bytes/);
});

Deno.test("hostile: a processing instruction one byte past the token limit is refused, whole as streamed", async () => {
  const limits: XmlLimits = { maxTokenBytes: 18 };
  for (
    const [pi, fits] of [["<?pi 12345678901?>", true], ["<?pi 123456789012?>", false]] as const
  ) {
    for (const xml of [`<vm>${pi}<name>a</name></vm>`, `<vms><vm>${pi}</vm></vms>`, `${pi}<vm/>`]) {
      const whole = () => readXml(xml, limits).value;
      const streamed = async () => (await readXmlStream(streamOf([bytes(xml)]), limits)).value;
      if (fits) {
        assert.deepEqual(whole(), await streamed(), xml);
      } else {
        assert.throws(whole, /line 1, column \d+: a token is larger than 18 bytes/, xml);
        await assert.rejects(streamed, /line 1, column \d+: a token is larger than 18 bytes/, xml);
      }
    }
  }
});

Deno.test("hostile: the token limit holds around values too, whatever was read before", () => {
  const vms = (gap: string, nameEnd: string) =>
    `<vms><vm>\n  <name>a${nameEnd}${gap}<description>d</description>\n</vm></vms>`;
  const usual = vms("\n  ", "</name>");
  readXml(usual); // the readers now expect <description> after <name>, and read it in one go
  const spaces = " ".repeat(50);
  for (const text of [vms(spaces, "</name>"), vms("\n  ", `</name${spaces}>`)]) {
    assert.throws(() => readXml(text, { maxTokenBytes: 40 }), /larger than 40 bytes/, text);
  }
  assert.throws(() => readXml(usual, { maxTokenBytes: 12 }), /larger than 12 bytes/);
  assert.equal(readXml(usual, { maxTokenBytes: 15 }).root, "vms");
});

Deno.test("hostile: comments and white space between tags are not accumulated", async () => {
  const { stream } = endless(`<vms>`, "<!-- --> \n", 4 * 1024 * 1024, "</vms>");
  const items: unknown[] = [];
  for await (const item of streamList(stream, { maxTokenBytes: 1024 })) {
    items.push(item);
  }
  assert.deepEqual(items, []);
});

/** The chunks of {@link readBuffering}: 256 KiB, each made when the reader asks for it. */
const CHUNK = 256 * 1024;

/**
 * Reads `head`, then `filler` repeated over `fillerBytes`, then `tail`, with a
 * `DocumentReader` at the default limits fed chunks made one at a time (the document is
 * never in memory as a whole). Fails as soon as the tokenizer buffers more than one token and
 * two chunks: the bytes it holds (it keeps them in `input` up to `inputEnd` after each push).
 * Returns the items handed out one by one (`streamItems`) or the document's value.
 */
function readBuffering(
  head: string,
  filler: string,
  fillerBytes: number,
  tail: string,
  streamItems: boolean,
): unknown {
  const piece = bytes(filler.repeat(Math.ceil(CHUNK / filler.length)));
  const chunks = (function* () {
    yield bytes(head);
    for (let sent = 0; sent < fillerBytes; sent += piece.length) yield piece;
    yield bytes(tail);
  })();
  const reader = new DocumentReader(MODEL_SCHEMA, { streamItems });
  const tokens = reader.tokens;
  const bound = DEFAULT_MAX_TOKEN_BYTES + 2 * piece.length;
  const items: unknown[] = [];
  for (let pushed = 0;;) {
    const status = reader.run();
    if (status === READ_DONE) break;
    if (status === READ_ITEM) {
      items.push(reader.takeItem());
      continue;
    }
    const chunk = chunks.next();
    if (chunk.done) {
      tokens.end();
      continue;
    }
    tokens.push(chunk.value);
    pushed += chunk.value.length;
    assert.ok(
      tokens.inputEnd <= bound,
      `${tokens.inputEnd} bytes buffered after ${pushed} bytes pushed`,
    );
  }
  return streamItems ? items : reader.document().value;
}

Deno.test("hostile: comments between list items are not held, whatever their number", () => {
  const first = `<vms><vm id="0"><name>first</name></vm>`;
  const last = `<vm id="1"><name>last</name></vm></vms>`;
  const expected = [{ id: "0", name: "first" }, { id: "1", name: "last" }];
  const size = 32 * 1024 * 1024; // four times the token limit, past which the tokens check
  for (const streamItems of [true, false]) {
    assert.deepEqual(readBuffering(first, "<!-- --> \n", size, last, streamItems), expected);
  }
  // Long comments, processing instructions and text beside them, before the first item too.
  const long = `<!-- ${"x".repeat(60_000)} --><?pi x?>\n<![CDATA[ ]]>`;
  assert.deepEqual(readBuffering("<vms>", long, size, last, true), [expected[1]]);
  assert.deepEqual(readBuffering(first, long, size, "</vms>", false), [expected[0]]);
});

Deno.test("hostile: comments before the root or after a document are not held", () => {
  const size = 16 * 1024 * 1024;
  const vm = `<vm id="1"><name>x</name></vm>`;
  for (const filler of ["<!-- --> \n", `<!-- ${"x".repeat(60_000)} --><?pi x?>\n`]) {
    assert.deepEqual(readBuffering("", filler, size, `<vms>${vm}</vms>`, true), [
      { id: "1", name: "x" },
    ]);
    assert.deepEqual(readBuffering("", filler, size, vm, false), { id: "1", name: "x" });
    assert.deepEqual(readBuffering(vm, filler, size, "", false), { id: "1", name: "x" });
  }
});

Deno.test("hostile: bytes let go between items or before the root keep errors where they were", async () => {
  // With a small token limit the tokens check after a few comments; errors streamed, in
  // chunks of every size, must be those of the whole read, at the same line and column.
  const limits: XmlLimits = { maxTokenBytes: 64 };
  const comments = "<!-- a -->\n<?pi b?> ".repeat(40);
  const documents = [
    `<vms>${comments}<vm><memory>abc</memory></vm></vms>`,
    `<vms>${comments}<vm><name>a</nam></vm></vms>`,
    `<vms>${comments}<vm/>${comments}</vms>${comments}<x/>`,
    `${comments}<vm><memory>abc</memory></vm>`,
    `${comments}<vm>\n<memory>abc</memory><x></vm>`,
    `${comments}<vm><name>a</nam></vm>`,
    `${comments}<vm/>${comments}<x/>`,
    `\ufeff<?xml version="1.0"?>\n${comments}<vm><memory>abc</memory></vm>`,
    `<vm><name>a</name></vm>${comments}<?xml version="1.0"?>`,
  ];
  for (const xml of documents) {
    const data = bytes(xml);
    let whole = "";
    try {
      readXml(data, limits);
    } catch (error) {
      whole = (error as Error).message;
    }
    assert.match(whole, /line \d+, column \d+/, xml);
    for (const size of [1, 7, 64, 100, 333, data.length]) {
      await assert.rejects(
        readXmlStream(streamOf(splitEvery(data, size)), limits),
        (error: Error) => {
          assert.equal(error.message, whole, `${xml} in chunks of ${size}`);
          return true;
        },
      );
    }
  }
  const good = bytes(`${comments}<vms>${comments}<vm><name>a</name></vm>${comments}</vms>`);
  for (const size of [1, 7, 64, 100, 333]) {
    const items = [];
    for await (const item of streamList(streamOf(splitEvery(good, size)), limits)) {
      items.push(item);
    }
    assert.deepEqual(items, [{ name: "a" }], `chunks of ${size}`);
  }
});

Deno.test("hostile: many attributes with a late duplicate are refused quickly", () => {
  const attributes = Array.from({ length: 200_000 }, (_, i) => `a${i}="${i}"`).join(" ");
  const started = performance.now();
  assert.throws(() => readXml(`<vm ${attributes} a7="x"/>`), /duplicate attribute a7/);
  // Linear work takes a fraction of a second; a quadratic duplicate check takes about a minute
  // (the element reader's took 3.5 s at 50,000). The bound is far from both, so a loaded
  // machine cannot make it fail.
  assert.ok(performance.now() - started < 10_000);
});

Deno.test("hostile: every truncation of a realistic document is refused", async () => {
  const xml = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<vms>
  <vm href="/ovirt-engine/api/vms/1" id="1">
    <actions><link href="/ovirt-engine/api/vms/1/start" rel="start"/></actions>
    <name>caf\u00e9 &amp; co</name>
    <link href="/ovirt-engine/api/vms/1/nics" rel="nics"/>
    <memory>1073741824</memory>
    <cpu><topology><cores>2</cores></topology></cpu>
    <description><![CDATA[a <b>]]></description>
  </vm>
</vms>
`;
  const data = bytes(xml);
  const end = data.lastIndexOf(bytes(">")[0]) + 1;
  for (let cut = 0; cut < end; cut++) {
    assert.throws(() => readXml(data.subarray(0, cut)), OvirtError, `cut at ${cut}`);
  }
  for (let cut = 0; cut < end; cut += 17) {
    await assert.rejects(readXmlStream(streamOf(splitEvery(data.subarray(0, cut), 5))), OvirtError);
  }
  assert.equal((readXml(data).value as unknown[]).length, 1);
});

Deno.test("hostile: nesting reads down to the depth ceiling, and no deeper whatever the limit", () => {
  const nested = (levels: number, inner: string) =>
    "<x>".repeat(levels) + inner + "</x>".repeat(levels);
  const limits = { maxDepth: MAX_DEPTH_CEILING * 5 };
  for (const inner of ["", "<!-- c --><?p?>text"]) {
    const deepest = `<vm>${nested(MAX_DEPTH_CEILING - 1, inner)}<name>a</name></vm>`;
    assert.deepEqual(readXml(deepest, limits).value, { name: "a" });
    const leaf = `<vm><name>a${nested(MAX_DEPTH_CEILING - 2, inner)}</name></vm>`;
    assert.deepEqual(readXml(leaf, limits).value, { name: "a" });
    const deeper = `<vm>${nested(MAX_DEPTH_CEILING, inner)}</vm>`;
    assert.throws(() => readXml(deeper, limits), /nested deeper than 1000/);
  }
});

Deno.test("hostile: a repeated attribute is found among many, and distinct ones are read", () => {
  const attributes = Array.from({ length: 40 }, (_, i) => `a${i}="${i}"`).join(" ");
  for (const repeated of ["a3", "a30", "a39"]) {
    assert.throws(
      () => readXml(`<vm ${attributes} id="1" ${repeated}="x"/>`),
      new RegExp(`duplicate attribute ${repeated}`),
    );
  }
  assert.throws(() => readXml(`<vm ${attributes} id="1" id="2"/>`), /duplicate attribute id/);
  assert.deepEqual(readXml(`<vm ${attributes} id="7"/>`).value, readXml(`<vm id="7"/>`).value);
});

Deno.test("hostile: fromXml of what is neither text nor bytes is an OvirtError, not a hang", () => {
  for (const input of [null, undefined, 5, {}, [], new ArrayBuffer(4), true]) {
    assert.throws(() => fromXml(input as unknown as string), (error: unknown) => {
      assert.ok(error instanceof OvirtError, String(error));
      assert.match(error.message, /a string or a Uint8Array/);
      return true;
    });
  }
  assert.deepEqual(fromXml(bytes("<vm/>")), {});
});
