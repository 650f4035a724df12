import assert from "node:assert/strict";
import { ENUMS, ROOTS, STRUCTS } from "../types/metadata.ts";
import type { MemberMeta, StructMeta } from "../transport/xml/metadata.ts";
import { readXml, writeStruct, writeXml } from "../transport/xml/mod.ts";

const MAX_DEPTH = 2;

function allMembers(struct: StructMeta): MemberMeta[] {
  const own = [...struct.members];
  return struct.base === undefined ? own : [...allMembers(STRUCTS[struct.base]), ...own];
}

/** A value for every member of `type`, nested structs down to MAX_DEPTH, then empty objects. */
function sample(type: string, depth: number, seed: number): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  if (depth > MAX_DEPTH) return object;
  allMembers(STRUCTS[type]).forEach((member, index) => {
    const n = seed * 31 + index;
    const one = () => sampleValue(member, depth, n);
    object[member.name] = member.list ? [one(), sampleValue(member, depth, n + 1)] : one();
  });
  return object;
}

function sampleValue(member: MemberMeta, depth: number, n: number): unknown {
  switch (member.kind) {
    case "string":
      return [` ${member.name} <&> "q" 'a' `, "caf\u00e9 \u{1f600}\ttab\r\nline", ""][n % 3];
    case "boolean":
      return n % 2 === 0;
    case "integer":
      return [n, -n, 9007199254740991, 0][n % 4];
    case "decimal":
      return [n + 0.25, -1e-7, 1.5e21, 0][n % 4];
    case "date":
      return new Date(Date.UTC(2000 + (n % 30), n % 12, 1 + (n % 28), n % 24, n % 60, 7, n % 1000));
    case "enum": {
      const values = ENUMS[member.type!].values;
      return values[n % values.length];
    }
    case "struct":
      return sample(member.type!, depth + 1, n);
  }
}

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
