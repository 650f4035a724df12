import assert from "node:assert/strict";

const TASKS_FILE = "../shared/docs/examples.md";
const tasksPresent = await Deno.stat(TASKS_FILE).then(() => true, () => false);

async function exampleScripts(): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir("examples")) {
    if (entry.isFile && entry.name.endsWith(".ts") && entry.name !== "demo.ts") {
      names.push(entry.name.slice(0, -3));
    }
  }
  return names.sort();
}

async function testedExamples(): Promise<Set<string>> {
  const tested = new Set<string>();
  for await (const entry of Deno.readDir("tests")) {
    if (!/^examples_.*\.test\.ts$/.test(entry.name)) continue;
    const text = await Deno.readTextFile(`tests/${entry.name}`);
    for (const match of text.matchAll(/exampleTest\(\s*"([a-z0-9_]+)"/g)) tested.add(match[1]);
  }
  return tested;
}

Deno.test({
  name: "every task of the examples collection has a script",
  ignore: !tasksPresent,
}, async () => {
  const text = await Deno.readTextFile(TASKS_FILE);
  const tasks = [...text.matchAll(/^- `([a-z0-9_]+)`/gm)].map((match) => match[1]);
  assert.equal(tasks.length, 113);
  const scripts = new Set(await exampleScripts());
  assert.deepEqual(tasks.filter((task) => !scripts.has(task)), [], "tasks without a script");
});

Deno.test("every example script runs in a test and documents its usage", async () => {
  const tested = await testedExamples();
  const scripts = await exampleScripts();
  assert.deepEqual(scripts.filter((name) => !tested.has(name)), [], "scripts without a test");
  for (const name of scripts) {
    const text = await Deno.readTextFile(`examples/${name}.ts`);
    assert.match(text, /^\/\*\*\n/, `examples/${name}.ts starts with a doc comment`);
    assert.match(text, /Usage: `deno run /, `examples/${name}.ts gives its usage line`);
  }
});
