/**
 * What of an XML `--from` file the model has no member for: the SDK's reader leaves out
 * elements it does not know (as an engine's newer answers need), but a file written by hand
 * with `<memroy>` must be refused as JSON's `"memroy"` is. The file's elements are compared
 * with those of what was read, written back: an element only the file has was left out
 * (`<link>` and `<actions>`, an engine's links, excepted).
 *
 * @module
 */

import { toXml } from "../mod.ts";
import {
  END_OF_DOCUMENT,
  END_TAG,
  NEED_DATA,
  START_TAG,
  XmlTokenizer,
} from "../transport/xml/tokenizer.ts";

/** The elements of `text` that reading it as `tag` left out, as paths (`vm/memroy`). */
export function leftOutElements(text: string, tag: string, read: object): string[] {
  const kept = new Set(elementPaths(toXml(tag, read)));
  const left = new Set<string>();
  for (const path of elementPaths(text)) {
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

/** The path of every element of `text` from its root (`vm`, `vm/cpu`, `vm/cpu/topology`). */
function elementPaths(text: string): string[] {
  const tokenizer = new XmlTokenizer();
  tokenizer.push(new TextEncoder().encode(text));
  tokenizer.end();
  const open: string[] = [];
  const paths: string[] = [];
  for (let token = tokenizer.next(); token !== END_OF_DOCUMENT; token = tokenizer.next()) {
    if (token === NEED_DATA) break; // cannot happen after end(); read whole already
    if (token === START_TAG) {
      open.push(tokenizer.name);
      paths.push(open.join("/"));
    } else if (token === END_TAG) {
      open.pop();
    }
  }
  return paths;
}
