/**
 * The generated services' doc comments (what an editor and `deno doc` show) tell the truth,
 * read with `deno doc --json`: where an action's parameters travel, checked against the
 * runtime's requests.
 */

import assert from "node:assert/strict";
import "../mod.ts"; // registers the model with the XML writer, as the SDK does
import { SERVICES } from "../services/metadata.ts";
import { ALSO_IN_QUERY, planRequest } from "../transport/runtime.ts";

interface DocNode {
  name: string;
  jsDoc?: { doc?: string };
}
interface DocMethod extends DocNode {
  functionDef: { params: { name: string; tsType?: { repr: string } }[] };
}
interface DocSymbol extends DocNode {
  declarations: {
    jsDoc?: { doc?: string };
    kind: string;
    def: { methods?: DocMethod[]; properties?: DocNode[] };
  }[];
}

/** Every symbol `services/mod.ts` exports, as `deno doc --json` describes it. */
async function documentedSymbols(): Promise<Map<string, DocSymbol>> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["doc", "--json", "services/mod.ts"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(output.success, new TextDecoder().decode(output.stderr));
  const json = JSON.parse(new TextDecoder().decode(output.stdout));
  const symbols = new Map<string, DocSymbol>();
  for (const node of Object.values(json.nodes) as { symbols: DocSymbol[] }[]) {
    for (const symbol of node.symbols) symbols.set(symbol.name, symbol);
  }
  return symbols;
}

const symbols = await documentedSymbols();

function methodOf(service: string, name: string): DocMethod {
  const method = symbols.get(service)!.declarations[0].def.methods!.find((m) => m.name === name);
  assert.ok(method, `${service}.${name} is documented`);
  return method;
}

/** A value of `kind` for an action parameter, or `undefined` for the kinds not tried. */
function sample(kind: string): unknown {
  return { boolean: true, string: "x", integer: 1, decimal: 1.5 }[kind];
}

Deno.test("docs: an action parameter's doc says where the runtime sends it", () => {
  let both = 0;
  for (const service of Object.values(SERVICES)) {
    for (const method of service.methods.filter((m) => m.kind === "action")) {
      const options = methodOf(service.name, method.name).functionDef.params
        .find((param) => param.name === "options")?.tsType?.repr;
      const properties = options ? symbols.get(options)?.declarations[0].def.properties : [];
      for (const param of method.params) {
        const doc = properties?.find((property) => property.name === param.name)?.jsDoc?.doc;
        assert.ok(doc, `${service.name}.${method.name}: ${param.name} is documented`);
        const where = `${service.name}.${method.name}({ ${param.name} }): "${doc}"`;
        assert.ok(doc.includes(`\`<${param.wire}>\` in the \`<action>\` body`), where);
        const inQuery = doc.includes(`query parameter \`${param.wire}\``);
        assert.equal(inQuery, ALSO_IN_QUERY.has(param.wire), where);
        const value = param.list ? undefined : sample(param.kind);
        if (value === undefined) continue;
        const plan = planRequest("vms/1", method, { [param.name]: value }, undefined);
        assert.equal(param.wire in plan.query, inQuery, `the runtime: ${where}`);
        assert.ok(plan.body?.includes(`<${param.wire}>`), `the runtime's body: ${where}`);
        if (inQuery) both++;
      }
    }
  }
  assert.ok(both > 50, `${both} parameters sent twice`);
  const start = symbols.get("VmServiceStartOptions")!.declarations[0].def.properties!;
  assert.match(
    start.find((property) => property.name === "async")!.jsDoc!.doc!,
    /`<async>` in the `<action>` body and as query parameter `async`/,
  );
});
