/**
 * Running a verb of a resource: `ovirt vms list`, `ovirt vm show NAME`,
 * `ovirt vm add --from vm.json`, `ovirt vm start NAME --wait`, `ovirt host install NAME --from -`,
 * `ovirt vm nics NAME`.
 *
 * @module
 */

import type { ParamSpec } from "./model.ts";
import type { Nested, Resource, Verb } from "./command_table.ts";
import type { Context } from "./context.ts";
import { UsageError } from "./errors.ts";
import { readObjectFile } from "./object_input.ts";
import {
  type OptionSpec,
  type ParsedFlags,
  parseDuration,
  parseInterval,
  WAIT_OPTIONS,
} from "./options.ts";
import { checkColumns, defaultColumns } from "./output/cells.ts";
import { render } from "./output/render.ts";
import { nameReferences } from "./reference_names.ts";
import { resolveId } from "./resolve.ts";
import { checkActionBody, checkCall, checkSendable } from "./sendable.ts";
import { convert, memberOf, paramValue } from "./values.ts";
import { type VerbFlags, verbFlags } from "./verb_flags.ts";
import { waitSettled } from "./wait.ts";

/** What the CLI calls on a service: its methods by name. */
type Methods = Record<string, (...args: unknown[]) => Promise<unknown>>;

/** The flags of `verb`, wait flags included where it can wait. */
export function flagsOfVerb(
  verb: Verb,
): { flags: VerbFlags; options: Record<string, OptionSpec> } {
  const main = verb.spec.kind === "add" || verb.spec.kind === "update"
    ? verb.spec.main?.type
    : undefined;
  const flags = verbFlags(verb.params, main, main !== undefined || verb.spec.kind === "action");
  const waits = verb.spec.kind === "add" || verb.spec.kind === "action";
  return { flags, options: { ...flags.options, ...(waits ? WAIT_OPTIONS : {}) } };
}

/** The flags of a nested collection's `list` (`ovirt vm nics NAME --max 2`). */
export function flagsOfNested(nested: Nested): VerbFlags {
  const list = nested.service.methods.find((method) => method.kind === "list");
  return verbFlags(list?.params ?? []);
}

/** Whether `verb` addresses one entity (and so takes its name or id). */
export function takesEntity(verb: Verb): boolean {
  return verb.target === "entity";
}

function callOptionsOf(
  params: ReadonlyMap<string, ParamSpec>,
  values: Record<string, unknown>,
): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  for (const [flag, param] of params) {
    if (values[flag] !== undefined) options[param.name] = paramValue(param, values[flag], flag);
  }
  return options;
}

/** Runs `verb` of `resource` with the flags and words after the verb word. */
export async function runVerb(
  context: Context,
  resource: Resource,
  verb: Verb,
  parsed: ParsedFlags,
): Promise<void> {
  const command = `ovirt ${resource.singular} ${verb.word}`;
  const { flags } = flagsOfVerb(verb);
  const { values } = parsed;
  const positionals = [...parsed.positionals];
  const entityWord = takesEntity(verb) ? positionals.shift() : undefined;
  if (takesEntity(verb) && entityWord === undefined) {
    throw new UsageError(`${command}: which ${resource.singular}? Give its name or id`);
  }
  if (positionals.length > 0) {
    throw new UsageError(`${command}: unexpected argument "${positionals[0]}"`);
  }
  checkColumns(context.output, verb.spec.output?.type ?? resource.type);
  const fromFile = verb.spec.kind === "action" && values.from !== undefined
    ? await actionParams(verb, values.from as string, context.signal)
    : {};
  const callOptions = {
    ...overlaid(fromFile, callOptionsOf(flags.params, values)) as Record<string, unknown>,
    signal: context.signal,
  };
  const main = verb.spec.main?.type
    ? await mainObject(verb.spec.main.type, values, flags.members, context.signal)
    : undefined;
  if (main && Object.keys(main).length === 0) {
    throw new UsageError(`${command}: nothing to send; give flags such as --name, or --from FILE`);
  }
  if (main) checkSendable(command, verb.spec.main!.type!, main);
  checkCall(command, verb.spec, callOptions, main);
  const wait = waitOf(command, values);

  const { connection } = await context.session();
  const entityPath = entityWord === undefined
    ? undefined
    : `${resource.segment}/${
      encodeURIComponent(
        await resolveId(connection, resource, resource.segment, entityWord, context.signal),
      )
    }`;
  const service = connection.service(entityPath ?? resource.segment) as unknown as Methods;
  const hasStatus = resource.type !== undefined && memberOf(resource.type, "status") !== undefined;
  const before = wait && entityPath && hasStatus
    ? await statusOf(service, context.signal)
    : undefined;
  let result = await service[verb.method](...(main ? [main, callOptions] : [callOptions]));

  if (wait) {
    const createdId = verb.spec.kind === "add" ? (result as { id?: string })?.id : undefined;
    const path = entityPath ?? (createdId ? `${resource.segment}/${createdId}` : undefined);
    if (path) {
      const entity = connection.service(path) as unknown as Methods;
      const settled = await waitSettled({
        ...(resource.type ? { type: resource.type } : {}),
        method: verb.method,
        params: callOptions,
        ...(before === undefined ? {} : { before }),
        get: (signal) => entity.get({ signal }) as Promise<{ status?: string }>,
        what: `${resource.singular} ${entityWord ?? createdId}`,
        signal: context.signal,
        ...wait,
      });
      if (settled && (result === undefined || verb.spec.kind === "add")) result = settled;
    }
  }
  await show(context, result, verb.spec.output?.type ?? resource.type);
}

/**
 * The poll interval and time limit of `--wait`, or `undefined` without it; a wait flag
 * without `--wait`, or a bad value, is refused before anything is sent.
 */
function waitOf(
  command: string,
  values: Record<string, unknown>,
): { interval: number; timeout: number } | undefined {
  const interval = values["wait-interval"], timeout = values["wait-timeout"];
  if (!values.wait) {
    const stray = interval !== undefined ? "wait-interval" : "wait-timeout";
    if (interval === undefined && timeout === undefined) return undefined;
    throw new UsageError(`${command}: --${stray} works only with --wait`);
  }
  return {
    interval: parseInterval(String(interval ?? "2s"), "wait-interval"),
    timeout: parseDuration(String(timeout ?? "10m"), "wait-timeout"),
  };
}

/** The status of the object `service` stands for, before an action that will be waited for. */
async function statusOf(service: Methods, signal: AbortSignal): Promise<string | undefined> {
  if (typeof service.get !== "function") return undefined;
  const object = await service.get({ signal }) as { status?: string } | undefined;
  return object?.status;
}

/** Lists a collection nested in an entity: `ovirt vm nics NAME`. */
export async function runNested(
  context: Context,
  resource: Resource,
  nested: Nested,
  { values, positionals }: ParsedFlags,
): Promise<void> {
  const flags = flagsOfNested(nested);
  const command = `ovirt ${resource.singular} ${nested.word}`;
  // `ovirt vm nics NAME list` is `ovirt vm nics NAME`: list is all a nested collection does.
  const words = positionals.length === 2 && positionals[1] === "list"
    ? positionals.slice(0, 1)
    : positionals;
  if (words.length === 0) {
    throw new UsageError(`${command}: give the name or id of one ${resource.singular}`);
  }
  if (words.length > 1) {
    throw new UsageError(
      `${command}: unexpected argument "${words[1]}" (after the ${resource.singular}, only list)`,
    );
  }
  checkColumns(context.output, nested.type);
  const callOptions = { ...callOptionsOf(flags.params, values), signal: context.signal };
  const { connection } = await context.session();
  const id = await resolveId(connection, resource, resource.segment, words[0], context.signal);
  const path = `${resource.segment}/${encodeURIComponent(id)}/${nested.segment}`;
  const service = connection.service(path) as unknown as Methods;
  await show(context, await service.list(callOptions), nested.type);
}

/** Prints a result; tables get the names of the objects their columns refer to. */
export async function show(context: Context, value: unknown, type?: string): Promise<void> {
  const { format, columns } = context.output;
  if ((format === "table" || format === "csv") && value && typeof value === "object") {
    const items = Array.isArray(value) ? value : [value];
    const shown = columns ??
      (Array.isArray(value) ? defaultColumns(type) : Object.keys(value as object));
    const { connection } = await context.session();
    await nameReferences(connection, items, type, shown, context.signal);
  }
  context.out(render(value, type, context.output));
}

/**
 * The parameters of action `verb` in `--from FILE` (an `<action>` or its JSON): what a flag
 * could give, so that a secret such as a root password need not be on the command line. Each
 * flag given too replaces the file's value.
 */
async function actionParams(
  verb: Verb,
  path: string,
  signal: AbortSignal,
): Promise<Record<string, unknown>> {
  const params = await readObjectFile(path, "Action", signal);
  checkActionBody(`--from ${path}`, { name: verb.spec.name, params: verb.params }, params);
  return params;
}

/** The main object of an add or update: `--from FILE`, then each member flag over it. */
async function mainObject(
  type: string,
  values: Record<string, unknown>,
  members: VerbFlags["members"],
  signal: AbortSignal,
): Promise<Record<string, unknown>> {
  const from = values.from as string | undefined;
  const object = from === undefined ? {} : await readObjectFile(from, type, signal);
  for (const [flag, member] of members) {
    const raw = values[flag];
    if (raw === undefined) continue;
    if (member.list) {
      object[member.name] = (raw as string[]).map((text) => convert(text, member, `--${flag}`));
    } else {
      const value = member.kind === "boolean" ? raw : convert(raw as string, member, `--${flag}`);
      object[member.name] = overlaid(object[member.name], value);
    }
  }
  return object;
}

/**
 * `over` laid on `base`, the file's values: objects merged member by member at every depth
 * (`--vm initialization.user_name=admin` keeps the file's `initialization.root_password`);
 * anything else given (a value, a list) replaces what the file had.
 */
function overlaid(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return over;
  const result: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) result[key] = overlaid(base[key], value);
  return result;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null &&
    Object.getPrototypeOf(value) === Object.prototype;
}
