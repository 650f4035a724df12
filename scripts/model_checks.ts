/**
 * Checks of the importer that span declarations: names declared twice, inherited members
 * declared again, base cycles, and names the generated code cannot hold (module files, XML
 * roots, members every object has). Each refusal names file and line.
 *
 * @module
 */

import { type JavaEnum, type JavaInterface, ModelParseError } from "./java_parser.ts";
import type { ModelStruct } from "./model_schema.ts";
import { camel, constantWords, snake, words } from "./names.ts";
import { PROTOTYPE_NAMES } from "./reserved_names.ts";

/** A model the importer refuses as a whole (no file or line to name). */
export class ModelError extends Error {
  /** Creates the error with `message`. */
  constructor(message: string) {
    super(message);
    this.name = "ModelError";
  }
}

/** A declaration and the file it is in. */
export interface Located<T> {
  /** Path of the model file. */
  path: string;
  /** The parsed declaration. */
  node: T;
}

/** Module files of `types/` that the generator writes for itself. */
const OWN_TYPE_FILES = new Set(["list", "mod", "metadata", "builders", "register"]);
/** Module files of `services/` that the generator writes for itself. */
const OWN_SERVICE_FILES = new Set(["mod", "metadata", "connection"]);

/**
 * Refuses members declared twice in one struct, a member that redeclares an inherited one
 * (the writer would send it twice), a member named like a property of every object, a cycle
 * of base structs, and two types whose generated modules or XML roots would be the same.
 */
export function checkStructs(
  files: readonly Located<JavaInterface>[],
  structs: readonly ModelStruct[],
  enums: readonly Located<JavaEnum>[],
): void {
  const byName = new Map(structs.map((struct) => [struct.name, struct]));
  const filesByName = new Map(files.map((file) => [file.node.name, file]));
  for (const { path, node } of files) {
    const own = new Map<string, number>();
    for (const item of node.members) {
      const name = camel(words(item.name));
      const first = own.get(name);
      if (first !== undefined) {
        throw new ModelParseError(
          path,
          item.line,
          1,
          `member ${name} is declared twice (line ${first})`,
        );
      }
      own.set(name, item.line);
      if (PROTOTYPE_NAMES.has(name)) {
        throw new ModelParseError(path, item.line, 1, `member ${name} is a name every object has`);
      }
    }
    const href = own.get("href");
    if (node.extends.length === 0 && href !== undefined) {
      throw new ModelParseError(path, href, 1, "member href is the one the importer gives it");
    }
    const seen = [node.name];
    for (let base: string | undefined = node.extends[0]; base; base = byName.get(base)?.base) {
      if (seen.includes(base)) {
        throw new ModelParseError(
          path,
          node.line,
          1,
          `base structs form a cycle: ${[...seen, base].join(" → ")}`,
        );
      }
      seen.push(base);
      for (const inherited of byName.get(base)?.members ?? []) {
        const line = own.get(inherited.name);
        if (line === undefined) continue;
        const where = filesByName.get(base)?.path ?? "added by the importer";
        throw new ModelParseError(
          path,
          line,
          1,
          `member ${inherited.name} redeclares the one ${node.name} inherits from ${base} ` +
            `(${where}): the XML writer would send it twice`,
        );
      }
    }
  }
  const declarations = [...files, ...enums].map(({ path, node }) => ({
    path,
    line: node.line,
    name: node.name,
  }));
  const added = structs.filter((struct) => struct.source === "added");
  for (const { path, line, name } of declarations) {
    const file = snake(words(name));
    if (OWN_TYPE_FILES.has(file)) {
      throw new ModelParseError(
        path,
        line,
        1,
        `${name}'s module types/${file}.ts is the generator's`,
      );
    }
  }
  checkUnique(
    declarations,
    (name) => [`types/${snake(words(name))}.ts`],
    "module",
    added.map((struct) => ({ name: struct.name, keys: [`types/${struct.file}.ts`] })),
  );
  checkUnique(
    declarations.filter((item) => byName.has(item.name)),
    (name) => {
      const struct = byName.get(name)!;
      return [struct.tag, struct.listTag, ...struct.listTagAliases ?? []].map((tag) => `<${tag}>`);
    },
    "XML root",
    added.map((struct) => ({
      name: struct.name,
      keys: [`<${struct.tag}>`, ...struct.name === "Action" ? [] : [`<${struct.listTag}>`]],
    })),
  );
}

/** Refuses two services whose generated modules would be the same, or the generator's own. */
export function checkServices(files: readonly Located<JavaInterface>[]): void {
  for (const { path, node } of files) {
    const file = snake(words(node.name.replace(/Service$/, "")));
    if (OWN_SERVICE_FILES.has(file)) {
      throw new ModelParseError(
        path,
        node.line,
        1,
        `${node.name}'s module services/${file}.ts is the generator's`,
      );
    }
  }
  checkUnique(
    files.map(({ path, node }) => ({ path, line: node.line, name: node.name })),
    (name) => [`services/${snake(words(name.replace(/Service$/, "")))}.ts`],
    "module",
  );
}

/**
 * Refuses a declaration that `keysOf` gives a key of another declaration (the `fixed` ones
 * are the importer's own and come first).
 */
function checkUnique(
  declarations: readonly { path: string; line: number; name: string }[],
  keysOf: (name: string) => string[],
  what: string,
  fixed: readonly { name: string; keys: string[] }[] = [],
): void {
  const owners = new Map<string, string>();
  for (const { name, keys } of fixed) for (const key of keys) owners.set(key, name);
  for (const { path, line, name } of declarations) {
    for (const key of keysOf(name)) {
      const other = owners.get(key);
      if (other !== undefined) {
        const problem = other === name
          ? `${name} is declared twice (${what} ${key})`
          : `${name}'s ${what} ${key} is also that of ${other}`;
        throw new ModelParseError(path, line, 1, problem);
      }
      owners.set(key, name);
    }
  }
}

/** Refuses an enum that lists a value twice (or two values with one wire name). */
export function checkEnums(enums: readonly Located<JavaEnum>[]): void {
  for (const { path, node } of enums) {
    const seen = new Map<string, string>();
    for (const constant of node.constants) {
      const wire = snake(constantWords(constant.name));
      const other = seen.get(wire);
      if (other !== undefined) {
        const problem = other === constant.name
          ? `value ${constant.name} is listed twice`
          : `values ${other} and ${constant.name} have one wire value, ${wire}`;
        throw new ModelParseError(path, constant.line, 1, `${node.name}: ${problem}`);
      }
      seen.set(wire, constant.name);
    }
  }
}
