/**
 * The XML engine: a streaming tokenizer, a typed reader and a writer driven by the
 * generated per-type metadata.
 *
 * @module
 */

import { readXml } from "./read_xml.ts";
import { writeXml } from "./writer.ts";

export { readXml, readXmlStream, type XmlDocument } from "./read_xml.ts";
export { streamList } from "./stream.ts";
export { writeStruct, writeXml } from "./writer.ts";
export type { XmlLimits } from "./tokenizer.ts";

/**
 * Parses one document by its root tag: `<vm>` gives a `Vm`, `<vms>` a `Vm[]`, `<fault>` a
 * `Fault`, `<action>` an `Action`. Throws an `OvirtError` for an unknown root or bad input.
 * The type `T` (default `unknown`) is the caller's word for what the document holds, not
 * checked: `const vm: types.Vm = fromXml(text)`.
 */
export function fromXml<T = unknown>(xml: string | Uint8Array): T {
  return readXml(xml).value as T;
}

/**
 * Renders `value` as the model type whose element is `tag` (`"vm"`, or `"vms"` for a
 * list): `id`/`href` as attributes, only the members that are set, no XML declaration.
 */
export function toXml(tag: string, value: object | object[]): string {
  return writeXml(tag, value);
}
