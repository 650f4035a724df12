/**
 * The API docs (`deno doc`, as JSR renders them) show each enum's wire values: the const
 * object's members with their literals and a doc comment each, and the type as the union of
 * the values. TypeScript keeps the literal types.
 */

import assert from "node:assert/strict";
import { types } from "../mod.ts";
import { ENUMS } from "../types/metadata.ts";

/** The parts of `deno doc --json` output these tests read. */
interface DocType {
  kind: string;
  value?: { kind: string; string: string } | DocType[] | { properties: DocProperty[] };
}
interface DocProperty {
  name: string;
  jsDoc?: { doc: string };
  tsType: DocType;
}
interface DocDeclaration {
  kind: string;
  def: { tsType: DocType };
}
interface DocSymbol {
  name: string;
  declarations: DocDeclaration[];
}

/** Every exported symbol of `types/mod.ts`, as `deno doc --json` describes it, by name. */
async function documented(): Promise<Map<string, DocSymbol>> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["doc", "--json", "types/mod.ts"],
    cwd: new URL("..", import.meta.url),
    stdout: "piped",
    stderr: "inherit",
  }).output();
  assert.ok(output.success, "deno doc failed");
  const json = JSON.parse(new TextDecoder().decode(output.stdout));
  const symbols = new Map<string, DocSymbol>();
  for (const node of Object.values(json.nodes) as { symbols: DocSymbol[] }[]) {
    for (const symbol of node.symbols) symbols.set(symbol.name, symbol);
  }
  return symbols;
}

/** The string of a literal type, or `undefined` for any other type (`string`, say). */
function literal(type: DocType): string | undefined {
  const value = type.value as { kind: string; string: string } | undefined;
  return type.kind === "literal" && value?.kind === "string" ? value.string : undefined;
}

Deno.test("deno doc shows every enum's wire values, on its members and its type", async () => {
  const symbols = await documented();
  for (const { name, values } of Object.values(ENUMS)) {
    const symbol = symbols.get(name);
    assert.ok(symbol, `${name} is documented`);
    const constant = symbol.declarations.find((declaration) => declaration.kind === "variable");
    const alias = symbol.declarations.find((declaration) => declaration.kind === "typeAlias");
    assert.ok(constant && alias, `${name}: a const and a type`);
    const { properties } = constant.def.tsType.value as { properties: DocProperty[] };
    assert.deepEqual(properties.map((property) => literal(property.tsType)), values, name);
    for (const property of properties) {
      assert.match(property.jsDoc?.doc ?? "", new RegExp(`\`${literal(property.tsType)}\``));
    }
    const union = alias.def.tsType;
    const members = union.kind === "union" ? union.value as DocType[] : [union];
    assert.deepEqual(members.map(literal), values, `${name}: the type is the union of values`);
  }
});

Deno.test("the enums keep their literal types", () => {
  const up: "up" = types.VmStatus.UP;
  const status: types.VmStatus = "image_locked";
  // @ts-expect-error: a member name is not a wire value
  const wrong: types.VmStatus = "IMAGE_LOCKED";
  assert.deepEqual([up, status, wrong], ["up", types.VmStatus.IMAGE_LOCKED, "IMAGE_LOCKED"]);
  assert.equal(types.DiskFormat.COW, "cow");
});
