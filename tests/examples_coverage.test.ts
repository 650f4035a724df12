import assert from "node:assert/strict";
import { exampleScripts } from "./example_harness.ts";

const TASKS_FILE = "../shared/docs/examples.md";
const tasksPresent = await Deno.stat(TASKS_FILE).then(() => true, () => false);

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

/** The first paragraph of an example's doc comment, on one line. */
async function headerOf(name: string): Promise<string> {
  const text = await Deno.readTextFile(`examples/${name}.ts`);
  const lines = text.split("\n").slice(1);
  const paragraph = lines.slice(0, lines.findIndex((line) => !line.startsWith(" * ")));
  return paragraph.map((line) => line.slice(3)).join(" ");
}

/** `text` without parenthetical remarks, with spaces as in running text. */
function plain(text: string): string {
  let previous;
  do {
    previous = text;
    text = text.replace(/\s*\([^()]*\)/g, "");
  } while (text !== previous);
  return text.replace(/\s+/g, " ").replace(/ ([,;:.])/g, "$1").trim();
}

Deno.test("the README's examples table describes each example with the start of its header", async () => {
  const readme = await Deno.readTextFile("README.md");
  const section = readme.slice(
    readme.indexOf("\n## Examples\n"),
    readme.indexOf("\n## Performance\n"),
  );
  const rows = [...section.matchAll(/^\| \[`([a-z0-9_]+)`\]\(examples\/\1\.ts\) +\| (.*?) +\|$/gm)];
  assert.deepEqual(rows.map((row) => row[1]).sort(), await exampleScripts(), "one row per example");
  for (const [, name, description] of rows) {
    // Not cut after an abbreviation ("e.g") or with an ellipsis.
    assert.doesNotMatch(description, /\b(e\.g|i\.e|etc)\.?$|\.\.\.$/, `${name}: ${description}`);
    const header = plain(await headerOf(name));
    const wanted = plain(description);
    assert.ok(header.startsWith(wanted), `${name}: "${description}" does not start its header`);
    // It ends where a clause of the header ends.
    assert.match(header.slice(wanted.length), /^([.,;:]|$)/, `${name}: "${description}" is cut`);
  }
});
