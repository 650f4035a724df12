/**
 * Renders `types/`: one module per struct and enum, the `List` type, the barrel
 * `types/mod.ts`, the XML metadata tables `types/metadata.ts` and the object builders of
 * the XML reader `types/builders.ts`.
 *
 * @module
 */

import type { Model, ModelEnum, ModelMember, ModelStruct } from "./model_schema.ts";
import {
  DEPRECATED_TAG,
  docBlock,
  docLines,
  GENERATED_HEADER,
  tsValueType,
} from "./generate_common.ts";
import { GenerateError } from "./generate_error.ts";
import { WIDE_INTEGERS } from "./engine_facts.ts";

/** Renders the module of one struct. */
export function renderStruct(struct: ModelStruct, model: Model): string {
  const structs = new Map(model.structs.map((item) => [item.name, item]));
  const enums = new Map(model.enums.map((item) => [item.name, item]));
  const imports = new Set<string>();
  let usesList = false;
  if (struct.base) imports.add(struct.base);
  for (const member of struct.members) {
    if (member.kind === "struct" || member.kind === "enum") imports.add(member.type);
    if (member.list) usesList = true;
  }
  imports.delete(struct.name);
  const lines = [GENERATED_HEADER, ""];
  if (usesList) lines.push(`import type { List } from "./list.ts";`);
  for (const name of [...imports].sort()) {
    const file = structs.get(name)?.file ?? enums.get(name)?.file;
    lines.push(`import type { ${name} } from "./${file}.ts";`);
  }
  if (lines.length > 2) lines.push("");
  lines.push("/**");
  lines.push(
    ` * The \`${struct.name}\` type: XML \`<${struct.tag}>\`, lists \`<${struct.listTag}>\`.`,
  );
  if (struct.deprecated) lines.push(" *", ` * ${DEPRECATED_TAG}`);
  lines.push(" */");
  const extendsClause = struct.base ? ` extends ${struct.base}` : "";
  lines.push(`export interface ${struct.name}${extendsClause} {`);
  for (const member of struct.members) {
    lines.push(...docBlock(docLines(memberDoc(member), member.deprecated), "  "));
    const type = member.kind === "integer" ? INTEGER_TS : tsValueType(member.kind, member.type, "");
    lines.push(`  ${member.tsName}?: ${member.list ? `List<${type}>` : type};`);
  }
  lines.push("}", "");
  return lines.join("\n");
}

/**
 * The type of an Integer member: the reader gives a `number` when the value is a safe
 * integer and a `bigint` beyond ±(2^53 - 1), so that memory and byte counters are exact.
 */
const INTEGER_TS = "number | bigint";

function memberDoc(member: ModelMember): string {
  const where = member.attribute ? `attribute \`${member.tag}\`` : `\`<${member.tag}>\``;
  const what = member.kind === "struct" || member.kind === "enum"
    ? `{@link ${member.type}}`
    : member.kind === "integer"
    ? "Integer (a `bigint` beyond ±2^53)"
    : member.type;
  if (member.link && member.list) {
    return `Link to a collection of ${what} (\`<link rel="${member.rel}">\`, or inline when followed).`;
  }
  if (member.link) return `Link to a ${what}: a reference (\`id\`, \`href\`) unless followed.`;
  if (member.list) return `List of ${what}, ${where} holding \`<${member.item}>\` items.`;
  return `${what}, ${where}.`;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Renders the module of one enum. */
export function renderEnum(enumeration: ModelEnum): string {
  const lines = [GENERATED_HEADER, ""];
  lines.push(`/**`);
  lines.push(` * The \`${enumeration.name}\` enum: member names map to the wire values.`);
  if (enumeration.deprecated) lines.push(" *", ` * ${DEPRECATED_TAG}`);
  lines.push(` */`);
  lines.push(`export const ${enumeration.name} = {`);
  for (const value of enumeration.values) {
    const key = IDENTIFIER.test(value.name) ? value.name : JSON.stringify(value.name);
    if (value.deprecated) lines.push(`  /** ${DEPRECATED_TAG} */`);
    lines.push(`  ${key}: ${JSON.stringify(value.wire)},`);
  }
  lines.push(`} as const;`, "");
  lines.push(
    `/** A \`${enumeration.name}\` wire value, e.g. \`${enumeration.values[0]?.wire}\`. */`,
  );
  lines.push(
    `export type ${enumeration.name} = (typeof ${enumeration.name})[keyof typeof ${enumeration.name}];`,
  );
  lines.push("");
  return lines.join("\n");
}

/** Renders `types/list.ts`. */
export function renderList(): string {
  return [
    GENERATED_HEADER,
    "",
    "/**",
    " * A list value of the API: its items, plus the `href` of the collection when the",
    " * server sent the list as a link (then the list is empty until followed).",
    " */",
    "export type List<T> = T[] & { href?: string };",
    "",
  ].join("\n");
}

/** Renders `types/mod.ts`, re-exporting every type and enum. */
export function renderTypesIndex(model: Model): string {
  const lines = [
    GENERATED_HEADER,
    "",
    "/**",
    ` * Every type of the oVirt API model (${model.source}): one interface per struct,`,
    " * and for each enum a const object plus a type of the same name.",
    " *",
    " * @module",
    " */",
    "",
    `export type { List } from "./list.ts";`,
  ];
  const entries = [
    ...model.structs.map((item) => ({ name: item.name, file: item.file, value: false })),
    ...model.enums.map((item) => ({ name: item.name, file: item.file, value: true })),
  ].sort((a, b) => a.name < b.name ? -1 : 1);
  for (const entry of entries) {
    lines.push(`export ${entry.value ? "" : "type "}{ ${entry.name} } from "./${entry.file}.ts";`);
  }
  lines.push("");
  return lines.join("\n");
}

/**
 * Refuses an entry of {@link WIDE_INTEGERS} that names no integer member of the model (renamed
 * or gone since the entry was written). A model with none of the structs named (a small one,
 * for tests) has nothing to check.
 */
export function checkWideIntegers(model: Model): void {
  const structs = new Map(model.structs.map((struct) => [struct.name, struct]));
  const named = Object.keys(WIDE_INTEGERS);
  if (!named.some((name) => structs.has(name))) return;
  for (const name of named) {
    for (const tag of Object.keys(WIDE_INTEGERS[name])) {
      const member = structs.get(name)?.members.find((candidate) => candidate.tag === tag);
      if (member?.kind !== "integer") {
        throw new GenerateError(`${name}.${tag}: no such integer member in the model`);
      }
    }
  }
}

function memberMeta(struct: ModelStruct, member: ModelMember): string {
  const fields = [`name: ${JSON.stringify(member.tsName)}`, `tag: ${JSON.stringify(member.tag)}`];
  fields.push(`kind: ${JSON.stringify(member.kind)}`);
  if (member.kind === "struct" || member.kind === "enum") {
    fields.push(`type: ${JSON.stringify(member.type)}`);
  }
  if (member.list) fields.push(`list: true`, `item: ${JSON.stringify(member.item)}`);
  if (member.link) fields.push(`link: true`);
  if (member.rel) fields.push(`rel: ${JSON.stringify(member.rel)}`);
  if (member.attribute) fields.push(`attribute: true`);
  const wide = WIDE_INTEGERS[struct.name]?.[member.tag];
  if (wide !== undefined && member.kind === "integer") fields.push(`range: "${wide}"`);
  return `{ ${fields.join(", ")} }`;
}

/**
 * Renders `types/register.ts`: hands the model's tables and builders to the XML runtime,
 * which imports nothing generated. Imported by the API root's service and the barrels.
 */
export function renderRegistration(): string {
  return [
    GENERATED_HEADER,
    "",
    "/**",
    " * Registers this model's XML tables and object builders with the XML reader and writer",
    " * (`MODEL_SCHEMA`). Importing the module is enough; `mod.ts`, `testing/mod.ts` and the API",
    " * root's service do.",
    " *",
    " * @module",
    " */",
    "",
    `import { MODEL_SCHEMA } from "../transport/xml/schema.ts";`,
    `import { BUILDERS } from "./builders.ts";`,
    `import { ROOTS, STRUCTS } from "./metadata.ts";`,
    "",
    "MODEL_SCHEMA.register(STRUCTS, ROOTS, BUILDERS);",
    "",
  ].join("\n");
}

/** Renders `types/metadata.ts`: the tables the XML reader and writer walk. */
export function renderMetadata(model: Model): string {
  const lines = [
    GENERATED_HEADER,
    "",
    "/**",
    " * Per-type XML metadata: for each struct its tags and members, for each enum its",
    " * wire values, and what each document root tag stands for.",
    " *",
    " * @module",
    " */",
    "",
    `import type { EnumMeta, RootMeta, StructMeta } from "../transport/xml/metadata.ts";`,
    "",
    "/** Every struct of the model, by name. */",
    "export const STRUCTS: Readonly<Record<string, StructMeta>> = {",
  ];
  for (const struct of model.structs) {
    lines.push(`  ${struct.name}: {`);
    lines.push(`    name: ${JSON.stringify(struct.name)},`);
    if (struct.base) lines.push(`    base: ${JSON.stringify(struct.base)},`);
    lines.push(`    tag: ${JSON.stringify(struct.tag)},`);
    lines.push(`    listTag: ${JSON.stringify(struct.listTag)},`);
    lines.push(`    members: [`);
    for (const member of struct.members) lines.push(`      ${memberMeta(struct, member)},`);
    lines.push(`    ],`);
    lines.push(`  },`);
  }
  lines.push("};", "");
  lines.push("/** Every enum of the model, by name. */");
  lines.push("export const ENUMS: Readonly<Record<string, EnumMeta>> = {");
  for (const enumeration of model.enums) {
    const values = enumeration.values.map((value) => JSON.stringify(value.wire)).join(", ");
    lines.push(
      `  ${enumeration.name}: { name: ${JSON.stringify(enumeration.name)}, values: [${values}] },`,
    );
  }
  lines.push("};", "");
  lines.push("/** What each document root tag stands for: a struct, or a list of it. */");
  lines.push("export const ROOTS: Readonly<Record<string, RootMeta>> = {");
  for (const [root, meta] of rootTags(model)) {
    lines.push(
      `  ${JSON.stringify(root)}: { type: ${JSON.stringify(meta.type)}, list: ${meta.list} },`,
    );
  }
  lines.push("};", "");
  return lines.join("\n");
}

function rootTags(model: Model): [string, { type: string; list: boolean }][] {
  const roots = new Map<string, { type: string; list: boolean }>();
  const add = (root: string, type: string, list: boolean) => {
    const existing = roots.get(root);
    if (existing) {
      throw new GenerateError(`root tag <${root}> of ${type} is also the root of ${existing.type}`);
    }
    roots.set(root, { type, list });
  };
  for (const struct of model.structs) {
    add(struct.tag, struct.name, false);
    if (struct.name !== "Action") add(struct.listTag, struct.name, true);
    for (const alias of struct.listTagAliases ?? []) add(alias, struct.name, true);
  }
  return [...roots].sort(([a], [b]) => a < b ? -1 : 1);
}

/**
 * Every member of `struct`, inherited ones first: the order of the XML reader's
 * `StructInfo.members`, which is also the order of a builder's slots.
 */
function allMembers(
  struct: ModelStruct,
  structs: Map<string, ModelStruct>,
  below: readonly string[] = [],
): ModelMember[] {
  if (below.includes(struct.name)) {
    const cycle = [...below.slice(below.indexOf(struct.name)), struct.name];
    throw new GenerateError(`base structs form a cycle: ${cycle.join(" → ")}`);
  }
  if (struct.base === undefined) return [...struct.members];
  const base = structs.get(struct.base);
  if (!base) throw new GenerateError(`${struct.name}: unknown base struct ${struct.base}`);
  return [...allMembers(base, structs, [...below, struct.name]), ...struct.members];
}

/** Renders `types/builders.ts`: one object builder per struct for the XML reader. */
export function renderBuilders(model: Model): string {
  const structs = new Map(model.structs.map((item) => [item.name, item]));
  const lines = [
    GENERATED_HEADER,
    "",
    "/**",
    " * Object builders of the XML reader, one per struct. The reader collects the values of a",
    " * struct's members in slots (one per member, inherited members first, in the order of",
    " * `StructInfo.members`) and builds the object at the end tag with `new`: the builder sets",
    " * the members present by name, always in the same order, so that objects of one type",
    " * share their hidden class, stay in fast mode and, being built by a constructor, hold",
    " * their members inside the object.",
    " *",
    " * @module",
    " */",
    "",
    `import { type SlotTarget, structBuilders } from "../transport/xml/metadata.ts";`,
    "",
    "/** The builder of each struct, by struct name. */",
    "export const BUILDERS = structBuilders({",
  ];
  for (const struct of model.structs) {
    lines.push(`  ${struct.name}: function (this: SlotTarget, s: readonly unknown[]) {`);
    allMembers(struct, structs).forEach((member, index) => {
      lines.push(`    if (s[${index}] !== undefined) this.${member.tsName} = s[${index}];`);
    });
    lines.push(`  },`);
  }
  lines.push("});", "");
  return lines.join("\n");
}
