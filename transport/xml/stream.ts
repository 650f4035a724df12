/**
 * Streaming a list document item by item.
 *
 * @module
 */

import { bodyReader } from "../body.ts";
import { DocumentReader, READ_DONE, READ_ITEM } from "./document_reader.ts";
import { MODEL_SCHEMA } from "./schema.ts";
import { type XmlLimits, XmlTokenizer } from "./tokenizer.ts";

/**
 * Yields each item of a list document (`<vms>`, `<events>`, ...) as soon as its element
 * is complete, keeping no more than one finished item in memory. Throws an `OvirtError`
 * when the document is not a list or is malformed; stopping early cancels the stream.
 */
export async function* streamList(
  stream: ReadableStream<Uint8Array>,
  limits?: XmlLimits,
): AsyncGenerator<object, void, undefined> {
  const tokens = new XmlTokenizer(limits);
  const reader = new DocumentReader(tokens, MODEL_SCHEMA, { streamItems: true, limits });
  const source = bodyReader(stream);
  let finished = false;
  try {
    for (;;) {
      const status = reader.run();
      if (status === READ_ITEM) {
        yield reader.takeItem();
      } else if (status === READ_DONE) {
        finished = true;
        return;
      } else {
        const { done, value } = await source.read();
        if (done) tokens.end();
        else tokens.push(value);
      }
    }
  } finally {
    if (!finished) await source.cancel().catch(() => {});
  }
}
