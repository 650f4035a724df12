/**
 * Reading request bodies as strictly as the engine does: the document must be well-formed
 * XML of the expected root, and every element must be a member the model knows (the
 * engine's parser refuses unknown elements, e.g. an `<id>` element instead of the
 * attribute). Checked documents are then read with the shared XML reader.
 *
 * @module
 */

import {
  END_OF_DOCUMENT,
  END_TAG,
  NEED_DATA,
  START_TAG,
  XmlTokenizer,
} from "../transport/xml/tokenizer.ts";
import { readXml } from "../transport/xml/read_xml.ts";
import { STRUCTS } from "../types/metadata.ts";
import { Refusal, syntaxError } from "./answers.ts";
import { memberByTag } from "./model.ts";

/** What the body of a request must be. */
export interface Expected {
  /** The struct type of the document. */
  readonly type: string;
  /** Whether it is a list document (`<bricks>`). */
  readonly list?: boolean;
}

/** A frame of the element check: inside a struct, a list wrapper, or a value. */
type Frame =
  | { readonly kind: "struct"; readonly type: string }
  | { readonly kind: "list"; readonly item?: string; readonly type?: string }
  | { readonly kind: "value" }
  | { readonly kind: "skip" };

/**
 * Parses `body` as the document `expected` describes and returns its typed value;
 * throws a 400 refusal for anything the engine would not accept.
 */
export function readBody(body: Uint8Array, expected: Expected): Record<string, unknown> {
  const tag = expected.list ? STRUCTS[expected.type].listTag : STRUCTS[expected.type].tag;
  try {
    checkElements(body, tag, expected);
    return readXml(body).value as Record<string, unknown>;
  } catch (error) {
    if (error instanceof Refusal) throw error;
    throw syntaxError(error instanceof Error ? error.message : String(error));
  }
}

function checkElements(body: Uint8Array, rootTag: string, expected: Expected): void {
  const tokens = new XmlTokenizer();
  tokens.push(body);
  tokens.end();
  const frames: Frame[] = [];
  for (let token = tokens.next(); token !== END_OF_DOCUMENT; token = tokens.next()) {
    if (token === NEED_DATA) throw syntaxError("The document ends too early");
    if (token === END_TAG) {
      frames.pop();
      continue;
    }
    if (token !== START_TAG) continue;
    const name = tokens.name;
    const parent = frames.at(-1);
    if (!parent) {
      if (name !== rootTag) {
        throw syntaxError(`Expected a <${rootTag}> document, got <${name}>`);
      }
      frames.push(
        expected.list
          ? { kind: "list", item: STRUCTS[expected.type].tag, type: expected.type }
          : { kind: "struct", type: expected.type },
      );
      continue;
    }
    frames.push(child(parent, name, tokens.location()));
  }
}

function child(parent: Frame, name: string, where: string): Frame {
  switch (parent.kind) {
    case "skip":
      return parent;
    case "value":
      throw syntaxError(`Unexpected element <${name}> inside a value at ${where}`);
    case "list":
      if (parent.item !== undefined && name !== parent.item) {
        throw syntaxError(`Unexpected element <${name}> in a list of <${parent.item}> at ${where}`);
      }
      return parent.type ? { kind: "struct", type: parent.type } : { kind: "value" };
    case "struct": {
      if (name === "link" || name === "actions") return { kind: "skip" };
      const member = memberByTag(parent.type, name);
      if (!member || member.attribute) {
        throw syntaxError(`Unknown element <${name}> in <${STRUCTS[parent.type].tag}> at ${where}`);
      }
      if (member.list) {
        return {
          kind: "list",
          item: member.item,
          type: member.kind === "struct" ? member.type : undefined,
        };
      }
      return member.kind === "struct" ? { kind: "struct", type: member.type! } : { kind: "value" };
    }
  }
}
