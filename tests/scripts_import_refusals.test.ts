import assert from "node:assert/strict";
import { importModel } from "../scripts/import_model.ts";
import type { Model } from "../scripts/model_schema.ts";

/**
 * A small model, file by file: a root service with one collection of `Widget`s, their
 * service with an action and an update, and a `Follow` mixin. Each test changes one file.
 */
const BASE: Readonly<Record<string, string>> = {
  "types/Identified.java": "@Type\npublic interface Identified {\n" +
    "    String id();\n    String name();\n    String description();\n}\n",
  "types/Job.java": "@Type\npublic interface Job extends Identified {\n    String status();\n}\n",
  "types/Widget.java": "@Type\npublic interface Widget extends Identified {\n" +
    "    Integer size();\n    WidgetKind kind();\n}\n",
  "types/WidgetKind.java": "@Type\npublic enum WidgetKind {\n    SMALL,\n    LARGE;\n}\n",
  "mixins/Follow.java": "@Mixin\npublic interface Follow {\n    @In String follow();\n}\n",
  "services/SystemService.java": "@Root\npublic interface SystemService {\n" +
    "    @Service WidgetsService widgets();\n}\n",
  "services/WidgetsService.java": "@Service\npublic interface WidgetsService {\n" +
    "    interface List extends Follow {\n        @Out Widget[] widgets();\n    }\n" +
    "    @Service WidgetService widget(String id);\n}\n",
  "services/WidgetService.java": "@Service\npublic interface WidgetService {\n" +
    "    interface Update {\n        @In @Out Widget widget();\n    }\n" +
    "    interface Polish {\n        @In Boolean force();\n    }\n}\n",
};

/** Imports BASE with `changes` (a file's new text, or "" to leave it out) from a temp folder. */
async function importWith(changes: Record<string, string> = {}): Promise<Model> {
  const dir = await Deno.makeTempDir({ prefix: "ovirt-sdk-model-" });
  try {
    for (const [path, text] of Object.entries({ ...BASE, ...changes })) {
      if (text === "") continue;
      await Deno.mkdir(`${dir}/${path.split("/")[0]}`, { recursive: true });
      await Deno.writeTextFile(`${dir}/${path}`, text);
    }
    return JSON.parse(await importModel(dir)) as Model;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Asserts that importing BASE with `changes` is refused with a message matching `expected`. */
async function refused(changes: Record<string, string>, expected: RegExp): Promise<void> {
  await assert.rejects(() => importWith(changes), (error: unknown) => {
    assert.ok(error instanceof Error);
    assert.match(error.message, expected);
    return true;
  });
}

const widget = (extra: string) =>
  "@Type\npublic interface Widget extends Identified {\n" +
  `    Integer size();\n    WidgetKind kind();\n${extra}}\n`;
const widgetService = (extra: string) =>
  "@Service\npublic interface WidgetService {\n" +
  "    interface Update {\n        @In @Out Widget widget();\n    }\n" +
  `    interface Polish {\n        @In Boolean force();\n    }\n${extra}}\n`;

Deno.test("the small model imports, with the action parameters in Action", async () => {
  const model = await importWith();
  assert.deepEqual(model.services.map((service) => service.name), [
    "SystemService",
    "WidgetService",
    "WidgetsService",
  ]);
  const action = model.structs.find((struct) => struct.name === "Action");
  assert.ok(action?.members.some((member) => member.name === "force"));
  const list = model.services[2].methods.find((method) => method.name === "list");
  assert.deepEqual(list?.parameters.map((parameter) => parameter.name), ["follow", "widgets"]);
});

Deno.test("a model without Identified, which the importer's Action extends, is refused", async () => {
  await refused(
    {
      "types/Identified.java": "",
      "types/Job.java": "@Type\npublic interface Job {\n}\n",
      "types/Widget.java": widget("").replace(" extends Identified", ""),
    },
    /^no Identified struct, which Action extends$/,
  );
});

Deno.test("a member that redeclares an inherited one is refused (the writer would send it twice)", async () => {
  await refused(
    { "types/Widget.java": widget("    String name();\n") },
    /^types\/Widget\.java:5:1: member name redeclares the one Widget inherits from Identified/,
  );
  await refused(
    { "types/Widget.java": widget("    Integer name();\n") },
    /^types\/Widget\.java:5:1: member name redeclares/,
  );
});

Deno.test("a member or an enum value declared twice is refused", async () => {
  await refused(
    {
      "types/Identified.java": BASE["types/Identified.java"].replace(
        "String id();",
        "String id();\n    String href();",
      ),
    },
    /^types\/Identified\.java:4:1: member href is the one the importer gives it$/,
  );
  await refused(
    { "types/Widget.java": widget("    String _size();\n") },
    /^types\/Widget\.java:5:1: member size is declared twice \(line 3\)/,
  );
  await refused(
    { "types/WidgetKind.java": "@Type\npublic enum WidgetKind {\n    SMALL,\n    SMALL;\n}\n" },
    /^types\/WidgetKind\.java:4:1: WidgetKind: value SMALL is listed twice/,
  );
});

Deno.test("a method extending an unknown mixin is refused; a signature may extend its method", async () => {
  await refused(
    {
      "services/WidgetsService.java": BASE["services/WidgetsService.java"].replace(
        "extends Follow",
        "extends Folow",
      ),
    },
    /^services\/WidgetsService\.java:3:1: List extends Folow, which is no @Mixin/,
  );
  const model = await importWith({
    "services/WidgetService.java": widgetService(
      "    interface Shine {\n        @In Boolean force();\n" +
        "        interface Softly extends Shine {\n            @In Integer speed();\n        }\n    }\n",
    ),
  });
  const softly = model.services.find((service) => service.name === "WidgetService")?.methods
    .find((method) => method.name === "shineSoftly");
  assert.deepEqual(softly?.parameters.map((parameter) => parameter.name), ["force", "speed"]);
});

Deno.test("refusals that used to end in a stack trace name file and line", async () => {
  await refused(
    {
      "services/WidgetService.java": widgetService(
        "    interface Buff {\n        @In Integer force();\n    }\n",
      ),
    },
    /^services\/WidgetService\.java:10:1: action parameter force has type Integer here and Boolean/,
  );
  await refused(
    {
      "services/WidgetService.java": BASE["services/WidgetService.java"].replace(
        "@In @Out Widget",
        "@In Widget",
      ),
    },
    /^services\/WidgetService\.java:3:1: Update has no @In @Out parameter/,
  );
  await refused(
    { "types/List.java": "@Type\npublic interface List {\n    String label();\n}\n" },
    /^types\/List\.java:2:1: List's module types\/list\.ts is the generator's/,
  );
  await refused(
    {
      "types/Migration.java": "@Type\npublic interface Migration extends Identified {\n}\n",
      "types/MigrationOptions.java": "@Type\npublic interface MigrationOptions {\n}\n",
    },
    /^types\/MigrationOptions\.java:2:1: MigrationOptions's XML root <migration> is also that of Migration$/,
  );
  await refused(
    {
      "types/CycleA.java": "@Type\npublic interface CycleA extends CycleB {\n}\n",
      "types/CycleB.java": "@Type\npublic interface CycleB extends CycleA {\n}\n",
    },
    /^types\/CycleA\.java:2:1: base structs form a cycle: CycleA → CycleB → CycleA/,
  );
  await refused(
    { "services/Widgets2Service.java": "@Service\npublic interface Widgets_Service {\n}\n" },
    /^services\/WidgetsService\.java:2:1: WidgetsService's module services\/widgets\.ts is also that of Widgets_Service$/,
  );
});

Deno.test("names the generated TypeScript cannot hold are refused with file and line", async () => {
  await refused(
    { "types/Widget.java": widget("    String constructor();\n") },
    /^types\/Widget\.java:5:1: member constructor is a name every object has/,
  );
  await refused(
    { "types/Widget.java": widget("    String toString();\n") },
    /^types\/Widget\.java:5:1: member toString is a name every object has/,
  );
  await refused(
    { "services/WidgetService.java": widgetService("    interface Constructor {\n    }\n") },
    /^services\/WidgetService\.java:9:1: method constructor would shadow/,
  );
  await refused(
    { "services/WidgetService.java": widgetService("    interface Invoke {\n    }\n") },
    /^services\/WidgetService\.java:9:1: method invoke would shadow/,
  );
  for (const name of ["retry", "headers", "signal"]) {
    await refused(
      {
        "services/WidgetService.java": widgetService(
          `    interface Buff {\n        @In Boolean ${name}();\n    }\n`,
        ),
      },
      new RegExp(
        `^services/WidgetService\\.java:10:1: parameter ${name} would shadow the call option`,
      ),
    );
  }
  await refused(
    {
      "services/WidgetService.java": widgetService(
        "    interface Buff {\n        @In Boolean correlationId();\n    }\n",
      ),
    },
    /^services\/WidgetService\.java:10:1: parameter correlationId would shadow/,
  );
});

Deno.test("a name whose XML tag is a property of every object keeps its tag", async () => {
  const model = await importWith({
    "types/Widget.java": widget("    String[] constructors();\n"),
    "types/Constructor.java": "@Type\npublic interface Constructor extends Identified {\n}\n",
  });
  const struct = model.structs.find((item) => item.name === "Constructor");
  assert.deepEqual([struct?.tag, struct?.listTag], ["constructor", "constructors"]);
  const members = model.structs.find((item) => item.name === "Widget")?.members ?? [];
  const constructors = members.find((member) => member.name === "constructors");
  assert.deepEqual([constructors?.tag, constructors?.item], ["constructors", "constructor"]);
});

Deno.test("parameters and main-object members named like the CLI's own flags are refused", async () => {
  for (
    const [name, flag] of [["wait", "wait"], ["waitTimeout", "wait-timeout"], ["help", "help"]]
  ) {
    await refused(
      {
        "services/WidgetService.java": widgetService(
          `    interface Buff {\n        @In Boolean ${name}();\n    }\n`,
        ),
      },
      new RegExp(`^services/WidgetService\\.java:10:1: parameter ${name} of buff .*--${flag}$`),
    );
  }
  await refused(
    { "types/Widget.java": widget("    Boolean wait();\n") },
    /^types\/Widget\.java:5:1: member wait of Widget, the object of WidgetService\.update, .*--wait$/,
  );
});
