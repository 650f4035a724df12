/**
 * The object `--from FILE` holds: JSON (camelCase or snake_case members) or the engine's
 * XML, checked against the type the command sends; a member given twice is refused in
 * either. `-` reads standard input.
 *
 * @module
 */

import { fromXml } from "../mod.ts";
import { STRUCTS } from "./model.ts";
import { UsageError } from "./errors.ts";
import { repeatedKeys } from "./json_keys.ts";
import { readUserText } from "./user_text.ts";
import { fromJson } from "./values.ts";
import {
  emptyValues,
  leftOutElements,
  leftOutTexts,
  repeatedMembers,
  rootTag,
} from "./xml_members.ts";

/** The `type` object in file `path` (`-`: standard input, given up when `signal` aborts). */
export async function readObjectFile(
  path: string,
  type: string,
  signal?: AbortSignal,
): Promise<Record<string, unknown>> {
  const text = await readUserText(path, "from", signal);
  const what = `--from ${path}`;
  if (text.trimStart().startsWith("<")) {
    const tag = STRUCTS[type]?.tag;
    const root = rootTag(text);
    // No root: the file is not well-formed before it, as reading it says.
    if (root !== undefined && root !== tag) {
      throw new UsageError(`${what}: expected one <${tag}>, not <${root}>`);
    }
    let read: Record<string, unknown>;
    try {
      read = fromXml(text) as Record<string, unknown>;
    } catch (error) {
      throw new UsageError(`${what}: ${(error as Error).message}`);
    }
    const empty = emptyValues(text, type);
    if (empty.length > 0) {
      throw new UsageError(
        `${what}: ${empty.map((path) => `<${path}>`).join(", ")} ` +
          `${empty.length > 1 ? "have" : "has"} no value (write one, or leave the element out)`,
      );
    }
    // Before the elements left out: those of all but the last of a repeated member are.
    const repeated = repeatedMembers(text, type);
    if (repeated.length > 0) {
      throw new UsageError(
        `${what}: ${repeated.map(({ path, at }) => `<${path}> given again at ${at}`).join(", ")}` +
          `: ${repeated.length > 1 ? "each holds" : "it holds"} one value (keep one)`,
      );
    }
    const unknown = leftOutElements(text, tag!, read);
    if (unknown.length > 0) {
      throw new UsageError(
        `${what}: the model has no ${unknown.map((path) => `<${path}>`).join(", ")} ` +
          `(no such member of ${type} or of what it holds)`,
      );
    }
    const dropped = leftOutTexts(text, tag!, read);
    if (dropped.length > 0) {
      throw new UsageError(
        `${what}: the text of ${dropped.map((path) => `<${path}>`).join(", ")} is not read ` +
          "(an object is written with its members, such as " +
          "<cluster><name>Default</name></cluster>)",
      );
    }
    return read;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${what}: not JSON or XML (${(error as Error).message})`);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new UsageError(`${what}: the file must hold one JSON object`);
  }
  // Reading keeps the last of a key given twice: the user meant one of them, as in XML.
  const repeated = repeatedKeys(text, STRUCTS[type]?.tag ?? type);
  if (repeated.length > 0) {
    throw new UsageError(
      `${what}: ${repeated.map(({ path, at }) => `${path} given again at ${at}`).join(", ")}` +
        `: ${repeated.length > 1 ? "each holds" : "it holds"} one value (keep one)`,
    );
  }
  return fromJson(json as Record<string, unknown>, type, what);
}
