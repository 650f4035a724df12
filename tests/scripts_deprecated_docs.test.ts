import assert from "node:assert/strict";
import { render } from "../scripts/generate.ts";
import type { Model } from "../scripts/model_schema.ts";

/** The `@deprecated` tags `deno doc` finds on the members of `name` in `file`. */
async function deprecatedTags(file: string, name: string): Promise<Record<string, string>> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["doc", "--json", file],
    stdout: "piped",
  }).output();
  assert.ok(output.success, `deno doc ${file}`);
  // deno doc's JSON: per file its symbols, an interface's properties with their JSDoc tags.
  type Tag = { kind: string; doc?: string };
  type Property = { name: string; jsDoc?: { tags?: Tag[] } };
  type Symbol = { name: string; declarations: { def?: { properties?: Property[] } }[] };
  const doc = JSON.parse(new TextDecoder().decode(output.stdout)) as {
    nodes: Record<string, { symbols: Symbol[] }>;
  };
  const symbols = Object.values(doc.nodes).flatMap((node) => node.symbols);
  const properties = symbols.find((item) => item.name === name)?.declarations[0]?.def?.properties;
  assert.ok(properties, name);
  const result: Record<string, string> = {};
  for (const property of properties) {
    const tag = property.jsDoc?.tags?.find((item) => item.kind === "deprecated");
    if (tag) result[property.name] = tag.doc ?? "";
  }
  return result;
}

Deno.test("a deprecated struct member carries a @deprecated tag for deno doc", async () => {
  const tags = await deprecatedTags("types/affinity_group.ts", "AffinityGroup");
  assert.equal(tags.positive, "Deprecated in the API model.");
  assert.equal(tags.name, undefined, "a member the model does not deprecate has no tag");
});

Deno.test("a deprecated method option carries a @deprecated tag for deno doc", async () => {
  const tags = await deprecatedTags("services/host.ts", "HostServiceUpgradeOptions");
  assert.deepEqual(Object.keys(tags), ["image"]);
});

Deno.test("deprecated locators, with and without a parameter, get the tag on its own line", async () => {
  const model = JSON.parse(await Deno.readTextFile("model/model.json")) as Model;
  const locator = (service: string, name: string) => {
    const found = model.services.find((item) => item.name === service)?.locators.find((item) =>
      item.name === name
    );
    assert.ok(found, `${service}.${name}`);
    return found;
  };
  locator("VmsService", "vm").deprecated = true;
  locator("VmService", "nics").deprecated = true;
  const files = render(model);
  const vms = files.get("services/vms.ts") ?? "";
  assert.match(
    vms,
    /\n {3}\* @deprecated Deprecated in the API model\.\n {3}\*\/\n {2}vmService\(/,
  );
  const vm = files.get("services/vm.ts") ?? "";
  assert.match(
    vm,
    /\n {3}\* @deprecated Deprecated in the API model\.\n {3}\*\/\n {2}nicsService\(/,
  );
  assert.doesNotMatch(vm, /[^*] @deprecated/, "never inline after text");
});
