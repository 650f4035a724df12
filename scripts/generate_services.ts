/**
 * Renders `services/`: one module per service, each a class of thin methods that
 * describe their request and hand it to the runtime, and the barrel `services/mod.ts`.
 *
 * @module
 */

import type {
  Model,
  ModelLocator,
  ModelMethod,
  ModelParameter,
  ModelService,
} from "./model_schema.ts";
import { GENERATED_HEADER, tsValueType } from "./generate_common.ts";
import { ALSO_IN_QUERY } from "../transport/runtime.ts";

/** Members of the `Service` base class that generated names must not shadow. */
const RESERVED = new Set(["path", "locate", "runtime", "childPath", "invoke", "noService"]);
/** Keys of `CallOptions` that model parameters must not shadow. */
const CALL_OPTION_KEYS = new Set(["headers", "query", "signal"]);

/** A service with its inherited methods and locators folded in. */
interface FlatService {
  service: ModelService;
  methods: ModelMethod[];
  locators: ModelLocator[];
}

/** Folds base services into each service: own members first, then inherited ones. */
export function flattenServices(model: Model): Map<string, FlatService> {
  const byName = new Map(model.services.map((service) => [service.name, service]));
  const result = new Map<string, FlatService>();
  for (const service of model.services) {
    const methods: ModelMethod[] = [];
    const locators: ModelLocator[] = [];
    for (let current: ModelService | undefined = service; current;) {
      for (const method of current.methods) {
        if (!methods.some((known) => known.tsName === method.tsName)) methods.push(method);
      }
      for (const locator of current.locators) {
        if (!locators.some((known) => known.tsName === locator.tsName)) locators.push(locator);
      }
      current = current.base ? byName.get(current.base) : undefined;
    }
    result.set(service.name, { service, methods, locators });
  }
  return result;
}

/** For each service reachable from the root: its path pattern and locator chain. */
export function servicePaths(
  model: Model,
  flat: ReadonlyMap<string, FlatService>,
): Map<string, { path: string; chain: string }> {
  const root = model.services.find((service) => service.root);
  if (!root) throw new Error("the model has no root service");
  const result = new Map([[root.name, { path: "", chain: "systemService()" }]]);
  const queue = [root.name];
  while (queue.length > 0) {
    const name = queue.shift()!;
    const here = result.get(name)!;
    for (const locator of flat.get(name)!.locators) {
      if (result.has(locator.service)) continue;
      const segment = locator.segment ?? `{${locator.name}}`;
      const argument = locator.parameter ? locator.parameter : "";
      result.set(locator.service, {
        path: `${here.path}/${segment}`,
        chain: `${here.chain}.${locator.tsName}(${argument})`,
      });
      queue.push(locator.service);
    }
  }
  return result;
}

function pascalOf(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

function constantOf(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase();
}

/** Words that cannot name a function argument. */
const RESERVED_WORDS = new Set([
  "import",
  "export",
  "default",
  "delete",
  "new",
  "function",
  "class",
]);

/** A name usable as a function argument: `import` becomes `importValue`. */
function argumentName(parameter: ModelParameter): string {
  return RESERVED_WORDS.has(parameter.tsName) ? `${parameter.tsName}Value` : parameter.tsName;
}

function paramType(parameter: ModelParameter): string {
  const type = tsValueType(parameter.kind, parameter.type, "types.");
  return parameter.list ? `${type}[]` : type;
}

function paramSpec(parameter: ModelParameter): string {
  const fields = [
    `name: ${JSON.stringify(parameter.tsName)}`,
    `wire: ${JSON.stringify(parameter.wire)}`,
    `kind: ${JSON.stringify(parameter.kind)}`,
  ];
  if (parameter.kind === "struct" || parameter.kind === "enum") {
    fields.push(`type: ${JSON.stringify(parameter.type)}`);
  }
  if (parameter.list) fields.push("list: true");
  return `{ ${fields.join(", ")} }`;
}

interface MethodParts {
  main?: ModelParameter;
  options: ModelParameter[];
  output?: ModelParameter;
}

function methodParts(service: ModelService, method: ModelMethod): MethodParts {
  const main = method.main
    ? method.parameters.find((parameter) => parameter.name === method.main)
    : undefined;
  if ((method.kind === "add" || method.kind === "update") && !main) {
    throw new Error(`${service.name}.${method.name}: no main parameter`);
  }
  const options = method.parameters.filter((parameter) => parameter.in && parameter !== main);
  const output = main ?? method.parameters.find((parameter) => parameter.out);
  if ((method.kind === "get" || method.kind === "list") && !output) {
    throw new Error(`${service.name}.${method.name}: no output parameter`);
  }
  for (const option of options) {
    if (CALL_OPTION_KEYS.has(option.tsName)) {
      throw new Error(`${service.name}.${method.name}: parameter ${option.tsName} is reserved`);
    }
  }
  return { main, options, output };
}

/** Whether a method declares an options type of its own (signatures may share their parent's). */
function ownsOptionsType(
  service: ModelService,
  method: ModelMethod,
  methods: readonly ModelMethod[],
): boolean {
  const names = methodParts(service, method).options.map((option) => option.tsName).join(",");
  if (names === "") return false;
  const parent = methods.find((candidate) => candidate.tsName === method.signatureOf);
  return !parent ||
    methodParts(service, parent).options.map((option) => option.tsName).join(",") !== names;
}

/** A parameter's type as the docs write it: `` `Disk` ``, `` `String[]` ``. */
function what(parameter?: ModelParameter): string {
  return parameter ? `\`${parameter.type}${parameter.list ? "[]" : ""}\`` : "";
}

function methodDoc(method: ModelMethod, parts: MethodParts, path: string): string[] {
  const segmentPath = `${path}/${method.segment}`;
  const summary: Record<ModelMethod["kind"], string> = {
    get: `\`GET ${path}\`: fetches the ${what(parts.output)}.`,
    list: `\`GET ${path}\`: lists the \`${parts.output?.type}\` objects.`,
    add: `\`POST ${path}\`: adds a ${what(parts.main)} and resolves to it as created.`,
    update:
      `\`PUT ${path}\`: sends the members set in \`${parts.main?.tsName}\`; resolves to the result.`,
    remove: `\`DELETE ${path}\`: removes the object.`,
    action: `\`POST ${segmentPath}\`: the \`${method.segment}\` action.`,
  };
  const lines = [summary[method.kind]];
  if (method.signatureOf) {
    lines.push(
      "",
      `A signature of \`${method.signatureOf}\` with its own parameters; it sends the same request.`,
    );
  }
  if (method.kind === "action") lines.push("", ...actionResultDoc(parts.output));
  if (method.deprecated) lines.push("", "@deprecated Deprecated in the API model.");
  return lines;
}

/** What an action resolves to, in doc comment lines. */
function actionResultDoc(output: ModelParameter | undefined): string[] {
  if (!output) return ["Resolves when the server has accepted the action."];
  const result = `Resolves to the action's \`${output.tsName}\` output (${what(output)})`;
  return output.list ? [`${result}, \`[]\` when the answer leaves it out.`] : [
    `${result},`,
    "or `undefined` when the answer leaves it out (the action was carried out all the same).",
  ];
}

function optionDoc(method: ModelMethod, parameter: ModelParameter): string {
  // A remove's parameter that no query string can carry goes in an `<action>` body too.
  const inBody = method.kind === "action" ||
    (method.kind === "remove" && (parameter.kind === "struct" || parameter.list));
  const where = !inBody
    ? `Sent as query parameter \`${parameter.wire}\``
    : method.kind === "action" && ALSO_IN_QUERY.has(parameter.wire)
    ? `Sent both as \`<${parameter.wire}>\` in the \`<action>\` body and as query parameter ` +
      `\`${parameter.wire}\`: some actions read one, some the other`
    : `Sent as \`<${parameter.wire}>\` in the \`<action>\` body`;
  return `${where}.${parameter.deprecated ? " @deprecated" : ""}`;
}

function docBlock(lines: readonly string[], indent: string): string[] {
  if (lines.length === 1) return [`${indent}/** ${lines[0]} */`];
  return [
    `${indent}/**`,
    ...lines.map((line) => `${indent} *${line ? ` ${line}` : ""}`),
    `${indent} */`,
  ];
}

/** Renders the module of one service. */
export function renderService(
  flat: FlatService,
  all: ReadonlyMap<string, FlatService>,
  paths: ReadonlyMap<string, { path: string; chain: string }>,
): string {
  const { service, methods, locators } = flat;
  const className = service.name;
  const where = paths.get(className);
  const path = where ? (where.path || "/") : "…";
  const pathPrefix = where ? where.path : "…";
  const used = new Set<string>();
  for (const name of [...methods.map((m) => m.tsName), ...locators.map((l) => l.tsName)]) {
    if (RESERVED.has(name) || used.has(name)) {
      throw new Error(`${className}: member name ${name} is reserved or used twice`);
    }
    used.add(name);
  }

  const body: string[] = [];
  const head: string[] = [];
  let usesTypes = false;
  let usesCallOptions = false;
  const emitted = new Map<string, { constant: string; optionsType: string; options: string }>();
  for (const method of methods) {
    const parts = methodParts(service, method);
    const optionNames = parts.options.map((option) => option.tsName).join(",");
    const parent = method.signatureOf ? emitted.get(method.signatureOf) : undefined;
    const reuse = parent?.options === optionNames ? parent : undefined;
    const constant = reuse?.constant ?? constantOf(method.tsName);
    const spec = [`  kind: ${JSON.stringify(method.kind)},`];
    if (method.segment) spec.push(`  segment: ${JSON.stringify(method.segment)},`);
    spec.push(`  params: [${parts.options.length ? "" : "],"}`);
    if (parts.options.length) {
      for (const option of parts.options) spec.push(`    ${paramSpec(option)},`);
      spec.push("  ],");
    }
    if (parts.main) spec.push(`  main: ${paramSpec(parts.main)},`);
    if (parts.output) spec.push(`  output: ${paramSpec(parts.output)},`);
    if (!reuse) head.push(`const ${constant}: MethodSpec = {`, ...spec, "};", "");

    let optionsType = reuse?.optionsType ?? "CallOptions";
    if (parts.options.length && !reuse) {
      optionsType = `${className}${pascalOf(method.tsName)}Options`;
      head.push(`/** Options of {@link ${className}.${method.tsName}}. */`);
      head.push(`export interface ${optionsType} extends CallOptions {`);
      for (const option of parts.options) {
        head.push(`  /** ${optionDoc(method, option)} */`);
        head.push(`  ${option.tsName}?: ${paramType(option)};`);
        if (option.kind === "struct" || option.kind === "enum") usesTypes = true;
      }
      head.push("}", "");
    } else if (!reuse) {
      usesCallOptions = true;
    }
    emitted.set(method.tsName, { constant, optionsType, options: optionNames });
    const result = method.kind === "remove" || (method.kind === "action" && !parts.output)
      ? "void"
      : method.kind === "action" && !parts.output!.list
      ? `${paramType(parts.output!)} | undefined` // an answer may leave it out
      : paramType(parts.output!);
    if (/types\./.test(result) || parts.main) usesTypes = true;
    const args = parts.main
      ? `${argumentName(parts.main)}: ${paramType(parts.main)}, options?: ${optionsType}`
      : `options?: ${optionsType}`;
    const mainArgument = parts.main ? `, ${argumentName(parts.main)}` : "";
    body.push(...docBlock(methodDoc(method, parts, pathPrefix), "  "));
    body.push(`  ${method.tsName}(${args}): Promise<${result}> {`);
    body.push(`    return this.invoke(${constant}, options${mainArgument});`);
    body.push("  }", "");
  }

  const imports = new Set<string>();
  let parameterised: ModelLocator | undefined;
  for (const locator of locators) {
    const target = all.get(locator.service)!.service;
    if (target.name !== className) {
      imports.add(`import { ${target.name} } from "./${target.file}.ts";`);
    }
    if (locator.parameter) {
      parameterised = locator;
      body.push(
        `  /** The \`${target.name}\` of one item: \`${pathPrefix}/{${locator.name}}\`. */`,
        `  ${locator.tsName}(${locator.parameter}: string): ${target.name} {`,
        `    return new ${target.name}(this.runtime, this.childPath(${locator.parameter}));`,
        "  }",
        "",
      );
    } else {
      body.push(
        `  /** The \`${target.name}\` at \`${pathPrefix}/${locator.segment}\`.${
          locator.deprecated ? " @deprecated" : ""
        } */`,
        `  ${locator.tsName}(): ${target.name} {`,
        `    return new ${target.name}(this.runtime, this.childPath(${
          JSON.stringify(locator.segment)
        }));`,
        "  }",
        "",
      );
    }
  }
  body.push("  /** Resolves one URL segment below this service, as `followLink` does. */");
  const fixed = locators.filter((locator) => !locator.parameter);
  const fallback = parameterised
    ? `this.${parameterised.tsName}(segment)`
    : "this.noService(segment)";
  if (fixed.length === 0) {
    body.push(`  locate(${parameterised ? "segment" : "segment"}: string): Service {`);
    body.push(`    return ${fallback};`);
  } else {
    body.push("  locate(segment: string): Service {");
    body.push("    switch (segment) {");
    for (const locator of fixed) {
      body.push(`      case ${JSON.stringify(locator.segment)}:`);
      body.push(`        return this.${locator.tsName}();`);
    }
    body.push("    }");
    body.push(`    return ${fallback};`);
  }
  body.push("  }");

  const runtimeImports = methods.length > 0 ? ["type MethodSpec", "Service"] : ["Service"];
  if (usesCallOptions || methods.some((method) => methodParts(service, method).options.length)) {
    runtimeImports.unshift("type CallOptions");
  }
  const lines = [GENERATED_HEADER, ""];
  lines.push(`import { ${runtimeImports.join(", ")} } from "../transport/service.ts";`);
  if (usesTypes) lines.push(`import type * as types from "../types/mod.ts";`);
  // The API root registers the model with the XML runtime: the hand-written runtime
  // imports no generated code.
  if (service.root) lines.push(`import "../types/register.ts";`);
  lines.push(...[...imports].sort(), "");
  if (methods.length > 0) lines.push(...head);
  const classDoc = [`The \`${service.name.replace(/Service$/, "")}\` service at \`${path}\`.`];
  if (where) classDoc.push("", `Reached with \`connection.${where.chain}\`.`);
  if (service.base) classDoc.push("", `Includes what it inherits from \`${service.base}\`.`);
  if (service.deprecated) classDoc.push("", "@deprecated Deprecated in the API model.");
  lines.push(...docBlock(classDoc, ""));
  lines.push(`export class ${className} extends Service {`);
  lines.push(...body);
  lines.push("}", "");
  return lines.join("\n");
}

/** Renders `services/metadata.ts`: the service tree as data, for the simulator and tools. */
export function renderServiceMetadata(
  model: Model,
  flat: ReadonlyMap<string, FlatService>,
): string {
  const root = model.services.find((service) => service.root)!;
  const lines = [
    GENERATED_HEADER,
    "",
    "/**",
    " * The service tree as data: every service with its methods (the same request",
    " * descriptions the service classes send) and its locators.",
    " *",
    " * @module",
    " */",
    "",
    `import type { ServiceMeta } from "../transport/service.ts";`,
    "",
    "/** Class name of the root service, the API root URL. */",
    `export const ROOT_SERVICE = ${JSON.stringify(root.name)};`,
    "",
    "/** Every service of the model, by class name. */",
    "export const SERVICES: Readonly<Record<string, ServiceMeta>> = {",
  ];
  for (const service of model.services) {
    const { methods, locators } = flat.get(service.name)!;
    lines.push(
      `  ${service.name}: {`,
      `    name: ${JSON.stringify(service.name)},`,
      "    methods: [",
    );
    for (const method of methods) {
      const parts = methodParts(service, method);
      const fields = [
        `name: ${JSON.stringify(method.tsName)}`,
        `kind: ${JSON.stringify(method.kind)}`,
      ];
      if (method.signatureOf) fields.push(`signatureOf: ${JSON.stringify(method.signatureOf)}`);
      if (method.segment) fields.push(`segment: ${JSON.stringify(method.segment)}`);
      fields.push(`params: [${parts.options.map(paramSpec).join(", ")}]`);
      if (parts.main) fields.push(`main: ${paramSpec(parts.main)}`);
      if (parts.output) fields.push(`output: ${paramSpec(parts.output)}`);
      lines.push(`      { ${fields.join(", ")} },`);
    }
    lines.push("    ],", "    locators: [");
    for (const locator of locators) {
      const fields = [
        `name: ${JSON.stringify(locator.tsName)}`,
        `service: ${JSON.stringify(locator.service)}`,
      ];
      if (locator.segment) fields.push(`segment: ${JSON.stringify(locator.segment)}`);
      if (locator.parameter) fields.push(`parameter: ${JSON.stringify(locator.parameter)}`);
      lines.push(`      { ${fields.join(", ")} },`);
    }
    lines.push("    ],", "  },");
  }
  lines.push("};", "");
  return lines.join("\n");
}

/** Renders `services/mod.ts`, re-exporting every service class and options type. */
export function renderServicesIndex(model: Model, flat: ReadonlyMap<string, FlatService>): string {
  const lines = [
    GENERATED_HEADER,
    "",
    "/**",
    " * Every service of the oVirt API model: one class per service, with its methods and",
    " * the locators that lead to the services below it.",
    " *",
    " * @module",
    " */",
    "",
  ];
  for (const service of model.services) {
    const { methods } = flat.get(service.name)!;
    const options = methods
      .filter((method) => ownsOptionsType(service, method, methods))
      .map((method) => `type ${service.name}${pascalOf(method.tsName)}Options`);
    const names = [service.name, ...options];
    lines.push(`export { ${names.join(", ")} } from "./${service.file}.ts";`);
  }
  lines.push("");
  return lines.join("\n");
}

/**
 * Renders `services/connection.ts`: the SDK's `Connection`, the runtime's `BaseConnection`
 * with the model's root service and `Version` type.
 */
export function renderConnection(model: Model): string {
  const root = model.services.find((service) => service.root)!;
  return [
    GENERATED_HEADER,
    "",
    "/**",
    " * `Connection`: the SDK's entry point, with the model's typed service tree.",
    " *",
    " * @module",
    " */",
    "",
    `import { BaseConnection } from "../transport/connection.ts";`,
    `import type { Version } from "../types/version.ts";`,
    `import { ${root.name} } from "./${root.file}.ts";`,
    "",
    "/**",
    " * A connection to one engine's API with one set of credentials. Sends nothing until used.",
    " *",
    " * @example",
    " * ```ts",
    ` * import { Connection } from "@ovirt/sdk";`,
    " *",
    " * await using connection = new Connection({",
    ` *   url: "https://engine.example.com/ovirt-engine/api",`,
    ` *   username: "admin@internal",`,
    ` *   password: "secret",`,
    " * });",
    " * const vms = await connection.systemService().vmsService().list();",
    " * ```",
    " */",
    "export class Connection extends BaseConnection {",
    "  /** The root of the service tree: the API root, `/`. */",
    `  systemService(): ${root.name} {`,
    `    return new ${root.name}(this.serviceRuntime, "");`,
    "  }",
    "",
    "  /**",
    "   * The engine's version, from the API root's product information (`major`, `minor`,",
    "   * `build`, `revision`, `fullVersion`), asked once per connection and then remembered.",
    "   */",
    "  override async engineVersion(): Promise<Version> {",
    "    return await super.engineVersion() as Version;",
    "  }",
    "}",
    "",
  ].join("\n");
}
