/**
 * The generated services' doc comments (what an editor and `deno doc` show) tell the truth:
 * the paths a method is sent to, what an `add` resolves to, and where an action's
 * parameters travel. Read with `deno doc --json` and checked against the service tree
 * (`services/metadata.ts`), the simulator's engine facts and the runtime's requests.
 */

import assert from "node:assert/strict";
import "../mod.ts"; // registers the model with the XML writer, as the SDK does
import { ROOT_SERVICE, SERVICES } from "../services/metadata.ts";
import { ALSO_IN_QUERY, planRequest } from "../transport/runtime.ts";
import type { MethodMeta } from "../transport/service.ts";
import { addAnsweredAsAction } from "../testing/action_answered_adds.ts";
import { resolvePath } from "../testing/tree.ts";

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

function classDoc(service: string): string {
  return symbols.get(service)!.declarations[0].jsDoc?.doc ?? "";
}

function methodOf(service: string, name: string): DocMethod {
  const method = symbols.get(service)!.declarations[0].def.methods!.find((m) => m.name === name);
  assert.ok(method, `${service}.${name} is documented`);
  return method;
}

function methodDoc(service: string, name: string): string {
  return methodOf(service, name).jsDoc?.doc ?? "";
}

/** Path patterns of every service reached from the root, walked in the service tree table. */
function routesOfServices(): Map<string, string[]> {
  const routes = new Map<string, string[]>();
  const visit = (name: string, path: string, above: ReadonlySet<string>) => {
    routes.set(name, [...routes.get(name) ?? [], path]);
    for (const locator of SERVICES[name].locators) {
      if (above.has(locator.service)) continue;
      const segment = locator.segment ?? "{}";
      visit(locator.service, `${path}/${segment}`, new Set([...above, locator.service]));
    }
  };
  visit(ROOT_SERVICE, "", new Set([ROOT_SERVICE]));
  return routes;
}

const routes = routesOfServices();

/** `{vm}` and `{}` alike: the docs name placeholders, the table does not. */
function pattern(path: string): string {
  return path.replace(/\{[^}]*\}/g, "{}");
}

/** Whether a path as a doc writes it (`/vms/{vm}`, `.../permissions`) stands for `path`. */
function formCovers(form: string, path: string): boolean {
  const wanted = pattern(path || "/");
  return form.startsWith("...")
    ? wanted.endsWith(pattern(form.slice(3)))
    : pattern(form) === wanted;
}

/** The paths in a method doc's first line: `` `POST /a` or `POST .../b` `` gives both. */
function requestPaths(doc: string): string[] {
  const first = doc.split("\n")[0];
  return [...first.matchAll(/`(?:GET|POST|PUT|DELETE) ([^`]+)`/g)].map((match) => match[1]);
}

/** The path a method of `kind` is sent to, below the service's own path. */
function below(method: MethodMeta): string {
  return method.kind === "action" ? `/${method.segment}` : "";
}

Deno.test("docs: some services are reached at several paths", () => {
  const several = [...routes].filter(([, paths]) => paths.length > 1);
  assert.ok(several.length >= 19, `${several.length} services`);
  assert.ok(routes.get("AssignedPermissionsService")!.length >= 20);
  assert.ok(routes.get("StatisticsService")!.length >= 13);
});

Deno.test("docs: every method's path holds for every path its service is reached at", () => {
  let checked = 0;
  for (const [service, paths] of routes) {
    for (const method of SERVICES[service].methods) {
      const doc = methodDoc(service, method.name);
      const forms = requestPaths(doc);
      assert.ok(forms.length > 0, `${service}.${method.name}: no request in "${doc}"`);
      for (const path of paths) {
        assert.ok(
          forms.some((form) => formCovers(form, path + below(method))),
          `${service}.${method.name} documents ${forms.join(", ")}; it is also sent to ` +
            `${path + below(method)}`,
        );
      }
      for (const form of forms) {
        assert.ok(
          paths.some((path) => formCovers(form, path + below(method))),
          `${service}.${method.name} documents ${form}, where it is never sent`,
        );
      }
      checked++;
    }
  }
  assert.ok(checked > 600, `${checked} methods`);
});

Deno.test("docs: the locators of a service reached at several paths say so too", () => {
  const doc = methodDoc("AssignedPermissionsService", "permissionService");
  assert.match(doc, /`\.\.\.\/permissions\/\{permission\}`/);
  const vmNics = methodDoc("VmService", "nicsService");
  assert.match(vmNics, /`\/vms\/\{vm\}\/nics`/, "one path: written in full");
  for (const [service, paths] of routes) {
    for (const locator of SERVICES[service].locators) {
      if (!locator.segment) continue;
      const doc = methodDoc(service, locator.name);
      const forms = [...doc.matchAll(/`([^`]*\/[^`]*)`/g)].map((match) => match[1]);
      for (const path of paths) {
        assert.ok(
          forms.some((form) => formCovers(form, `${path}/${locator.segment}`)),
          `${service}.${locator.name}: "${doc}" leaves out ${path}/${locator.segment}`,
        );
      }
    }
  }
});

Deno.test("docs: a class reached at several paths lists them, or the first few and a count", () => {
  for (const [service, paths] of routes) {
    const doc = classDoc(service);
    if (paths.length === 1) {
      const at = /^The `\w+` service at `([^`]+)`\./.exec(doc)?.[1];
      assert.equal(at && pattern(at), pattern(paths[0] || "/"), `${service}: ${doc}`);
      continue;
    }
    assert.ok(doc.includes(`reached at ${paths.length} paths`), `${service}: ${doc}`);
    const listed = [...doc.matchAll(/^- `([^`]+)`$/gm)].map((match) => match[1]);
    assert.ok(listed.length >= Math.min(paths.length, 5), `${service} lists ${listed.length}`);
    for (const path of listed) {
      assert.ok(paths.some((real) => pattern(real) === pattern(path)), `${service}: ${path}`);
    }
    if (listed.length < paths.length) {
      assert.ok(doc.includes(`and ${paths.length - listed.length} more`), `${service}: ${doc}`);
    }
  }
  const permissions = classDoc("AssignedPermissionsService");
  assert.match(permissions, /`\.\.\.\/permissions`/);
  assert.ok(permissions.split("\n").length < 16, "a long list is cut short");
});

Deno.test("docs: an add the engine answers with an <action> resolves to the object sent", () => {
  const hosts = methodDoc("AffinityGroupHostsService", "add");
  assert.match(hosts, /completed `<action>`/);
  assert.match(hosts, /resolves to the object you sent/);
  assert.doesNotMatch(hosts, /as created/);
  const networks = methodDoc("NetworksService", "add");
  assert.match(networks, /resolves to it as created/);
  assert.match(networks, /`\/datacenters\/\{dataCenter\}\/iscsibonds\/\{iscsiBond\}\/networks`/);
  assert.match(networks, /resolves to the object you sent/);
  assert.doesNotMatch(methodDoc("VmsService", "add"), /<action>/);
});

Deno.test("docs: every add's doc agrees with the simulator on which adds an <action> answers", () => {
  let answered = 0;
  for (const [service, paths] of routes) {
    for (const method of SERVICES[service].methods.filter((m) => m.kind === "add")) {
      const doc = methodDoc(service, method.name);
      const byAction = paths.filter((path) => {
        const location = resolvePath(path.slice(1).replace(/\{\}/g, "1"));
        assert.ok(location, `the simulator knows ${path}`);
        return addAnsweredAsAction(location);
      });
      answered += byAction.length;
      const where = `${service}.${method.name}: "${doc}"`;
      if (byAction.length === 0) {
        assert.match(doc, /resolves to it as created/, where);
        assert.doesNotMatch(doc, /<action>/, where);
        continue;
      }
      assert.match(doc, /completed `<action>`/, where);
      assert.match(doc, /resolves to the object you sent, as you sent it/, where);
      if (byAction.length === paths.length) {
        assert.doesNotMatch(doc, /as created/, where);
      } else {
        assert.match(doc, /resolves to it as created/, where);
        const named = [...doc.matchAll(/`(\/[^`]+)`/g)].map((match) => pattern(match[1]));
        for (const path of byAction) assert.ok(named.includes(path), `${where} names ${path}`);
      }
    }
  }
  assert.ok(answered >= 7, `${answered} places`);
});

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
