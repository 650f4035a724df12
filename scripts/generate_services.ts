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
import {
  DEPRECATED_TAG,
  docBlock,
  docLines,
  GENERATED_HEADER,
  tsValueType,
} from "./generate_common.ts";
import { ACTION_ANSWERED_ADDS, UNREAD_PARAMETERS, type UnreadParameters } from "./engine_facts.ts";
import { pathForms, type ServiceRoute } from "./service_paths.ts";
import { ALSO_IN_QUERY, ALSO_SENT_AS } from "../transport/runtime.ts";
import {
  argumentName,
  clashesWithCallOptions,
  optionName,
  RENAMED_PARAMETERS,
  SERVICE_MEMBERS,
} from "./reserved_names.ts";
import { GenerateError } from "./generate_error.ts";
import {
  checkEngineParameters,
  engineParameter,
  withEngineParameters,
} from "./engine_parameters.ts";

/** A service with its inherited methods and locators folded in. */
interface FlatService {
  service: ModelService;
  methods: ModelMethod[];
  locators: ModelLocator[];
}

/**
 * Folds base services into each service: own members first, then inherited ones; then adds
 * the parameters the engine reads that the model lacks ({@link withEngineParameters}).
 */
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
    result.set(service.name, {
      service,
      methods: withEngineParameters(model, service.name, methods),
      locators,
    });
  }
  return result;
}

/**
 * Refuses an entry of {@link UNREAD_PARAMETERS} or {@link RENAMED_PARAMETERS} whose service
 * the model has but not the method or parameter (renamed or gone since the entry was written),
 * and an entry of the engine's parameters whose method it lacks. A model without the service
 * at all (a small one, for tests) has nothing to check.
 */
export function checkParameterTables(flat: ReadonlyMap<string, FlatService>): void {
  checkEngineParameters(new Map([...flat].map(([name, { methods }]) => [name, methods])));
  const entries = [
    ...UNREAD_PARAMETERS.flatMap((entry) => entry.wires.map((wire) => `${entry.method}.${wire}`)),
    ...RENAMED_PARAMETERS.keys(),
  ];
  for (const entry of entries) {
    const [service, method, wire] = entry.split(".");
    if (!flat.has(service)) continue;
    const found = flat.get(service)!.methods.find((candidate) => candidate.tsName === method)
      ?.parameters.some((parameter) => parameter.in && parameter.wire === wire);
    if (!found) throw new GenerateError(`${entry}: no such parameter in the model`);
  }
}

function pascalOf(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

function constantOf(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase();
}

/**
 * A parameter's TypeScript type. An integer takes a `bigint` too, as integer members are read
 * (`number | bigint`), so that a value read from the engine can be passed back as it is.
 */
function paramType(parameter: ModelParameter): string {
  const type = parameter.kind === "integer"
    ? "number | bigint"
    : tsValueType(parameter.kind, parameter.type, "types.");
  if (!parameter.list) return type;
  return type.includes("|") ? `(${type})[]` : `${type}[]`;
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
  /** The parameters left out because the engine never reads them. */
  unread?: UnreadParameters;
}

/** The entry of {@link UNREAD_PARAMETERS} of a method (`"<service class>.<method>"`). */
function unreadOf(method: string): UnreadParameters | undefined {
  return UNREAD_PARAMETERS.find((entry) => entry.method === method);
}

function methodParts(service: ModelService, method: ModelMethod): MethodParts {
  const main = method.main
    ? method.parameters.find((parameter) => parameter.name === method.main)
    : undefined;
  if ((method.kind === "add" || method.kind === "update") && !main) {
    throw new GenerateError(`${service.name}.${method.name}: no main parameter`);
  }
  const key = `${service.name}.${method.tsName}`;
  const unread = unreadOf(key);
  const options = method.parameters
    .filter((parameter) => parameter.in && parameter !== main)
    .filter((parameter) => !unread?.wires.includes(parameter.wire))
    .map((parameter) => ({ ...parameter, tsName: optionName(key, parameter) }));
  const output = main ?? method.parameters.find((parameter) => parameter.out);
  if ((method.kind === "get" || method.kind === "list") && !output) {
    throw new GenerateError(`${service.name}.${method.name}: no output parameter`);
  }
  for (const option of options) {
    if (clashesWithCallOptions(option.tsName)) {
      throw new GenerateError(
        `${key}: parameter ${option.tsName} is a key of CallOptions; ` +
          "give it a name of its own in RENAMED_PARAMETERS (scripts/reserved_names.ts)",
      );
    }
    if (options.some((other) => other !== option && other.tsName === option.tsName)) {
      throw new GenerateError(`${key}: two parameters are named ${option.tsName}`);
    }
  }
  return { main, options, output, unread };
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

/** Where a service is, as its docs write it: its routes and the forms of their paths. */
interface Whereabouts {
  /** Every route to the service, shortest first; none for a service no locator leads to. */
  routes: readonly ServiceRoute[];
  /** Its path, or the forms of its paths (see {@link pathForms}); `…` when it has none. */
  forms: readonly string[];
}

function whereabouts(routes: readonly ServiceRoute[]): Whereabouts {
  return { routes, forms: routes.length > 0 ? pathForms(routes.map((r) => r.path)) : ["…"] };
}

/** `` `POST /vms/{vm}/start` ``, or one such for each form of the path, joined with "or". */
function request(verb: string, where: Whereabouts, below = ""): string {
  return where.forms.map((form) => `\`${verb}${verb ? " " : ""}${form + below || "/"}\``)
    .join(" or ");
}

function methodDoc(method: ModelMethod, parts: MethodParts, where: Whereabouts): string[] {
  const summary: Record<Exclude<ModelMethod["kind"], "add">, string> = {
    get: `${request("GET", where)}: fetches the ${what(parts.output)}.`,
    list: `${request("GET", where)}: lists the \`${parts.output?.type}\` objects.`,
    update: `${request("PUT", where)}: sends the members set in \`${parts.main?.tsName}\`; ` +
      "resolves to the result.",
    remove: `${request("DELETE", where)}: removes the object.`,
    action: `${request("POST", where, `/${method.segment}`)}: the \`${method.segment}\` action.`,
  };
  const lines = method.kind === "add" ? addDoc(parts, where) : [summary[method.kind]];
  if (method.signatureOf) {
    lines.push(
      "",
      `A signature of \`${method.signatureOf}\` with its own parameters; it sends the same request.`,
    );
  }
  if (parts.unread) lines.push("", ...unreadDoc(parts.unread));
  if (method.kind === "action") lines.push("", ...actionResultDoc(parts.output));
  if (method.deprecated) lines.push("", DEPRECATED_TAG);
  return lines;
}

/** Which parameters of the model a method leaves out, and what to use instead. */
function unreadDoc(unread: UnreadParameters): string[] {
  const names = unread.wires.map((wire) => `\`${wire}\``).join(", ");
  const left = unread.wires.length === 1
    ? `The model's parameter ${names} is left out: the engine never reads it.`
    : `The model's parameters ${names} are left out: the engine never reads them.`;
  return [`${left} ${unread.instead}`];
}

/**
 * What an `add` does and resolves to: the object as created, except where the engine answers
 * with a completed `<action>` ({@link ACTION_ANSWERED_ADDS}), where the runtime resolves to
 * the object sent.
 */
function addDoc(parts: MethodParts, where: Whereabouts): string[] {
  const type = what(parts.main);
  const adds = `${request("POST", where)}: adds ${/^`[AEIO]/.test(type) ? "an" : "a"} ${type}`;
  const answered = where.routes.filter((route) => ACTION_ANSWERED_ADDS.has(route.place ?? ""));
  const sent = "resolves to the object you sent, as you sent it (no `id` unless you gave one).";
  if (answered.length === 0) return [`${adds} and resolves to it as created.`];
  if (answered.length === where.routes.length) {
    return [
      `${adds}.`,
      "",
      `The engine answers with a completed \`<action>\`, not with the object: this ${sent}`,
    ];
  }
  const places = answered.map((route) => `\`${route.path}\``).join(", ");
  return [
    `${adds} and resolves to it as created.`,
    "",
    `At ${places} the engine answers with a completed \`<action>\` instead: there this ${sent}`,
  ];
}

/**
 * Whether an action's output is the yes or no it asks the engine for (`isAttached`): the
 * action is a question, so an answer without it is an error, not an action carried out.
 */
function isQuestion(output: ModelParameter): boolean {
  return output.kind === "boolean" && !output.list;
}

/** What an action resolves to, in doc comment lines. */
function actionResultDoc(output: ModelParameter | undefined): string[] {
  if (!output) return ["Resolves when the server has accepted the action."];
  const result = `Resolves to the action's \`${output.tsName}\` output (${what(output)})`;
  if (output.list) return [`${result}, \`[]\` when the answer leaves it out.`];
  if (isQuestion(output)) {
    return [`${result};`, "rejects with an `OvirtError` when the answer leaves it out."];
  }
  return [
    `${result},`,
    "or `undefined` when the answer leaves it out (the action was carried out all the same).",
  ];
}

function optionDoc(service: ModelService, method: ModelMethod, parameter: ModelParameter): string {
  // A remove's parameter that no query string can carry goes in an `<action>` body too.
  const inBody = method.kind === "action" ||
    (method.kind === "remove" && (parameter.kind === "struct" || parameter.list));
  const alias = ALSO_SENT_AS.get(parameter.wire);
  const where = !inBody && alias !== undefined
    ? `Sent as query parameter \`${parameter.wire}\` and, with the same value, as \`${alias}\`, ` +
      "the name the engine reads"
    : !inBody
    ? `Sent as query parameter \`${parameter.wire}\``
    : method.kind === "action" && ALSO_IN_QUERY.has(parameter.wire)
    ? `Sent both as \`<${parameter.wire}>\` in the \`<action>\` body and as query parameter ` +
      `\`${parameter.wire}\`: some actions read one, some the other`
    : `Sent as \`<${parameter.wire}>\` in the \`<action>\` body`;
  const renamed = RENAMED_PARAMETERS.get(`${service.name}.${method.tsName}.${parameter.wire}`);
  const engine = engineParameter(
    `${service.name}.${method.signatureOf ?? method.tsName}`,
    parameter.wire,
  );
  if (engine) {
    const note = engine.note ? ` ${engine.note}` : "";
    return `${where}. A parameter the engine reads that the API model lacks: ${engine.engine}.` +
      note;
  }
  return renamed ? `${where}. ${renamed.doc}` : `${where}.`;
}

/** Renders the module of one service. */
export function renderService(
  flat: FlatService,
  all: ReadonlyMap<string, FlatService>,
  routes: ReadonlyMap<string, readonly ServiceRoute[]>,
): string {
  const { service, methods, locators } = flat;
  const className = service.name;
  const where = whereabouts(routes.get(className) ?? []);
  const used = new Set<string>();
  for (const name of [...methods.map((m) => m.tsName), ...locators.map((l) => l.tsName)]) {
    if (SERVICE_MEMBERS.has(name) || used.has(name)) {
      throw new GenerateError(`${className}: member name ${name} is reserved or used twice`);
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
        head.push(
          ...docBlock(docLines(optionDoc(service, method, option), option.deprecated), "  "),
        );
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
      : method.kind === "action" && !parts.output!.list && !isQuestion(parts.output!)
      ? `${paramType(parts.output!)} | undefined` // an answer may leave it out
      : paramType(parts.output!);
    if (/types\./.test(result) || parts.main) usesTypes = true;
    const args = parts.main
      ? `${argumentName(parts.main.tsName)}: ${paramType(parts.main)}, options?: ${optionsType}`
      : `options?: ${optionsType}`;
    const mainArgument = parts.main ? `, ${argumentName(parts.main.tsName)}` : "";
    body.push(...docBlock(methodDoc(method, parts, where), "  "));
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
      const argument = argumentName(locator.parameter);
      const doc = `The \`${target.name}\` of one item: ${
        request("", where, `/{${locator.name}}`)
      }.`;
      body.push(
        ...docBlock(docLines(doc, locator.deprecated), "  "),
        `  ${locator.tsName}(${argument}: string): ${target.name} {`,
        `    return new ${target.name}(this.runtime, this.childPath(${argument}));`,
        "  }",
        "",
      );
    } else {
      const doc = `The \`${target.name}\` at ${request("", where, `/${locator.segment}`)}.`;
      body.push(
        ...docBlock(docLines(doc, locator.deprecated), "  "),
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
  const classDoc = classPlaceDoc(service.name.replace(/Service$/, ""), where);
  if (service.base) classDoc.push("", `Includes what it inherits from \`${service.base}\`.`);
  if (service.deprecated) classDoc.push("", DEPRECATED_TAG);
  lines.push(...docBlock(classDoc, ""));
  lines.push(`export class ${className} extends Service {`);
  lines.push(
    "  /** The key of this service in `services/metadata.ts`; unlike `name`, kept by minifiers. */",
    `  static readonly serviceName = ${JSON.stringify(className)};`,
    "",
  );
  lines.push(...body);
  lines.push("}", "");
  return lines.join("\n");
}

/**
 * How many paths the class doc of a service reached at many lists before it says "and N more"
 * (it lists them all when there is just one more).
 */
const PATHS_LISTED = 5;

/** The opening lines of a service's class doc: where it is and how to get there. */
function classPlaceDoc(name: string, where: Whereabouts): string[] {
  const { routes, forms } = where;
  if (routes.length === 0) {
    return [`The \`${name}\` service, which no locator of the model leads to.`];
  }
  if (routes.length === 1) {
    return [
      `The \`${name}\` service at \`${routes[0].path || "/"}\`.`,
      "",
      `Reached with \`connection.${routes[0].chain}\`.`,
    ];
  }
  const listed = routes.length > PATHS_LISTED + 1 ? routes.slice(0, PATHS_LISTED) : routes;
  const lines = [`The \`${name}\` service, reached at ${routes.length} paths:`, ""];
  for (const route of listed) lines.push(`- \`${route.path}\``);
  if (listed.length < routes.length) lines.push(`- and ${routes.length - listed.length} more.`);
  lines.push(
    "",
    `Its docs write these paths ${forms.map((form) => `\`${form}\``).join(" or ")}.`,
    "",
    `Reached, for example, with \`connection.${routes[0].chain}\`.`,
  );
  return lines;
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
    `import { BaseConnection, type SignalOption } from "../transport/connection.ts";`,
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
    "   * `signal` ends this call's wait (the request, shared with other callers, goes on).",
    "   */",
    "  override async engineVersion(options: SignalOption = {}): Promise<Version> {",
    "    return await super.engineVersion(options) as Version;",
    "  }",
    "}",
    "",
  ].join("\n");
}
