/**
 * The reference the XML benches measure against: saxes reading a document with a handler for
 * every event our reader uses, counting the elements.
 */

import { SaxesParser } from "npm:saxes@6";

/** How many elements saxes reports in `xml`, with a handler for every event we read. */
export function saxesElements(xml: string): number {
  let elements = 0;
  const parser = new SaxesParser();
  parser.on("opentag", () => elements++);
  parser.on("text", () => {});
  parser.on("cdata", () => {});
  parser.on("closetag", () => {});
  parser.write(xml).close();
  return elements;
}
