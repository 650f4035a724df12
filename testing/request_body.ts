/**
 * Reading request bodies as strictly as the engine does: the document must be well-formed
 * XML of the expected root, and every element must be a member the model knows (the
 * engine's parser refuses unknown elements, e.g. an `<id>` element instead of the
 * attribute). Checked documents are then read with the shared XML reader.
 *
 * @module
 */

import type { MemberMeta } from "../transport/xml/metadata.ts";
import {
  END_OF_DOCUMENT,
  END_TAG,
  NEED_DATA,
  START_TAG,
  TEXT,
  XmlTokenizer,
} from "../transport/xml/tokenizer.ts";
import { readXml } from "../transport/xml/read_xml.ts";
import { STRUCTS } from "../types/metadata.ts";
import { Refusal, syntaxError } from "./answers.ts";
import { memberByTag } from "./model.ts";
import { checkValue } from "./value_checks.ts";

/** What the body of a request must be. */
export interface Expected {
  /** The struct type of the document. */
  readonly type: string;
  /** Whether it is a list document (`<bricks>`). */
  readonly list?: boolean;
}

/**
 * A frame of the element check: inside a struct, a list wrapper, or a value (with the
 * member it is a value of, whose enum or integer text is checked once read).
 */
type Frame =
  | { readonly kind: "struct"; readonly type: string }
  | {
    readonly kind: "list";
    readonly item?: string;
    readonly type?: string;
    readonly member?: MemberMeta;
  }
  | { readonly kind: "value"; readonly member?: MemberMeta; text: string }
  | { readonly kind: "skip" };

/**
 * Parses `body` as the document `expected` describes and returns its typed value;
 * throws a 400 refusal for anything the engine would not accept: malformed XML, unknown
 * elements, enum text the enum does not have, integers beyond 32 bits (`value_checks.ts`).
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
      const frame = frames.pop();
      if (frame?.kind === "value" && frame.member) checkValue(frame.member, frame.text);
      continue;
    }
    if (token === TEXT) {
      const frame = frames.at(-1);
      if (frame?.kind === "value" && frame.member) frame.text += tokens.text();
      continue;
    }
    if (token !== START_TAG) continue;
    const name = tokens.name;
    const parent = frames.at(-1);
    let frame: Frame;
    if (!parent) {
      if (name !== rootTag) {
        throw syntaxError(`Expected a <${rootTag}> document, got <${name}>`);
      }
      frame = expected.list
        ? { kind: "list", item: STRUCTS[expected.type].tag, type: expected.type }
        : { kind: "struct", type: expected.type };
    } else {
      frame = child(parent, name, tokens.location());
    }
    if (frame.kind === "struct") checkAttributes(tokens, frame.type);
    frames.push(frame);
  }
}

/** Checks the enum and integer attributes (`<method id="guest_agent"/>`) of a `type` element. */
function checkAttributes(tokens: XmlTokenizer, type: string): void {
  for (let index = 0; index < tokens.attributeCount; index++) {
    const member = memberByTag(type, tokens.attributeName(index));
    if (member?.attribute) checkValue(member, tokens.attributeValue(index));
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
      return parent.type
        ? { kind: "struct", type: parent.type }
        : { kind: "value", member: parent.member, text: "" };
    case "struct": {
      if (name === "link" || name === "actions") return { kind: "skip" };
      const member = memberByTag(parent.type, name);
      if (!member || member.attribute) {
        throw syntaxError(`Unknown element <${name}> in <${STRUCTS[parent.type].tag}> at ${where}`);
      }
      if (member.list) {
        return member.kind === "struct"
          ? { kind: "list", item: member.item, type: member.type }
          : { kind: "list", item: member.item, member };
      }
      return member.kind === "struct"
        ? { kind: "struct", type: member.type! }
        : { kind: "value", member, text: "" };
    }
  }
}
