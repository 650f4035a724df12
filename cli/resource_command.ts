/**
 * Running a verb of a resource: `ovirt vms list`, `ovirt vm show NAME`,
 * `ovirt vm add --from vm.json`, `ovirt vm start NAME --wait`, `ovirt vm nics NAME`.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { fromXml } from "../transport/xml/mod.ts";
import type { Nested, Resource, Verb } from "./command_table.ts";
import type { Context } from "./context.ts";
import { UsageError } from "./errors.ts";
import { parseDuration, WAIT_OPTIONS } from "./options.ts";
import { render } from "./output/render.ts";
import { resolveId } from "./resolve.ts";
import { convert, fromJson, paramValue } from "./values.ts";
import { verbFlags } from "./verb_flags.ts";
import { waitSettled } from "./wait.ts";
import { readInput } from "./input.ts";
import { nameReferences } from "./reference_names.ts";
import { defaultColumns } from "./output/cells.ts";

type Callable = Record<string, (...args: unknown[]) => Promise<unknown>>;

/** The flags of `verb`, wait flags included where it can wait. */
export function flagsOfVerb(verb: Verb) {
  const main = verb.spec.kind === "add" || verb.spec.kind === "update"
    ? verb.spec.main?.type
    : undefined;
  const flags = verbFlags(verb.params, main);
  const waits = verb.spec.kind === "add" || verb.spec.kind === "action";
  return { flags, options: { ...flags.options, ...(waits ? WAIT_OPTIONS : {}) } };
}

/** Whether `verb` addresses one entity (and so takes its name or id). */
export function takesEntity(verb: Verb): boolean {
  return verb.target === "entity";
}

/** Runs `verb` of `resource` with the arguments after the verb word. */
export async function runVerb(
  context: Context,
  resource: Resource,
  verb: Verb,
  args: string[],
  globalOptions: Record<string, unknown>,
): Promise<void> {
  const { flags, options } = flagsOfVerb(verb);
  const { values, positionals } = parseArgs({
    args,
    options: { ...globalOptions, ...options } as never,
    allowPositionals: true,
    allowNegative: true,
    strict: true,
  }) as { values: Record<string, unknown>; positionals: string[] };
  const entityWord = takesEntity(verb) ? positionals.shift() : undefined;
  if (takesEntity(verb) && entityWord === undefined) {
    throw new UsageError(
      `ovirt ${resource.singular} ${verb.word}: which ${resource.singular}? ` +
        `Give its name or id`,
    );
  }
  if (positionals.length > 0) {
    throw new UsageError(
      `ovirt ${resource.singular} ${verb.word}: unexpected argument ` +
        `"${positionals[0]}"`,
    );
  }
  const callOptions: Record<string, unknown> = {};
  for (const [flag, param] of flags.params) {
    if (values[flag] !== undefined) callOptions[param.name] = paramValue(param, values[flag], flag);
  }
  let main: Record<string, unknown> | undefined;
  if (verb.spec.main?.type) {
    main = await mainObject(verb.spec.main.type, values, flags.members);
    if (Object.keys(main).length === 0) {
      throw new UsageError(
        `ovirt ${resource.singular} ${verb.word}: nothing to send; give ` +
          `flags such as --name, or --from FILE (see --help)`,
      );
    }
  }

  const { connection } = await context.session();
  const entityPath = entityWord === undefined
    ? undefined
    : `${resource.segment}/${
      encodeURIComponent(await resolveId(connection, resource, resource.segment, entityWord))
    }`;
  const service = connection.service(entityPath ?? resource.segment) as unknown as Callable;
  const args2 = main === undefined ? [callOptions] : [main, callOptions];
  let result = await service[verb.method](...args2);

  if (values.wait) {
    const createdId = verb.spec.kind === "add" ? (result as { id?: string })?.id : undefined;
    const path = entityPath ?? (createdId ? `${resource.segment}/${createdId}` : undefined);
    if (path) {
      const entity = connection.service(path) as unknown as Callable;
      const settled = await waitSettled({
        ...(resource.type ? { type: resource.type } : {}),
        method: verb.method,
        get: () => entity.get() as Promise<{ status?: string }>,
        what: `${resource.singular} ${entityWord ?? createdId}`,
        interval: parseDuration(String(values["wait-interval"] ?? "2s"), "wait-interval"),
        timeout: parseDuration(String(values["wait-timeout"] ?? "10m"), "wait-timeout"),
      });
      if (settled && (result === undefined || verb.spec.kind === "add")) result = settled;
    }
  }
  await show(context, result, verb.spec.output?.type ?? resource.type);
}

/** Lists a collection nested in an entity: `ovirt vm nics NAME`. */
export async function runNested(
  context: Context,
  resource: Resource,
  nested: Nested,
  args: string[],
  globalOptions: Record<string, unknown>,
): Promise<void> {
  const list = nested.service.methods.find((method) => method.kind === "list")!;
  const flags = verbFlags(list.params);
  const { values, positionals } = parseArgs({
    args,
    options: { ...globalOptions, ...flags.options } as never,
    allowPositionals: true,
    allowNegative: true,
    strict: true,
  }) as { values: Record<string, unknown>; positionals: string[] };
  if (positionals.length !== 1) {
    throw new UsageError(
      `ovirt ${resource.singular} ${nested.word}: give the name or id of one ${resource.singular}`,
    );
  }
  const callOptions: Record<string, unknown> = {};
  for (const [flag, param] of flags.params) {
    if (values[flag] !== undefined) callOptions[param.name] = paramValue(param, values[flag], flag);
  }
  const { connection } = await context.session();
  const id = await resolveId(connection, resource, resource.segment, positionals[0]);
  const path = `${resource.segment}/${encodeURIComponent(id)}/${nested.segment}`;
  const service = connection.service(path) as unknown as Callable;
  await show(context, await service.list(callOptions), nested.type);
}

/** Prints a result; tables get the names of the objects their columns refer to. */
export async function show(context: Context, value: unknown, type?: string): Promise<void> {
  const { format, columns } = context.output;
  if ((format === "table" || format === "csv") && value && typeof value === "object") {
    const items = Array.isArray(value) ? value : [value];
    const shown = columns ??
      (Array.isArray(value) ? defaultColumns(type) : Object.keys(value as object));
    await nameReferences((await context.session()).connection, items, type, shown);
  }
  context.out(render(value, type, context.output));
}

async function mainObject(
  type: string,
  values: Record<string, unknown>,
  members: ReturnType<typeof verbFlags>["members"],
): Promise<Record<string, unknown>> {
  const from = values.from as string | undefined;
  const object: Record<string, unknown> = from === undefined ? {} : await readObject(from, type);
  for (const [flag, member] of members) {
    const raw = values[flag];
    if (raw === undefined) continue;
    object[member.name] = member.list
      ? (raw as string[]).map((text) => convert(text, member, `--${flag}`))
      : member.kind === "boolean"
      ? raw
      : convert(raw as string, member, `--${flag}`);
  }
  return object;
}

/** The object in a JSON or XML file (`-`: standard input). */
async function readObject(path: string, type: string): Promise<Record<string, unknown>> {
  const text = await readInput(path, "from");
  if (text.trimStart().startsWith("<")) return fromXml(text) as Record<string, unknown>;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--from ${path}: not JSON or XML (${(error as Error).message})`);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new UsageError(`--from ${path}: the file must hold one JSON object`);
  }
  return fromJson(json as Record<string, unknown>, type, `--from ${path}`);
}
