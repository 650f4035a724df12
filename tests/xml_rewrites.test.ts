/**
 * Differential test of the reader against itself: every meaning-preserving rewrite of every
 * corpus of the bench (`bench/xml_rewrites.ts`, `bench/xml_corpora.ts`) reads to the same
 * objects as the original bytes, as a whole document, from a stream and item by item.
 *
 * @module
 */

import "../types/register.ts";
import assert from "node:assert/strict";
import { listCorpora, smallCorpora } from "../bench/xml_corpora.ts";
import { parseTree, REWRITES, rewritesOf, writeTree } from "../bench/xml_rewrites.ts";
import { readXml, readXmlStream, streamList } from "../transport/xml/mod.ts";
import { splitEvery, streamOf } from "./xml_test_utils.ts";

const corpora = [...listCorpora(0.02), ...smallCorpora()];
const decoder = new TextDecoder();

async function itemsOf(bytes: Uint8Array, chunk: number): Promise<object[]> {
  const items: object[] = [];
  for await (const item of streamList(streamOf(splitEvery(bytes, chunk)))) items.push(item);
  return items;
}

for (const corpus of corpora) {
  Deno.test(`rewrites: ${corpus.name} reads the same in every spelling`, async () => {
    const expected = readXml(corpus.bytes).value;
    const list = Array.isArray(expected);
    if (list) assert.ok(expected.length >= 20, "the corpus is a list of several items");
    for (const seed of [1, 2, 3]) {
      for (const [name, bytes] of rewritesOf(corpus.bytes, seed)) {
        const what = `${corpus.name}, ${name}, seed ${seed}`;
        assert.notEqual(decoder.decode(bytes), decoder.decode(corpus.bytes), what);
        assert.deepEqual(readXml(bytes).value, expected, what);
        const chunk = 1 + seed * 37;
        assert.deepEqual(
          (await readXmlStream(streamOf(splitEvery(bytes, chunk)))).value,
          expected,
          what,
        );
        if (list) assert.deepEqual(await itemsOf(bytes, chunk), expected, what);
      }
    }
  });
}

Deno.test("rewrites: each spelling changes what it says and nothing else", () => {
  const original = `<?xml version="1.0"?><vm id="1" href="/v"><name>a&amp;b</name>` +
    `<comment/><cpu><cores>2</cores></cpu><link rel="x" href="/x"/><link rel="y" href="/y"/></vm>`;
  const tree = parseTree(new TextEncoder().encode(original));
  const spell = (name: string) =>
    decoder.decode(writeTree(tree, REWRITES.find((rewrite) => rewrite.name === name)!.spelling, 5));
  assert.equal(
    spell("unindented"),
    `<?xml version="1.0"?>\n<vm id="1" href="/v"><name>a&amp;b</name><comment/>` +
      `<cpu><cores>2</cores></cpu><link rel="x" href="/x"/><link rel="y" href="/y"/></vm>`,
  );
  assert.match(spell("attributes"), /<vm href='\/v' id='1'>/);
  assert.match(spell("<x></x>"), /<comment><\/comment>/);
  assert.match(spell("CDATA"), /<name><!\[CDATA\[a&b\]\]><\/name>/);
  assert.match(spell("indent 4, CRLF"), /\r\n {4}<name>/);
  const reordered = spell("reordered");
  assert.ok(reordered.indexOf(`rel="x"`) < reordered.indexOf(`rel="y"`), "same tags keep order");
  assert.notEqual(
    reordered,
    spell("indent 4, CRLF").replaceAll("\r\n", "\n").replaceAll("    ", "  "),
  );
});
