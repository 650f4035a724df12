import assert from "node:assert/strict";
import { importModel } from "../scripts/import_model.ts";
import type { Model } from "../scripts/model_schema.ts";

const REPO = `${import.meta.dirname}/../`;

/** Java-legal names that are no TypeScript argument names, as the model would write them. */
const ARGUMENTS = ["in", "_interface", "_switch", "with", "arguments", "options", "yield", "let"];
/** The same for the argument of a parameterised locator. */
const LOCATOR_ARGUMENTS = ["function", "_package", "in", "arguments", "options", "eval", "var"];

/** Writes model files (path → text) below a new temp folder and returns it. */
async function modelFolder(files: Record<string, string>): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "ovirt-sdk-model-" });
  for (const [path, text] of Object.entries(files)) {
    await Deno.mkdir(`${dir}/${path.split("/").slice(0, -1).join("/")}`, { recursive: true });
    await Deno.writeTextFile(`${dir}/${path}`, text);
  }
  return dir;
}

/** A model with one collection per name: its `add` takes an argument of that name. */
function namesModel(): Record<string, string> {
  const files: Record<string, string> = {
    "types/Identified.java": "@Type\npublic interface Identified {\n    String id();\n}\n",
    "types/Job.java": "@Type\npublic interface Job extends Identified {\n}\n",
    "types/Widget.java": "@Type\npublic interface Widget extends Identified {\n}\n",
    "services/WidgetService.java": "@Service\npublic interface WidgetService {\n" +
      "    interface Get {\n        @Out Widget widget();\n    }\n}\n",
  };
  const locators: string[] = [];
  ARGUMENTS.forEach((name, index) => {
    const locator = LOCATOR_ARGUMENTS[index % LOCATOR_ARGUMENTS.length];
    files[`services/Widgets${index}Service.java`] =
      `@Service\npublic interface Widgets${index}Service {\n` +
      `    interface Add {\n        @In @Out Widget ${name}();\n    }\n` +
      `    @Service WidgetService widget(String ${locator});\n}\n`;
    locators.push(`    @Service Widgets${index}Service widgets${index}();\n`);
  });
  files["services/SystemService.java"] = `@Root\npublic interface SystemService {\n${
    locators.join("")
  }}\n`;
  return files;
}

/** Runs a script of `scripts/` in `cwd`: its exit code and standard error. */
async function runScript(
  script: string,
  args: string[],
  cwd: string,
): Promise<{ code: number; stderr: string }> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${REPO}scripts/${script}`, ...args],
    cwd,
    stdout: "null",
    stderr: "piped",
  }).output();
  return { code: output.code, stderr: new TextDecoder().decode(output.stderr) };
}

Deno.test("reserved words as argument names are escaped, and the generated code type-checks", async () => {
  const source = await modelFolder(namesModel());
  const root = await Deno.makeTempDir({ prefix: "ovirt-sdk-generated-" });
  try {
    await Deno.mkdir(`${root}/model`);
    await Deno.writeTextFile(`${root}/model/model.json`, await importModel(source));
    const generated = await runScript("generate.ts", [], root);
    assert.equal(generated.code, 0, generated.stderr);
    const widgets = await Deno.readTextFile(`${root}/services/widgets1.ts`);
    assert.match(widgets, /add\(interfaceValue: types\.Widget, options\?: CallOptions\)/);
    assert.match(widgets, /widgetService\(_package: string\): WidgetService \{/);
    const first = await Deno.readTextFile(`${root}/services/widgets0.ts`);
    assert.match(first, /add\(inValue: types\.Widget, /);
    assert.match(first, /widgetService\(functionValue: string\)/);
    const options = await Deno.readTextFile(`${root}/services/widgets5.ts`);
    assert.match(options, /add\(optionsValue: types\.Widget, options\?: CallOptions\)/);
    // The generated modules import the runtime from ../transport.
    await Deno.symlink(`${REPO}transport`, `${root}/transport`);
    const check = await new Deno.Command(Deno.execPath(), {
      args: ["check", "--quiet", "services/mod.ts", "types/mod.ts"],
      cwd: root,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.ok(check.success, new TextDecoder().decode(check.stderr));
  } finally {
    await Deno.remove(source, { recursive: true });
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("import-model refuses a folder without model files and leaves model.json alone", async () => {
  const root = await Deno.makeTempDir({ prefix: "ovirt-sdk-import-" });
  try {
    await Deno.mkdir(`${root}/model`);
    await Deno.mkdir(`${root}/empty/docs`, { recursive: true });
    await Deno.writeTextFile(`${root}/empty/docs/README.md`, "not a model\n");
    await Deno.writeTextFile(`${root}/model/model.json`, '{ "kept": true }\n');
    const result = await runScript("import_model.ts", ["empty"], root);
    assert.equal(result.code, 1);
    assert.equal(
      result.stderr,
      "import-model: no @Root service among 0 model files: is this the model's folder?\n",
    );
    assert.equal(await Deno.readTextFile(`${root}/model/model.json`), '{ "kept": true }\n');
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("import-model prints a refusal on one line, without a stack", async () => {
  const files = namesModel();
  files["services/WidgetService.java"] = "@Service\npublic interface WidgetService {\n" +
    "    interface Update {\n        @In Widget widget();\n    }\n}\n";
  const source = await modelFolder(files);
  const root = await Deno.makeTempDir({ prefix: "ovirt-sdk-import-" });
  try {
    const result = await runScript("import_model.ts", [source], root);
    assert.equal(result.code, 1);
    assert.equal(
      result.stderr,
      "import-model: services/WidgetService.java:3:1: Update has no @In @Out parameter\n",
    );
    await assert.rejects(() => Deno.stat(`${root}/model`), Deno.errors.NotFound);
  } finally {
    await Deno.remove(source, { recursive: true });
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("generate prints a refusal of a hand-edited model on one line, and writes nothing", async () => {
  const source = await modelFolder(namesModel());
  const root = await Deno.makeTempDir({ prefix: "ovirt-sdk-generated-" });
  try {
    const model = JSON.parse(await importModel(source)) as Model;
    const identified = model.structs.find((struct) => struct.name === "Identified")!;
    identified.base = "Widget";
    await Deno.mkdir(`${root}/model`);
    await Deno.writeTextFile(`${root}/model/model.json`, JSON.stringify(model));
    const cycle = await runScript("generate.ts", [], root);
    assert.equal(cycle.code, 1);
    assert.equal(
      cycle.stderr,
      "generate: base structs form a cycle: Identified → Widget → Identified\n",
    );
    delete identified.base;
    model.structs.find((struct) => struct.name === "Widget")!.tag = "job";
    await Deno.writeTextFile(`${root}/model/model.json`, JSON.stringify(model));
    const clash = await runScript("generate.ts", [], root);
    assert.equal(clash.code, 1);
    assert.equal(clash.stderr, "generate: root tag <job> of Widget is also the root of Job\n");
    assert.deepEqual([...Deno.readDirSync(root)].map((entry) => entry.name), ["model"]);
  } finally {
    await Deno.remove(source, { recursive: true });
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("the model version comes from SOURCE.md, else from upstream's pom.xml", async () => {
  const files = namesModel();
  const pom = "<project>\n  <parent>\n    <version>9.9.9</version>\n  </parent>\n" +
    "  <artifactId>model</artifactId>\n  <version>4.6.2-SNAPSHOT</version>\n" +
    "  <dependencies>\n    <dependency><version>1.2.3</version></dependency>\n" +
    "  </dependencies>\n</project>\n";
  const upstream = await modelFolder({ ...files, "pom.xml": pom });
  const copy = await modelFolder({
    ...files,
    "pom.xml": pom,
    "SOURCE.md": "# oVirt Engine API model, version 4.6.1\n",
  });
  try {
    const version = async (dir: string) => (JSON.parse(await importModel(dir)) as Model).source;
    assert.equal(await version(upstream), "ovirt-engine-api-model 4.6.2-SNAPSHOT");
    assert.equal(await version(copy), "ovirt-engine-api-model 4.6.1");
  } finally {
    await Deno.remove(upstream, { recursive: true });
    await Deno.remove(copy, { recursive: true });
  }
});
