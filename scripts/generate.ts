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
  renderBuilders,
  renderEnum,
  renderList,
  renderMetadata,
  renderRegistration,
  renderStruct,
  renderTypesIndex,
} from "./generate_types.ts";
import {
  flattenServices,
  renderConnection,
  renderService,
  renderServiceMetadata,
  renderServicesIndex,
} from "./generate_services.ts";
import { serviceRoutes } from "./service_paths.ts";

/** The folders the generator owns entirely. */
export const GENERATED_DIRS = ["types", "services"] as const;

/** Renders every generated file: relative path → unformatted content. */
export function render(model: Model): Map<string, string> {
  const files = new Map<string, string>();
  for (const struct of model.structs) {
    files.set(`types/${struct.file}.ts`, renderStruct(struct, model));
  }
  for (const enumeration of model.enums) {
    files.set(`types/${enumeration.file}.ts`, renderEnum(enumeration));
  }
  files.set("types/list.ts", renderList());
  files.set("types/mod.ts", renderTypesIndex(model));
  files.set("types/metadata.ts", renderMetadata(model));
  files.set("types/builders.ts", renderBuilders(model));
  files.set("types/register.ts", renderRegistration());
  const flat = flattenServices(model);
  const routes = serviceRoutes(model.services, (name) => flat.get(name)!.locators);
  for (const service of model.services) {
    files.set(`services/${service.file}.ts`, renderService(flat.get(service.name)!, flat, routes));
  }
  files.set("services/mod.ts", renderServicesIndex(model, flat));
  files.set("services/metadata.ts", renderServiceMetadata(model, flat));
  files.set("services/connection.ts", renderConnection(model));
  if (files.size !== model.structs.length + model.enums.length + model.services.length + 8) {
    throw new Error("two generated modules share a file name");
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
    throw new Error(`deno fmt failed: ${new TextDecoder().decode(output.stderr)}`);
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

if (import.meta.main) {
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
