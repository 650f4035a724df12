/**
 * The reference the XML benches measure against: saxes reading a document with a handler for
 * every event our reader uses (an element's start and end, text, CDATA), counting the
 * elements. The in-memory benches and the end-to-end one (`list_bench.ts`, fed chunk by
 * chunk) use the same parser set-up.
 */

import { SaxesParser } from "npm:saxes@6";

/** A saxes parser with a handler for every event we read, and the count of elements so far. */
export function saxesReference(): { parser: SaxesParser; elements: () => number } {
  let elements = 0;
  const parser = new SaxesParser();
  parser.on("opentag", () => elements++);
  parser.on("text", () => {});
  parser.on("cdata", () => {});
  parser.on("closetag", () => {});
  return { parser, elements: () => elements };
}

/** How many elements saxes reports in `xml`, with a handler for every event we read. */
export function saxesElements(xml: string): number {
  const { parser, elements } = saxesReference();
  parser.write(xml).close();
  return elements();
}
