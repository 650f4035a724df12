import "../types/register.ts";
import assert from "node:assert/strict";
import { ROOTS, STRUCTS } from "../types/metadata.ts";
import { readXml, writeStruct, writeXml } from "../transport/xml/mod.ts";
import { MAX_DEPTH, sample } from "./xml_samples.ts";

Deno.test("round trip: every struct, every member set, survives write then read", () => {
  const names = Object.keys(STRUCTS);
  assert.ok(names.length > 200, "the model should be loaded");
  for (const name of names) {
    const struct = STRUCTS[name];
    assert.deepEqual(ROOTS[struct.tag], { type: name, list: false }, `root <${struct.tag}>`);
    const value = sample(name, 0, name.length);
    const xml = writeStruct(name, value);
    if (name === "Vm") assert.ok(xml.length > 100_000, "nested structs are really written");
    const document = readXml(xml);
    assert.equal(document.root, struct.tag);
    assert.deepEqual(document.value, value, name);
  }
});

Deno.test("round trip: every struct's list document", () => {
  for (const [name, struct] of Object.entries(STRUCTS)) {
    if (ROOTS[struct.listTag] === undefined) {
      assert.equal(name, "Action", "only Action has no list document");
      continue;
    }
    const items = [sample(name, MAX_DEPTH, 1), sample(name, MAX_DEPTH, 2), {}];
    const document = readXml(writeXml(struct.listTag, items));
    assert.deepEqual(document, { root: struct.listTag, value: items }, name);
  }
});
