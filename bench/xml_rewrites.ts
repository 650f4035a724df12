/**
 * Meaning-preserving rewrites of an XML document, for the reader's bench and its differential
 * test: the same elements, attributes and text, spelled as another engine version or a
 * proxy could spell them (struct members in another order, other indentation or none,
 * attributes in another order and quoted with `'`, `<x></x>` for `<x/>`, text in CDATA
 * sections or with character references). Every rewrite must read to the same objects.
 *
 * The document is parsed with saxes (a dev-only dependency) into a tree, then written back.
 * Reordering keeps the relative order of children that share a tag, so list items (`<vm>`s
 * of a `<vms>`, `<link>`s, `<device>`s) stay in order; the corpora have no list whose
 * items have different tags.
 *
 * @module
 */

import { SaxesParser } from "npm:saxes@6";
import { seededRandom } from "../tests/xml_test_utils.ts";

/** An element of the parsed tree. */
export interface XmlElement {
  readonly name: string;
  readonly attributes: [string, string][];
  readonly children: (XmlElement | string)[];
}

/** A parsed document: its declaration (if any) and its root element. */
export interface XmlTree {
  readonly declaration: string;
  readonly root: XmlElement;
}

/** Parses `bytes` into a tree; text that is only white space between elements is dropped. */
export function parseTree(bytes: Uint8Array): XmlTree {
  const parser = new SaxesParser();
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let declaration = "";
  parser.on("xmldecl", (decl) => {
    const standalone = decl.standalone ? ` standalone="${decl.standalone}"` : "";
    const encoding = decl.encoding ? ` encoding="${decl.encoding}"` : "";
    declaration = `<?xml version="${decl.version}"${encoding}${standalone}?>`;
  });
  parser.on("opentag", (tag) => {
    const element: XmlElement = {
      name: tag.name,
      attributes: Object.entries(tag.attributes as Record<string, string>),
      children: [],
    };
    if (stack.length) stack[stack.length - 1].children.push(element);
    else root = element;
    stack.push(element);
  });
  const text = (value: string) => {
    const children = stack.length ? stack[stack.length - 1].children : undefined;
    if (!children) return;
    const last = children[children.length - 1];
    if (typeof last === "string") children[children.length - 1] = last + value;
    else children.push(value);
  };
  parser.on("text", text);
  parser.on("cdata", text);
  parser.on("closetag", () => {
    const element = stack.pop()!;
    if (element.children.some((child) => typeof child !== "string")) {
      const kept = element.children.filter((child) => typeof child !== "string" || child.trim());
      element.children.splice(0, element.children.length, ...kept);
    }
  });
  parser.write(new TextDecoder().decode(bytes)).close();
  return { declaration, root: root! };
}

/** How to write a tree back. */
export interface Spelling {
  /** Indentation per level; `undefined`: no white space between elements at all. */
  readonly indent?: string;
  /** Line end after each element line (default `\n`). */
  readonly newline?: string;
  /** Writes each element's children in a random order, same-tag children kept in order. */
  readonly reorder?: boolean;
  /** Attributes in reverse order, in single quotes. */
  readonly otherAttributes?: boolean;
  /** Empty elements as `<x></x>` instead of `<x/>`. */
  readonly openClose?: boolean;
  /** Each non-empty text in a CDATA section. */
  readonly cdata?: boolean;
  /** About one character in five of each text as a character reference. */
  readonly characterReferences?: boolean;
}

/** Writes `tree` with `spelling`, random choices drawn from `seed`. */
export function writeTree(tree: XmlTree, spelling: Spelling, seed = 1): Uint8Array {
  const random = seededRandom(seed);
  const parts: string[] = [];
  const newline = spelling.newline ?? "\n";
  const pretty = spelling.indent !== undefined;
  if (tree.declaration) parts.push(tree.declaration, newline);
  const write = (element: XmlElement, level: number) => {
    const pad = pretty ? spelling.indent!.repeat(level) : "";
    let open = "<" + element.name;
    const attributes = spelling.otherAttributes
      ? [...element.attributes].reverse()
      : element.attributes;
    for (const [name, value] of attributes) {
      open += spelling.otherAttributes
        ? ` ${name}='${escape(value, /[&<']/g)}'`
        : ` ${name}="${escape(value, /[&<"]/g)}"`;
    }
    const children = spelling.reorder ? reordered(element.children, random) : element.children;
    if (children.length === 0) {
      parts.push(
        pad,
        open,
        spelling.openClose ? `></${element.name}>` : "/>",
        pretty ? newline : "",
      );
      return;
    }
    if (children.every((child) => typeof child === "string")) {
      const text = (children as string[]).join("");
      parts.push(pad, open, ">", textOf(text, spelling, random), `</${element.name}>`);
      if (pretty) parts.push(newline);
      return;
    }
    parts.push(pad, open, ">", pretty ? newline : "");
    for (const child of children) {
      if (typeof child === "string") parts.push(textOf(child, spelling, random));
      else write(child, level + 1);
    }
    parts.push(pad, `</${element.name}>`, pretty ? newline : "");
  };
  write(tree.root, 0);
  return new TextEncoder().encode(parts.join(""));
}

function reordered(
  children: (XmlElement | string)[],
  random: () => number,
): (XmlElement | string)[] {
  if (children.length < 2) return children;
  const keys = new Map<string, number>();
  const keyOf = (child: XmlElement | string) => {
    const tag = typeof child === "string" ? "#text" : child.name;
    let key = keys.get(tag);
    if (key === undefined) keys.set(tag, key = random());
    return key;
  };
  return children.map((child, index) => ({ child, index, key: keyOf(child) }))
    .sort((a, b) => a.key - b.key || a.index - b.index)
    .map((entry) => entry.child);
}

function textOf(text: string, spelling: Spelling, random: () => number): string {
  if (text === "") return "";
  if (spelling.cdata) return "<![CDATA[" + text.replaceAll("]]>", "]]]]><![CDATA[>") + "]]>";
  if (!spelling.characterReferences) return escape(text, /[&<>]/g);
  let out = "";
  for (const char of text) {
    const code = char.codePointAt(0)!;
    const draw = random();
    if (draw < 0.1) out += `&#${code};`;
    else if (draw < 0.2) out += `&#x${code.toString(16)};`;
    else out += escape(char, /[&<>]/g);
  }
  return out;
}

const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&apos;",
};

function escape(text: string, specials: RegExp): string {
  return text.replace(specials, (char) => ENTITIES[char]);
}

/** One named rewrite. */
export interface Rewrite {
  /** Short name for tables, e.g. `"reordered"`. */
  readonly name: string;
  /** How it writes the tree. */
  readonly spelling: Spelling;
}

/** The rewrites every corpus is read in, besides its original bytes. */
export const REWRITES: readonly Rewrite[] = [
  { name: "reordered", spelling: { indent: "  ", reorder: true } },
  { name: "indent 4, CRLF", spelling: { indent: "    ", newline: "\r\n" } },
  { name: "unindented", spelling: {} },
  { name: "attributes", spelling: { indent: "  ", otherAttributes: true } },
  { name: "<x></x>", spelling: { indent: "  ", openClose: true } },
  { name: "CDATA", spelling: { indent: "  ", cdata: true } },
  { name: "char refs", spelling: { indent: "  ", characterReferences: true } },
  {
    name: "all at once",
    spelling: { reorder: true, otherAttributes: true, openClose: true, characterReferences: true },
  },
];

/** Every rewrite of `bytes`, by name, from one parse. */
export function rewritesOf(bytes: Uint8Array, seed = 1): Map<string, Uint8Array> {
  const tree = parseTree(bytes);
  return new Map(
    REWRITES.map((rewrite) => [rewrite.name, writeTree(tree, rewrite.spelling, seed)]),
  );
}
