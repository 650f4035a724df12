/**
 * What of an XML `--from` file the model has no member for: the SDK's reader leaves out
 * elements it does not know (as an engine's newer answers need), but a file written by hand
 * with `<memroy>` must be refused as JSON's `"memroy"` is. The file's elements are compared
 * with those of what was read, written back: an element only the file has was left out
 * (`<link>` and `<actions>`, an engine's links, excepted); so was the text of an element that
 * written back has none (`<cluster>Default</cluster>`, where a cluster is an object). An empty
 * element of a member whose value is not a string (`<memory/>`) is read as absent too: it is
 * named as empty, not as unknown; a member that holds one value given twice (two `<name>`),
 * as repeated. The root's tag is found the same way, past comments and processing
 * instructions.
 *
 * @module
 */

import { toXml } from "../mod.ts";
import type { MemberMeta } from "./model.ts";
import { membersOf } from "./values.ts";
import {
  END_OF_DOCUMENT,
  END_TAG,
  NEED_DATA,
  START_TAG,
  TEXT,
  XmlTokenizer,
} from "../transport/xml/tokenizer.ts";

/**
 * The tag of the root element of XML `text` (comments, processing instructions and white
 * space may come before it); `undefined` when the text ends or is not well-formed before it.
 */
export function rootTag(text: string): string | undefined {
  const tokenizer = new XmlTokenizer();
  tokenizer.push(new TextEncoder().encode(text));
  tokenizer.end();
  try {
    return tokenizer.next() === START_TAG ? tokenizer.name : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The elements of `text`, a `type` whose root is checked already, that hold nothing but
 * white space where the model has a value that is not a string (`vm/memory` for
 * `<memory></memory>`, an item of `<devices>` for `<device/>`), as paths.
 */
export function emptyValues(text: string, type: string): string[] {
  return elementPaths(text).blanks.filter((path) => {
    const kind = kindAt(type, path.split("/").slice(1));
    return kind !== undefined && kind !== "string" && kind !== "struct";
  });
}

/**
 * The value kind of the element at `words` below the root of a `type`, when the model has it
 * and it holds one value (a member that is no list, or an item of a list).
 */
function kindAt(type: string, words: string[]): string | undefined {
  const at = memberAt(type, words);
  return at !== undefined && (!at.member.list || at.item) ? at.member.kind : undefined;
}

/**
 * The member of a `type` that the element at `words` below its root is, and whether the
 * element is an item of that member's list; undefined where the model has no such member.
 */
function memberAt(
  type: string,
  words: string[],
): { member: MemberMeta; item: boolean } | undefined {
  let member: MemberMeta | undefined, item = false;
  for (const word of words) {
    if (member?.list && !item) {
      if (word !== member.item) return undefined;
      item = true;
      continue;
    }
    if (member !== undefined && member.kind !== "struct") return undefined;
    member = membersOf(member?.type ?? type).find((one) => one.tag === word && !one.attribute);
    if (member === undefined) return undefined;
    item = false;
  }
  return member === undefined ? undefined : { member, item };
}

/**
 * The members of `text`, a `type` whose root is checked already, that hold one value but are
 * given twice in the same element (two `<name>` in a `<vm>`, of which reading keeps the last),
 * as paths with where the second one starts; each path once. The items of a list (`<disk>` in
 * `<disks>`) are no repeats, nor is a list given twice, whose items reading joins.
 */
export function repeatedMembers(text: string, type: string): { path: string; at: string }[] {
  const tokenizer = new XmlTokenizer();
  tokenizer.push(new TextEncoder().encode(text));
  tokenizer.end();
  const open: string[] = [];
  const seen: Set<string>[] = []; // the tags of the children of each open element so far
  const repeated = new Map<string, string>();
  for (let token = tokenizer.next(); token !== END_OF_DOCUMENT; token = tokenizer.next()) {
    if (token === NEED_DATA) break; // cannot happen after end(); read whole already
    if (token === START_TAG) {
      const name = tokenizer.name;
      const again = seen.at(-1)?.has(name) ?? false;
      seen.at(-1)?.add(name);
      open.push(name);
      seen.push(new Set());
      const path = open.join("/");
      if (!again || repeated.has(path)) continue;
      const at = memberAt(type, open.slice(1));
      if (at !== undefined && !at.member.list) repeated.set(path, tokenizer.location());
    } else if (token === END_TAG) {
      open.pop();
      seen.pop();
    }
  }
  return [...repeated].map(([path, at]) => ({ path, at }));
}

/** The elements of `text` that reading it as `tag` left out, as paths (`vm/memroy`). */
export function leftOutElements(text: string, tag: string, read: object): string[] {
  const kept = new Set(elementPaths(toXml(tag, read)).elements);
  const left = new Set<string>();
  for (const path of elementPaths(text).elements) {
    // Links (`<link rel="nics">`, `<actions>`) are what an engine's answer carries besides
    // members; below an element left out, only that element is named.
    const words = path.split("/");
    if (words.at(-1) === "link" || words.includes("actions")) continue;
    if (!kept.has(path) && ![...left].some((parent) => path.startsWith(`${parent}/`))) {
      left.add(path);
    }
  }
  return [...left];
}

/**
 * The elements of `text` whose own text (not white space) reading it as `tag` left out, as
 * paths (`vm/cluster` for `<cluster>Default</cluster>`).
 */
export function leftOutTexts(text: string, tag: string, read: object): string[] {
  const kept = new Set(elementPaths(toXml(tag, read)).texts);
  return elementPaths(text).texts.filter((path) =>
    !kept.has(path) && !path.split("/").includes("actions")
  );
}

/**
 * The path of every element of `text` from its root (`vm`, `vm/cpu`, `vm/cpu/topology`), of
 * those with text of their own besides white space, and of those without.
 */
function elementPaths(text: string): { elements: string[]; texts: string[]; blanks: string[] } {
  const tokenizer = new XmlTokenizer();
  tokenizer.push(new TextEncoder().encode(text));
  tokenizer.end();
  const open: string[] = [];
  let hasText = false; // whether the innermost open element has text of its own
  const hasTexts: boolean[] = []; // the same for the elements that hold it
  const elements: string[] = [], texts: string[] = [], blanks = new Set<string>();
  for (let token = tokenizer.next(); token !== END_OF_DOCUMENT; token = tokenizer.next()) {
    if (token === NEED_DATA) break; // cannot happen after end(); read whole already
    if (token === START_TAG) {
      open.push(tokenizer.name);
      elements.push(open.join("/"));
      hasTexts.push(hasText);
      hasText = false;
    } else if (token === END_TAG) {
      if (!hasText) blanks.add(open.join("/"));
      open.pop();
      hasText = hasTexts.pop()!;
    } else if (token === TEXT && open.length > 0 && tokenizer.text().trim() !== "") {
      hasText = true;
      const path = open.join("/");
      if (texts.at(-1) !== path) texts.push(path);
    }
  }
  return { elements, texts, blanks: [...blanks] };
}
