/**
 * Reading whole documents into typed objects, from a string, bytes or a byte stream.
 *
 * @module
 */

import { type BodyReader, bodyReader } from "../body.ts";
import { OvirtError } from "../errors.ts";
import { typeName } from "../options.ts";
import { DocumentReader, READ_DONE } from "./document_reader.ts";
import { readWholeDocument, type XmlDocument } from "./element_reader.ts";
import { MODEL_SCHEMA } from "./schema.ts";
import { locationIn, type XmlLimits } from "./tokenizer.ts";

export type { XmlDocument } from "./element_reader.ts";

const encoder = new TextEncoder();

/**
 * Parses one complete document and dispatches on its root tag: `<vm>` gives a `Vm`
 * object, `<vms>` an array of them. Throws an `OvirtError` naming line and column for
 * malformed input, an unknown root or an invalid value. The element reader reads it; when
 * it gives up, the tokens read it to say where and why.
 */
export function readXml(input: string | Uint8Array, limits?: XmlLimits): XmlDocument {
  if (typeof input !== "string" && !(input instanceof Uint8Array)) {
    // From JavaScript, or `any`: a number would leave the reader without an end to find.
    throw new OvirtError(`XML input must be a string or a Uint8Array, not ${typeName(input)}`);
  }
  const bytes = typeof input === "string" ? encodedText(input) : input;
  return readWholeDocument(bytes, MODEL_SCHEMA, limits) ?? readChecked(bytes, limits);
}

/**
 * The UTF-8 bytes of `text`; a lone surrogate, which no encoding can carry (`TextEncoder`
 * would make it U+FFFD, a silently other value), is refused where it stands.
 */
function encodedText(text: string): Uint8Array {
  if (text.isWellFormed()) return encoder.encode(text);
  let i = 0;
  for (; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0xd800 || code > 0xdfff) continue;
    const next = text.charCodeAt(i + 1);
    if (code > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff)) break;
    i++; // a pair
  }
  const before = encoder.encode(text.slice(0, i));
  const code = text.charCodeAt(i).toString(16).toUpperCase();
  throw new OvirtError(
    `Malformed XML at ${locationIn(before, before.length)}: a lone surrogate (U+${code}) ` +
      "is not a character",
  );
}

/**
 * Reads a document the element reader gave up (malformed, past a limit, or of an unknown
 * root) as if it had arrived in one chunk: the tokens then say where and why.
 */
function readChecked(bytes: Uint8Array, limits?: XmlLimits): XmlDocument {
  const reader = new DocumentReader(MODEL_SCHEMA, { limits });
  reader.tokens.push(bytes);
  reader.tokens.end();
  reader.run();
  return reader.document();
}

/**
 * Parses one document arriving as a byte stream, chunk by chunk, without joining the
 * chunks into one string. The stream is cancelled if the document is malformed.
 */
export async function readXmlStream(
  stream: ReadableStream<Uint8Array>,
  limits?: XmlLimits,
): Promise<XmlDocument> {
  return await readXmlFrom(bodyReader(stream), [], limits);
}

/**
 * {@link readXmlStream} from a body's reader, after the chunks `head` already read from it
 * (see `peekBody`). The body is cancelled if the document is malformed.
 */
export async function readXmlFrom(
  source: BodyReader,
  head: readonly Uint8Array[],
  limits?: XmlLimits,
): Promise<XmlDocument> {
  const reader = new DocumentReader(MODEL_SCHEMA, { limits });
  const tokens = reader.tokens;
  try {
    for (const chunk of head) tokens.push(chunk);
    while (reader.run() !== READ_DONE) {
      const { done, value } = await source.read();
      if (done) tokens.end();
      else tokens.push(value);
    }
    return reader.document();
  } catch (error) {
    await source.cancel().catch(() => {});
    throw error;
  }
}
