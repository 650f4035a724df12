/**
 * Generates `types/` and `services/` from `model/model.json`.
 *
 * Usage: `deno task generate` writes the files (and removes stale ones);
 * `deno task generate --check` only reports whether the committed files are up to date.
 *
 * @module
 */

import type { Model } from "./model_schema.ts";
import {
  checkWideIntegers,
  renderBuilders,
  renderEnum,
  renderList,
  renderMetadata,
  renderRegistration,
  renderStruct,
  renderTypesIndex,
} from "./generate_types.ts";
import {
  checkParameterTables,
  flattenServices,
  renderConnection,
  renderService,
  renderServiceMetadata,
  renderServicesIndex,
} from "./generate_services.ts";
import { serviceRoutes } from "./service_paths.ts";
import { GenerateError } from "./generate_error.ts";

/** The folders the generator owns entirely. */
export const GENERATED_DIRS = ["types", "services"] as const;

/** Renders every generated file: relative path → unformatted content. */
export function render(model: Model): Map<string, string> {
  if (model.services.filter((service) => service.root).length !== 1) {
    throw new GenerateError("the model needs exactly one root service (re-import it)");
  }
  const files = new Map<string, string>();
  const owners = new Map<string, string>();
  const set = (path: string, owner: string, content: () => string) => {
    const other = owners.get(path);
    if (other) throw new GenerateError(`${owner} and ${other} would both be generated as ${path}`);
    owners.set(path, owner);
    files.set(path, content());
  };
  checkWideIntegers(model);
  set("types/list.ts", "the List type", renderList);
  set("types/mod.ts", "the types index", () => renderTypesIndex(model));
  set("types/metadata.ts", "the types metadata", () => renderMetadata(model));
  set("types/builders.ts", "the builders", () => renderBuilders(model));
  set("types/register.ts", "the registration", renderRegistration);
  for (const struct of model.structs) {
    set(`types/${struct.file}.ts`, `struct ${struct.name}`, () => renderStruct(struct, model));
  }
  for (const enumeration of model.enums) {
    set(`types/${enumeration.file}.ts`, `enum ${enumeration.name}`, () => renderEnum(enumeration));
  }
  const flat = flattenServices(model);
  checkParameterTables(flat);
  const routes = serviceRoutes(model.services, (name) => flat.get(name)!.locators);
  set("services/mod.ts", "the services index", () => renderServicesIndex(model, flat));
  set("services/metadata.ts", "the services metadata", () => renderServiceMetadata(model, flat));
  set("services/connection.ts", "the connection", () => renderConnection(model));
  for (const service of model.services) {
    set(
      `services/${service.file}.ts`,
      `service ${service.name}`,
      () => renderService(flat.get(service.name)!, flat, routes),
    );
  }
  return files;
}

async function formatDir(dir: string): Promise<void> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["fmt", "--quiet", "--no-config", "--line-width=100", dir],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!output.success) {
    const problem = new TextDecoder().decode(output.stderr).trim().split("\n")[0];
    throw new GenerateError(
      `the generated code does not parse (a bug or a name to refuse): ${problem}`,
    );
  }
}

async function readDirFiles(root: string, dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  try {
    for await (const entry of Deno.readDir(`${root}/${dir}`)) {
      if (entry.isFile) {
        files.set(`${dir}/${entry.name}`, await Deno.readTextFile(`${root}/${dir}/${entry.name}`));
      }
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return files;
}

/** Renders and formats every generated file into a fresh temporary folder. */
async function renderFormatted(model: Model): Promise<Map<string, string>> {
  const temp = await Deno.makeTempDir({ prefix: "ovirt-sdk-generate-" });
  try {
    for (const dir of GENERATED_DIRS) await Deno.mkdir(`${temp}/${dir}`);
    for (const [path, content] of render(model)) {
      await Deno.writeTextFile(`${temp}/${path}`, content);
    }
    await formatDir(temp);
    const result = new Map<string, string>();
    for (const dir of GENERATED_DIRS) {
      for (const [path, content] of await readDirFiles(temp, dir)) result.set(path, content);
    }
    return result;
  } finally {
    await Deno.remove(temp, { recursive: true });
  }
}

/** Compares the generated files with the ones in `root`: the paths that differ. */
export async function outdatedFiles(model: Model, root = "."): Promise<string[]> {
  const expected = await renderFormatted(model);
  const actual = new Map<string, string>();
  for (const dir of GENERATED_DIRS) {
    for (const [path, content] of await readDirFiles(root, dir)) actual.set(path, content);
  }
  const paths = new Set([...expected.keys(), ...actual.keys()]);
  return [...paths].filter((path) => expected.get(path) !== actual.get(path)).sort();
}

async function write(model: Model, root = "."): Promise<number> {
  const expected = await renderFormatted(model);
  for (const dir of GENERATED_DIRS) {
    await Deno.mkdir(`${root}/${dir}`, { recursive: true });
    for (const path of (await readDirFiles(root, dir)).keys()) {
      if (!expected.has(path)) await Deno.remove(`${root}/${path}`);
    }
  }
  for (const [path, content] of expected) await Deno.writeTextFile(`${root}/${path}`, content);
  return expected.size;
}

/** Runs the command line: writes the files, or with `--check` compares them. */
async function main(): Promise<void> {
  const model = JSON.parse(await Deno.readTextFile("model/model.json")) as Model;
  if (Deno.args.includes("--check")) {
    const outdated = await outdatedFiles(model);
    if (outdated.length > 0) {
      console.error(
        `Generated code is out of date (${outdated.length} files, e.g. ${outdated[0]}): ` +
          "run `deno task generate` and commit the result.",
      );
      Deno.exit(1);
    }
  } else {
    console.log(`Generated ${await write(model)} files in ${GENERATED_DIRS.join(" and ")}/.`);
  }
}

if (import.meta.main) {
  await main().catch((error: unknown) => {
    if (!(error instanceof GenerateError)) throw error;
    console.error(`generate: ${error.message}`);
    Deno.exit(1);
  });
}
