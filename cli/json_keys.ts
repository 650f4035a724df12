/**
 * The keys a JSON text gives twice in one object (`{"name": "a", "name": "b"}`): legal JSON,
 * which `JSON.parse` reads as the last value without a word, where a file written by hand
 * meant one of the two. Keys are compared as read: `"\u0041"` and `"A"` are one key. The
 * text is scanned, not parsed a second time: it must be valid JSON (`JSON.parse` says so
 * first), and the scan keeps its own stack, so that no nesting is too deep for it.
 *
 * @module
 */

/** A key given again in its object: where it is in the document, and where it starts again. */
export interface RepeatedKey {
  /** The key's path from `root`: `vm.cpu.topology.cores`, an item of a list `vm.nics[1].name`. */
  path: string;
  /** "line L, column C" (counting characters from 1) of the second one's opening quote. */
  at: string;
}

/** An object or array the scan is in. */
interface Open {
  /** Its path from the root. */
  path: string;
  /** An object's keys so far; undefined for an array. */
  keys?: Set<string>;
  /** Whether an object's next string is a key (after `{` and `,`). */
  wantKey: boolean;
  /** An object's key whose value comes next, or an array's index of its next item. */
  next: string | number;
}

/**
 * The keys that valid JSON `text` gives again in the same object, at any depth (the items of
 * arrays too), with paths from `root`; each path once, where it is first given again.
 */
export function repeatedKeys(text: string, root: string): RepeatedKey[] {
  const open: Open[] = [];
  const repeated = new Map<string, number>(); // path to offset of its second opening quote
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    const top = open.at(-1);
    if (char === '"') {
      const end = stringEnd(text, i);
      if (top?.keys && top.wantKey) {
        const key = JSON.parse(text.slice(i, end)) as string;
        const path = memberPath(top.path, key);
        if (top.keys.has(key) && !repeated.has(path)) repeated.set(path, i);
        top.keys.add(key);
        top.wantKey = false;
        top.next = key;
      }
      i = end - 1;
    } else if (char === "{" || char === "[") {
      const path = top === undefined
        ? root
        : typeof top.next === "number"
        ? `${top.path}[${top.next}]`
        : memberPath(top.path, top.next);
      open.push(
        char === "{"
          ? { path, keys: new Set(), wantKey: true, next: "" }
          : { path, wantKey: false, next: 0 },
      );
    } else if (char === "}" || char === "]") {
      open.pop();
    } else if (char === "," && top !== undefined) {
      if (top.keys) top.wantKey = true;
      else top.next = (top.next as number) + 1;
    }
  }
  return [...repeated].map(([path, at]) => ({ path, at: location(text, at) }));
}

/** `path` and `key` below it: `.key`, or `["key"]` when the key is no plain word. */
function memberPath(path: string, key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key)
    ? `${path}.${key}`
    : `${path}[${JSON.stringify(key)}]`;
}

/** The offset just past the closing quote of the JSON string that opens at `start`. */
function stringEnd(text: string, start: number): number {
  for (let quote = text.indexOf('"', start + 1);; quote = text.indexOf('"', quote + 1)) {
    if (quote < 0) return text.length; // not valid JSON: what is left is the string
    let backslashes = 0;
    while (text[quote - 1 - backslashes] === "\\") backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
  }
}

/** "line L, column C" of `offset` in `text`: lines end at a line feed, columns count characters. */
function location(text: string, offset: number): string {
  let line = 1, lineStart = 0;
  for (let at = text.indexOf("\n"); at >= 0 && at < offset; at = text.indexOf("\n", at + 1)) {
    line++;
    lineStart = at + 1;
  }
  let column = 1; // characters, not UTF-16 code units: an emoji before the key is one column
  for (const _ of text.slice(lineStart, offset)) column++;
  return `line ${line}, column ${column}`;
}
