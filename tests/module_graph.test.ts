import assert from "node:assert/strict";

/** Module URL -> the URLs it imports (values and types alike), as `deno info` sees them. */
type Graph = Map<string, Set<string>>;

const ROOT = new URL("../", import.meta.url).href;
const ENTRY_POINTS = ["mod.ts", "testing/mod.ts", "cli/main.ts"];

/** The import graph of every entry point, merged. */
async function moduleGraph(): Promise<Graph> {
  const graph: Graph = new Map();
  for (const entry of ENTRY_POINTS) {
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json", new URL(entry, ROOT).pathname],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
    const info = JSON.parse(new TextDecoder().decode(output.stdout));
    for (const module of info.modules) {
      const imports = graph.get(module.specifier) ?? new Set<string>();
      for (const dependency of module.dependencies ?? []) {
        for (const kind of ["code", "type"]) {
          const target = dependency[kind]?.specifier;
          if (target) imports.add(target);
        }
      }
      graph.set(module.specifier, imports);
    }
  }
  return graph;
}

/** A module's path relative to the repository, or `undefined` outside it. */
function local(url: string): string | undefined {
  return url.startsWith(ROOT) ? url.slice(ROOT.length) : undefined;
}

const isGenerated = (path: string) => path.startsWith("types/") || path.startsWith("services/");

/** The strongly connected groups of more than one hand-written module (Tarjan). */
function importCycles(graph: Graph): string[][] {
  const handWritten = (url: string) => {
    const path = local(url);
    return path !== undefined && !isGenerated(path);
  };
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (module: string) => {
    index.set(module, index.size);
    low.set(module, index.get(module)!);
    stack.push(module);
    onStack.add(module);
    for (const next of graph.get(module) ?? []) {
      if (!handWritten(next)) continue;
      if (!index.has(next)) {
        visit(next);
        low.set(module, Math.min(low.get(module)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(module, Math.min(low.get(module)!, index.get(next)!));
      }
    }
    if (low.get(module) !== index.get(module)) return;
    const group: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      group.push(local(member)!);
    } while (member !== module);
    if (group.length > 1) cycles.push(group.sort());
  };
  for (const module of graph.keys()) {
    if (handWritten(module) && !index.has(module)) visit(module);
  }
  return cycles;
}

Deno.test("module graph: the runtime (transport/) imports no generated module, not even a type", async () => {
  const graph = await moduleGraph();
  const runtime = [...graph.keys()].filter((url) => local(url)?.startsWith("transport/"));
  assert.ok(runtime.length > 30, "the graph holds the runtime's modules");
  const offending = runtime.flatMap((url) =>
    [...graph.get(url)!].filter((target) => isGenerated(local(target) ?? "")).map((target) =>
      `${local(url)} -> ${local(target)}`
    )
  );
  assert.deepEqual(offending, []);
});

Deno.test("module graph: no import cycle among the hand-written modules", async () => {
  const graph = await moduleGraph();
  assert.ok([...graph.keys()].some((url) => local(url)?.startsWith("testing/")));
  assert.deepEqual(importCycles(graph), []);
});
