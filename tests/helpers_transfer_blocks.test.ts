import assert from "node:assert/strict";
import { blocksOf } from "../helpers/transfer/download.ts";
import { fillingReader } from "../transport/body.ts";

/** `bytes` in pieces of uneven sizes, as a byte stream (`fetch`'s kind) or a plain one. */
function piecesOf(bytes: Uint8Array, byteStream: boolean, cancelled?: () => void) {
  let offset = 0;
  let size = 1;
  const next = () => {
    size = (size * 7 + 13) % 5000 + 1;
    const piece = bytes.slice(offset, offset + size);
    offset += piece.byteLength;
    return piece;
  };
  if (!byteStream) {
    return new ReadableStream<Uint8Array>({
      pull(controller) {
        if (offset < bytes.byteLength) controller.enqueue(next());
        else controller.close();
      },
      cancel: () => cancelled?.(),
    });
  }
  return new ReadableStream({
    type: "bytes",
    pull(controller) {
      if (offset < bytes.byteLength) controller.enqueue(next());
      else {
        controller.close();
        controller.byobRequest?.respond(0);
      }
    },
    cancel: () => cancelled?.(),
  });
}

for (const byteStream of [true, false]) {
  const kind = byteStream ? "a byte stream, read into the block" : "a plain stream, copied";
  Deno.test(`blocksOf: ${kind}: every byte, in whole blocks but the last`, async () => {
    const reader = fillingReader(piecesOf(new Uint8Array(1), byteStream));
    assert.equal(reader.readInto !== undefined, byteStream, "reads into the caller's memory");
    await reader.cancel();
    const bytes = new Uint8Array(100_003).map((_, i) => (i * 2654435761) >>> 24);
    const seen: number[] = [];
    const received = new Uint8Array(bytes.byteLength);
    let offset = 0;
    for await (const block of blocksOf(piecesOf(bytes, byteStream), 8192)) {
      seen.push(block.byteLength);
      received.set(block, offset);
      offset += block.byteLength;
    }
    assert.deepEqual(received, bytes);
    assert.ok(seen.slice(0, -1).every((length) => length === 8192), String(seen));
    assert.equal(seen.at(-1), bytes.byteLength % 8192);
  });

  Deno.test(`blocksOf: ${kind}: leaving early cancels the body`, async () => {
    let cancelled = false;
    const bytes = new Uint8Array(50_000).fill(1);
    for await (const block of blocksOf(piecesOf(bytes, byteStream, () => cancelled = true), 4096)) {
      assert.equal(block.byteLength, 4096);
      break;
    }
    assert.ok(cancelled);
  });
}
