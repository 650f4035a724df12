/**
 * Reads the upstream oVirt API model (Java-syntax interface files) and writes our
 * own model file, `model/model.json`: names, types, structure and the computed
 * wire names. No upstream prose is carried over.
 *
 * Usage: `deno task import-model [MODEL_DIR]` (default `../shared/ovirt-engine-api-model`).
 *
 * @module
 */

import {
  type JavaAnnotation,
  type JavaDeclaration,
  type JavaEnum,
  type JavaInterface,
  type JavaMethod,
  ModelParseError,
  parseJavaFile,
} from "./java_parser.ts";
import type {
  Model,
  ModelEnum,
  ModelKind,
  ModelLocator,
  ModelMember,
  ModelMethod,
  ModelParameter,
  ModelService,
  ModelStruct,
  ModelTypeRef,
} from "./model_schema.ts";
import { camel, constantWords, flat, plural, singular, snake, tag, words } from "./names.ts";
import { checkEnums, checkServices, checkStructs, ModelError } from "./model_checks.ts";
import {
  clashesWithCallOptions,
  optionName,
  PROTOTYPE_NAMES,
  SERVICE_MEMBERS,
} from "./reserved_names.ts";
import { checkCliFlags } from "./cli_flags.ts";

/** Default location of the upstream model, relative to the repository root. */
export const DEFAULT_MODEL_DIR = "../shared/ovirt-engine-api-model";

/** Where the model file is written, relative to the repository root. */
export const MODEL_FILE = "model/model.json";

interface SourceFile {
  path: string;
  declaration: JavaDeclaration;
}

const PRIMITIVES: Readonly<Record<string, { type: string; kind: ModelKind }>> = {
  String: { type: "String", kind: "string" },
  Boolean: { type: "Boolean", kind: "boolean" },
  Integer: { type: "Integer", kind: "integer" },
  Long: { type: "Integer", kind: "integer" },
  Date: { type: "Date", kind: "date" },
  Double: { type: "Decimal", kind: "decimal" },
  Float: { type: "Decimal", kind: "decimal" },
  BigDecimal: { type: "Decimal", kind: "decimal" },
};

/**
 * List roots that the naming rules do not produce but that readers should accept: the
 * rules give `operation_systems` (sic) for OperatingSystemInfo, never seen on a live engine.
 */
const LIST_TAG_ALIASES: Readonly<Record<string, string[]>> = {
  OperatingSystemInfo: ["operating_systems"],
};

const STANDARD_METHODS = new Set(["add", "get", "list", "update", "remove"]);
const ATTRIBUTE_MEMBERS = new Set(["id", "href", "rel"]);

function has(annotations: readonly JavaAnnotation[], name: string): boolean {
  return annotations.some((annotation) => annotation.name === name);
}

async function listJavaFiles(dir: string, prefix = ""): Promise<string[]> {
  const result: string[] = [];
  for await (const entry of Deno.readDir(`${dir}/${prefix}`)) {
    const relative = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory) result.push(...await listJavaFiles(dir, relative));
    else if (entry.name.endsWith(".java") && entry.name !== "package-info.java") {
      result.push(relative);
    }
  }
  return result.sort();
}

/** Reads and parses every model file below `dir`. */
export async function readSources(dir: string): Promise<SourceFile[]> {
  const files = await listJavaFiles(dir);
  const sources: SourceFile[] = [];
  for (const path of files) {
    const text = await Deno.readTextFile(`${dir}/${path}`);
    sources.push({ path, declaration: parseJavaFile(path, text) });
  }
  return sources;
}

/** Builds the model from parsed sources; throws ModelParseError naming file and line. */
export function buildModel(sources: readonly SourceFile[], source: string): Model {
  const structFiles: { path: string; node: JavaInterface }[] = [];
  const enumFiles: { path: string; node: JavaEnum }[] = [];
  const serviceFiles: { path: string; node: JavaInterface }[] = [];
  const mixins = new Map<string, { path: string; node: JavaInterface }>();
  for (const { path, declaration } of sources) {
    if (declaration.kind === "annotation-type") continue;
    const annotations = declaration.annotations;
    if (declaration.kind === "enum") {
      if (!has(annotations, "Type")) {
        throw new ModelParseError(path, declaration.line, 1, "enum without @Type");
      }
      enumFiles.push({ path, node: declaration });
    } else if (has(annotations, "Mixin")) {
      mixins.set(declaration.name, { path, node: declaration });
    } else if (has(annotations, "Type")) {
      structFiles.push({ path, node: declaration });
    } else if (has(annotations, "Service") || has(annotations, "Root")) {
      serviceFiles.push({ path, node: declaration });
    } else {
      throw new ModelParseError(
        path,
        declaration.line,
        1,
        `interface ${declaration.name} has none of @Type, @Service, @Root, @Mixin`,
      );
    }
  }

  const enumNames = new Set(enumFiles.map((file) => file.node.name));
  const structNames = new Set([
    ...structFiles.map((file) => file.node.name),
    "Fault",
    "GracePeriod",
    "Action",
  ]);

  const resolveType = (
    path: string,
    line: number,
    javaType: { name: string; list: boolean },
  ): ModelTypeRef => {
    const primitive = PRIMITIVES[javaType.name];
    if (primitive) return { ...primitive, list: javaType.list };
    if (enumNames.has(javaType.name)) {
      return { type: javaType.name, kind: "enum", list: javaType.list };
    }
    if (structNames.has(javaType.name)) {
      return { type: javaType.name, kind: "struct", list: javaType.list };
    }
    throw new ModelParseError(path, line, 1, `unknown type ${javaType.name}`);
  };

  const structTag = (name: string) => tag(words(name));

  const member = (
    name: string,
    ref: ModelTypeRef,
    link: boolean,
    deprecated: boolean,
  ): ModelMember => {
    const memberWords = words(name);
    const result: ModelMember = {
      name: camel(memberWords),
      tsName: camel(memberWords),
      tag: tag(memberWords),
      ...ref,
      attribute: ATTRIBUTE_MEMBERS.has(camel(memberWords)),
      link,
      deprecated,
    };
    if (ref.list) {
      result.item = ref.kind === "struct" ? structTag(ref.type) : tag(singular(memberWords));
      if (link) result.rel = flat(memberWords);
    }
    return result;
  };

  const struct = (
    name: string,
    base: string | undefined,
    members: ModelMember[],
    deprecated: boolean,
    from: string,
  ): ModelStruct => {
    const nameWords = words(name);
    return {
      name,
      ...(base ? { base } : {}),
      file: snake(nameWords),
      tag: tag(nameWords),
      listTag: tag(plural(nameWords)),
      ...(LIST_TAG_ALIASES[name] ? { listTagAliases: LIST_TAG_ALIASES[name] } : {}),
      deprecated,
      source: from,
      members,
    };
  };

  const string: ModelTypeRef = { type: "String", kind: "string", list: false };
  // Any object may carry `href` (and `id`) on the wire: the roots of the hierarchy get them.
  const wireAttributes = (declared: readonly ModelMember[]): ModelMember[] => [
    ...(declared.some((item) => item.name === "id") ? [] : [member("id", string, false, false)]),
    member("href", string, false, false),
  ];

  const structs: ModelStruct[] = structFiles.map(({ path, node }) => {
    if (node.extends.length > 1) {
      throw new ModelParseError(path, node.line, 1, "a struct may extend one struct only");
    }
    const declared = node.members.map((item) => {
      if (item.kind !== "method" || item.isDefault || item.parameters.length > 0) {
        throw new ModelParseError(path, item.line, 1, "expected a parameterless member");
      }
      const ref = resolveType(path, item.line, item.type);
      return member(
        item.name,
        ref,
        has(item.annotations, "Link"),
        has(item.annotations, "Deprecated"),
      );
    });
    const members = node.extends.length === 0
      ? [...wireAttributes(declared), ...declared]
      : declared;
    return struct(
      node.name,
      node.extends[0],
      members,
      has(node.annotations, "Deprecated"),
      path,
    );
  });
  for (const { path, node } of structFiles) {
    const base = node.extends[0];
    if (base && !structNames.has(base)) {
      throw new ModelParseError(path, node.line, 1, `unknown base struct ${base}`);
    }
  }
  checkEnums(enumFiles);

  const enums: ModelEnum[] = enumFiles.map(({ path, node }) => ({
    name: node.name,
    file: snake(words(node.name)),
    deprecated: has(node.annotations, "Deprecated"),
    source: path,
    values: node.constants.map((constant) => ({
      name: constant.name,
      wire: snake(constantWords(constant.name)),
      deprecated: has(constant.annotations, "Deprecated"),
    })),
  }));

  const serviceNames = new Set(serviceFiles.map((file) => file.node.name));
  checkServices(serviceFiles);
  const lines = new WeakMap<ModelParameter, { path: string; line: number }>();
  const services = serviceFiles.map(({ path, node }) =>
    buildService(path, node, mixins, serviceNames, resolveType, lines)
  );
  const roots = services.filter((service) => service.root);
  if (roots.length === 0) {
    throw new ModelError(
      `no @Root service among ${sources.length} model files: is this the model's folder?`,
    );
  }
  if (roots.length > 1) {
    const second = serviceFiles.find(({ node }) => node.name === roots[1].name)!;
    throw new ModelParseError(
      second.path,
      second.node.line,
      1,
      `a second @Root service (the first is ${roots[0].name})`,
    );
  }

  const identified = structs.find((item) => item.name === "Identified");
  if (!identified) throw new ModelError("no Identified struct, which Action extends");
  const fault = [member("reason", string, false, false), member("detail", string, false, false)];
  const gracePeriod = [
    member("expiry", { type: "Integer", kind: "integer", list: false }, false, false),
  ];
  structs.push(
    struct("Fault", undefined, [...wireAttributes(fault), ...fault], false, "added"),
    struct(
      "GracePeriod",
      undefined,
      [...wireAttributes(gracePeriod), ...gracePeriod],
      false,
      "added",
    ),
    struct(
      "Action",
      "Identified",
      actionMembers(
        services,
        identified.members,
        string,
        member,
        lines,
      ),
      false,
      "added",
    ),
  );

  checkStructs(structFiles, structs, enumFiles);
  checkCliFlags(services, structs, structFiles, lines);

  const byName = <T extends { name: string }>(a: T, b: T) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  return {
    source,
    structs: structs.sort(byName),
    enums: enums.sort(byName),
    services: services.sort(byName),
  };
}

/** Where each parameter is declared, for the refusals that name file and line. */
type ParameterLines = WeakMap<ModelParameter, { path: string; line: number }>;

/**
 * The members of `Action`: the fixed ones, then every action parameter once (those of a name
 * `Action` inherits from `Identified` are those members).
 */
function actionMembers(
  services: readonly ModelService[],
  inherited: readonly ModelMember[],
  string: ModelTypeRef,
  member: (name: string, ref: ModelTypeRef, link: boolean, deprecated: boolean) => ModelMember,
  lines: ParameterLines,
): ModelMember[] {
  const fixed: ModelMember[] = [
    member("status", string, false, false),
    member("fault", { type: "Fault", kind: "struct", list: false }, false, false),
    member("gracePeriod", { type: "GracePeriod", kind: "struct", list: false }, false, false),
    member("job", { type: "Job", kind: "struct", list: false }, false, false),
  ];
  const seen = new Map<string, ModelMember>(
    [...inherited, ...fixed].map((item) => [item.name, item]),
  );
  const added: ModelMember[] = [];
  for (const service of services) {
    for (const method of service.methods) {
      if (STANDARD_METHODS.has(method.name)) continue;
      for (const parameter of method.parameters) {
        const existing = seen.get(parameter.name);
        if (existing) {
          if (existing.type !== parameter.type || existing.list !== parameter.list) {
            const where = lines.get(parameter) ?? { path: service.source, line: 1 };
            throw new ModelParseError(
              where.path,
              where.line,
              1,
              `action parameter ${parameter.name} has type ` +
                `${parameter.type}${parameter.list ? "[]" : ""} here and ` +
                `${existing.type}${existing.list ? "[]" : ""} elsewhere (one <action> holds both)`,
            );
          }
          continue;
        }
        const { type, kind, list } = parameter;
        const created = member(parameter.name, { type, kind, list }, false, false);
        seen.set(parameter.name, created);
        added.push(created);
      }
    }
  }
  return [...fixed, ...added.sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0)];
}

type TypeResolver = (
  path: string,
  line: number,
  javaType: { name: string; list: boolean },
) => ModelTypeRef;

function buildService(
  path: string,
  node: JavaInterface,
  mixins: ReadonlyMap<string, { path: string; node: JavaInterface }>,
  serviceNames: ReadonlySet<string>,
  resolveType: TypeResolver,
  lines: ParameterLines,
): ModelService {
  const name = node.name;
  if (!name.endsWith("Service")) {
    throw new ModelParseError(path, node.line, 1, `service name ${name} lacks "Service"`);
  }
  if (node.extends.length > 1) {
    throw new ModelParseError(path, node.line, 1, "a service may extend one service only");
  }
  const base = node.extends[0];
  if (base && !serviceNames.has(base)) {
    throw new ModelParseError(path, node.line, 1, `unknown base service ${base}`);
  }

  const parameter = (method: JavaMethod): ModelParameter => {
    if (method.parameters.length > 0 || method.isDefault) {
      throw new ModelParseError(path, method.line, 1, "expected a parameterless parameter");
    }
    const isIn = has(method.annotations, "In");
    const isOut = has(method.annotations, "Out");
    if (!isIn && !isOut) {
      throw new ModelParseError(path, method.line, 1, `parameter ${method.name} lacks @In/@Out`);
    }
    const parameterWords = words(method.name);
    if (PROTOTYPE_NAMES.has(camel(parameterWords))) {
      throw new ModelParseError(
        path,
        method.line,
        1,
        `parameter ${camel(parameterWords)} is a name every object has`,
      );
    }
    const result: ModelParameter = {
      name: camel(parameterWords),
      tsName: camel(parameterWords),
      wire: tag(parameterWords),
      ...resolveType(path, method.line, method.type),
      in: isIn,
      out: isOut,
      deprecated: has(method.annotations, "Deprecated"),
    };
    lines.set(result, { path, line: method.line });
    return result;
  };

  const ownParameters = (method: JavaInterface, parent?: string): ModelParameter[] => {
    const result: ModelParameter[] = [];
    for (const extended of method.extends) {
      const mixin = mixins.get(extended);
      if (!mixin) {
        if (extended === parent) continue; // a signature extends its method
        throw new ModelParseError(
          path,
          method.line,
          1,
          `${method.name} extends ${extended}, which is no @Mixin` +
            (parent ? ` nor its method ${parent}` : ""),
        );
      }
      for (const item of mixin.node.members) {
        if (item.kind === "method" && !item.isDefault) result.push(parameter(item));
      }
    }
    for (const item of method.members) {
      if (item.kind === "method" && !item.isDefault) result.push(parameter(item));
    }
    return result;
  };

  const methods: ModelMethod[] = [];
  const locators: ModelLocator[] = [];
  for (const item of node.members) {
    if (item.kind === "interface") {
      const methodWords = words(item.name);
      const methodName = camel(methodWords);
      const kind = STANDARD_METHODS.has(methodName) ? methodName as ModelMethod["kind"] : "action";
      if (SERVICE_MEMBERS.has(methodName)) {
        throw new ModelParseError(
          path,
          item.line,
          1,
          `method ${methodName} would shadow the member of that name of every service`,
        );
      }
      const parameters = ownParameters(item);
      const main = kind === "add" || kind === "update"
        ? parameters.find((candidate) => candidate.in && candidate.out)?.name
        : undefined;
      if ((kind === "add" || kind === "update") && !main) {
        throw new ModelParseError(path, item.line, 1, `${item.name} has no @In @Out parameter`);
      }
      const checkOptions = (list: readonly ModelParameter[], method: string) => {
        for (const candidate of list) {
          if (!candidate.in || candidate.name === main) continue;
          if (clashesWithCallOptions(optionName(`${name}.${method}`, candidate))) {
            const where = lines.get(candidate)!;
            throw new ModelParseError(
              where.path,
              where.line,
              1,
              `parameter ${candidate.tsName} would shadow the call option of that name ` +
                "(give it a name of its own in RENAMED_PARAMETERS)",
            );
          }
        }
      };
      checkOptions(parameters, methodName);
      const method = (
        nameWords: string[],
        list: ModelParameter[],
        deprecated: boolean,
        signatureOf?: string,
      ): ModelMethod => ({
        name: camel(nameWords),
        tsName: camel(nameWords),
        kind,
        ...(signatureOf ? { signatureOf } : {}),
        ...(kind === "action" ? { segment: flat(methodWords) } : {}),
        ...(main ? { main } : {}),
        deprecated,
        parameters: list,
      });
      methods.push(method(methodWords, parameters, has(item.annotations, "Deprecated")));
      for (const child of item.members) {
        if (child.kind !== "interface") continue;
        if (child.members.some((grandchild) => grandchild.kind === "interface")) {
          throw new ModelParseError(path, child.line, 1, "signatures nest one level only");
        }
        const own = ownParameters(child, item.name).filter((candidate) =>
          !parameters.some((inherited) => inherited.name === candidate.name)
        );
        checkOptions(own, camel([...methodWords, ...words(child.name)]));
        methods.push(
          method(
            [...methodWords, ...words(child.name)],
            [...parameters, ...own],
            has(child.annotations, "Deprecated") || has(item.annotations, "Deprecated"),
            methodName,
          ),
        );
      }
    } else if (has(item.annotations, "Service")) {
      const target = item.type.name.endsWith("Service")
        ? item.type.name
        : `${item.type.name}Service`;
      if (!serviceNames.has(target)) {
        throw new ModelParseError(
          path,
          item.line,
          1,
          `locator ${item.name} targets unknown ${target}`,
        );
      }
      if (item.parameters.length > 1 || item.parameters.some((p) => p.type.name !== "String")) {
        throw new ModelParseError(path, item.line, 1, "a locator takes at most one String");
      }
      const locatorWords = words(item.name);
      if (SERVICE_MEMBERS.has(camel([...locatorWords, "service"]))) {
        throw new ModelParseError(path, item.line, 1, `locator ${item.name} shadows a member`);
      }
      locators.push({
        name: camel(locatorWords),
        tsName: camel([...locatorWords, "service"]),
        service: target,
        ...(item.parameters.length === 1
          ? { parameter: item.parameters[0].name }
          : { segment: flat(locatorWords) }),
        deprecated: has(item.annotations, "Deprecated"),
      });
    } else {
      throw new ModelParseError(path, item.line, 1, `unexpected member ${item.name} in a service`);
    }
  }
  if (locators.filter((locator) => locator.parameter).length > 1) {
    throw new ModelParseError(path, node.line, 1, "more than one parameterised locator");
  }
  return {
    name,
    file: snake(words(name.slice(0, -"Service".length))),
    ...(base ? { base } : {}),
    root: has(node.annotations, "Root"),
    deprecated: has(node.annotations, "Deprecated"),
    source: path,
    methods,
    locators,
  };
}

/** The text of `path`, or `""` if there is no such file. */
async function readIfPresent(path: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return "";
    throw error;
  }
}

/**
 * The model's name and version: from `SOURCE.md` (our copy), else from the project's own
 * `<version>` in upstream's `pom.xml` (a `-SNAPSHOT` suffix kept).
 */
async function readVersion(dir: string): Promise<string> {
  const source = await readIfPresent(`${dir}/SOURCE.md`);
  // The project's own <version>: not its parent's, nor one of a dependency or plugin.
  const pom = (await readIfPresent(`${dir}/pom.xml`)).replace(/<parent>[\s\S]*?<\/parent>/, "")
    .split(/<(?:properties|dependencyManagement|dependencies|build|profiles)>/)[0];
  const version = source.match(/version\s+(\d+(?:\.\d+)+)/i)?.[1] ??
    pom.match(/<version>\s*(\d+(?:\.\d+)+(?:-SNAPSHOT)?)\s*<\/version>/)?.[1];
  return version ? `ovirt-engine-api-model ${version}` : "ovirt-engine-api-model";
}

/** Imports the model in `dir` and returns the model file's text. */
export async function importModel(dir: string): Promise<string> {
  const model = buildModel(await readSources(dir), await readVersion(dir));
  return JSON.stringify(model, null, 2) + "\n";
}

if (import.meta.main) {
  const dir = Deno.args[0] ?? DEFAULT_MODEL_DIR;
  try {
    const text = await importModel(dir);
    await Deno.mkdir("model", { recursive: true });
    await Deno.writeTextFile(MODEL_FILE, text);
    const model = JSON.parse(text) as Model;
    console.log(
      `${MODEL_FILE}: ${model.structs.length} structs, ${model.enums.length} enums, ` +
        `${model.services.length} services`,
    );
  } catch (error) {
    if (
      error instanceof ModelParseError || error instanceof ModelError ||
      error instanceof Deno.errors.NotFound
    ) {
      console.error(`import-model: ${error.message}`);
      Deno.exit(1);
    }
    throw error;
  }
}
