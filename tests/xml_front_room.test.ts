import assert from "node:assert/strict";
import { eventXml } from "../bench/xml_corpora.ts";
import { markFrontRoom, takeFrontRoom } from "../transport/xml/front_room.ts";
import { readXml, readXmlFrom } from "../transport/xml/read_xml.ts";
import { NEED_DATA, XmlTokenizer } from "../transport/xml/tokenizer.ts";
import type { BodyReader } from "../transport/http.ts";
import "../types/register.ts";
import { bytes, seededRandom, splitRandomly } from "./xml_test_utils.ts";

/** `chunk` copied into a buffer of its own, after `room` free bytes, and marked so. */
function withRoom(chunk: Uint8Array, room: number): Uint8Array {
  const buffer = new Uint8Array(room + chunk.length).fill(0x58); // 'X': must never be read
  buffer.set(chunk, room);
  const view = buffer.subarray(room);
  markFrontRoom(view);
  return view;
}

function readerOf(chunks: readonly Uint8Array[]): BodyReader {
  let next = 0;
  return {
    read: () =>
      Promise.resolve(
        next < chunks.length
          ? { done: false, value: chunks[next++] }
          : { done: true, value: undefined },
      ),
    cancel: () => Promise.resolve(),
  };
}

function eventList(count: number): Uint8Array {
  const random = seededRandom(7);
  const items = Array.from({ length: count }, (_, i) => eventXml(i, random));
  return bytes(`<?xml version="1.0"?>\n<events>\n${items.join("")}</events>\n`);
}

Deno.test("front room: the unread tail is written in front of the next chunk, not copied after it", () => {
  const tokens = new XmlTokenizer();
  tokens.push(bytes("<vms><vm id="));
  while (tokens.next() !== NEED_DATA) { /* up to the unfinished tag */ }
  const chunk = withRoom(bytes('"1"/></vms>'), 64);
  tokens.push(chunk);
  assert.equal(tokens.input.buffer, chunk.buffer, "the chunk's own memory holds the input");
  assert.equal(
    new TextDecoder().decode(tokens.input.subarray(0, tokens.inputEnd)),
    '<vm id="1"/></vms>',
  );
  assert.equal(takeFrontRoom(chunk, 1), false, "the room is taken once");
});

Deno.test("front room: a tail longer than the room is copied as before", () => {
  const tokens = new XmlTokenizer();
  tokens.push(bytes(`<vms><vm id="${"1".repeat(100)}`));
  while (tokens.next() !== NEED_DATA) { /* up to the unfinished tag */ }
  const chunk = withRoom(bytes('"/></vms>'), 16);
  tokens.push(chunk);
  assert.notEqual(tokens.input.buffer, chunk.buffer);
  assert.equal(takeFrontRoom(chunk, 16), true, "the room is left to whoever comes next");
});

Deno.test("front room: a list read from roomy chunks is read as the whole document", async () => {
  const document = eventList(300);
  const expected = readXml(document);
  const random = seededRandom(11);
  for (let round = 0; round < 20; round++) {
    const room = [0, 8, 64, 4096][round % 4];
    const chunks = splitRandomly(document, random).map((chunk) => withRoom(chunk, room));
    assert.deepEqual(await readXmlFrom(readerOf(chunks), []), expected, `room ${room}`);
  }
});

Deno.test("front room: the bytes before an unmarked chunk are never written", async () => {
  const document = eventList(50);
  const buffers = splitRandomly(document, seededRandom(3)).map((chunk) => {
    const buffer = new Uint8Array(256 + chunk.length).fill(0x58);
    buffer.set(chunk, 256);
    return buffer;
  });
  await readXmlFrom(readerOf(buffers.map((buffer) => buffer.subarray(256))), []);
  for (const buffer of buffers) assert.ok(buffer.subarray(0, 256).every((byte) => byte === 0x58));
});
