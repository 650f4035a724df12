/**
 * Running a verb of a resource: `ovirt vms list`, `ovirt vm show NAME`,
 * `ovirt vm add --from vm.json`, `ovirt vm start NAME --wait`, `ovirt host install NAME --from -`,
 * and of a collection nested in one of its entities: `ovirt vm nics NAME`,
 * `ovirt vm snapshots NAME add --description x --wait`, `ovirt vm snapshots NAME SNAP restore`.
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
import { listText } from "./output/list_text.ts";
import { render } from "./output/render.ts";
import { nameReferences } from "./reference_names.ts";
import { resolveId } from "./resolve.ts";
import { actionOptions, checkCall, checkSendable } from "./sendable.ts";
import { convert, memberOf, paramValue } from "./values.ts";
import { type VerbFlags, verbFlags } from "./verb_flags.ts";
import { waitSettled } from "./wait.ts";
import { itemId } from "./nested_command.ts";
import { type Polled, waitNested } from "./nested_wait.ts";
import { type CallOptions, type Connection, type ListingService, listStream } from "../mod.ts";

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

/** The entity a nested collection belongs to, as the command names it: VM `web1`. */
export interface Owner {
  /** Its resource (`vm`). */
  readonly resource: Resource;
  /** Its name or id, as given. */
  readonly word: string;
}

/**
 * Runs `verb` of `resource` with the flags and words after the verb word (the entity's
 * name or id first, where the verb takes one). With `owner`, `resource` is a collection
 * nested in that entity (`ovirt vm snapshots web1 ...`).
 */
export async function runVerb(
  context: Context,
  resource: Resource,
  verb: Verb,
  parsed: ParsedFlags,
  owner?: Owner,
): Promise<void> {
  const command = owner
    ? `ovirt ${owner.resource.singular} ${resource.plural} ${verb.word}`
    : `ovirt ${resource.singular} ${verb.word}`;
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
  const wait = waitOf(command, values, context.requestFlags().timeout);

  const { connection } = await context.session();
  const { signal } = context;
  const ownerPath = owner ? await entityPathOf(connection, owner, signal) : undefined;
  const collectionPath = ownerPath ? `${ownerPath}/${resource.segment}` : resource.segment;
  const entityId = entityWord === undefined
    ? undefined
    : await (owner ? itemId : resolveId)(connection, resource, collectionPath, entityWord, signal);
  const entityPath = entityId === undefined
    ? undefined
    : `${collectionPath}/${encodeURIComponent(entityId)}`;
  const service = connection.service(entityPath ?? collectionPath) as unknown as Methods;
  if (verb.spec.kind === "list") {
    return await showList(context, service, callOptions, verb.spec.output?.type ?? resource.type);
  }
  const hasStatus = resource.type !== undefined && memberOf(resource.type, "status") !== undefined;
  const before = wait && entityPath && hasStatus ? await statusOf(service, signal) : undefined;
  let result = await service[verb.method](...(main ? [main, callOptions] : [callOptions]));

  if (wait) {
    const createdId = verb.spec.kind === "add" ? (result as { id?: string })?.id : undefined;
    const path = entityPath ?? (createdId ? `${collectionPath}/${createdId}` : undefined);
    if (path) {
      const entity = connection.service(path) as unknown as Methods;
      const item = {
        ...(resource.type ? { type: resource.type } : {}),
        get: (signal: AbortSignal) => entity.get({ signal }) as Promise<{ status?: string }>,
        what: `${resource.singular} ${entityWord ?? createdId}`,
      };
      const common = { method: verb.method, params: callOptions, signal, ...wait };
      const settled = ownerPath
        ? await waitNested({
          item,
          owner: ownerOf(connection, owner!, ownerPath),
          ...(before === undefined ? {} : { before }),
          ...common,
        })
        : await waitSettled({ ...item, ...(before === undefined ? {} : { before }), ...common });
      if (settled && (result === undefined || verb.spec.kind === "add")) result = settled;
    }
  }
  await show(context, result, verb.spec.output?.type ?? resource.type);
}

/** The path of the entity `owner` names: `vms/123`. */
async function entityPathOf(
  connection: Connection,
  { resource, word }: Owner,
  signal: AbortSignal,
): Promise<string> {
  const id = await resolveId(connection, resource, resource.segment, word, signal);
  return `${resource.segment}/${encodeURIComponent(id)}`;
}

/** The owner of a nested item, at `path`, as `--wait` polls it. */
function ownerOf(connection: Connection, owner: Owner, path: string): Polled {
  const service = connection.service(path) as unknown as Methods;
  return {
    ...(owner.resource.type ? { type: owner.resource.type } : {}),
    get: (signal) => service.get({ signal }) as Promise<{ status?: string }>,
    what: `${owner.resource.singular} ${owner.word}`,
  };
}

/**
 * The poll interval and time limit of `--wait`, or `undefined` without it; a wait flag
 * without `--wait`, or a bad value, is refused before anything is sent.
 */
function waitOf(
  command: string,
  values: Record<string, unknown>,
  requestTimeout: number | undefined,
): { interval: number; timeout: number; pollTimeout?: number } | undefined {
  const interval = values["wait-interval"], timeout = values["wait-timeout"];
  if (!values.wait) {
    const stray = interval !== undefined ? "wait-interval" : "wait-timeout";
    if (interval === undefined && timeout === undefined) return undefined;
    throw new UsageError(`${command}: --${stray} works only with --wait`);
  }
  return {
    interval: parseInterval(String(interval ?? "2s"), "wait-interval"),
    timeout: parseDuration(String(timeout ?? "10m"), "wait-timeout"),
    // `--request-timeout` says how long a request may take (0: no limit): a poll too.
    ...(requestTimeout === undefined ? {} : { pollTimeout: requestTimeout || Infinity }),
  };
}

/** The status of the object `service` stands for, before an action that will be waited for. */
async function statusOf(service: Methods, signal: AbortSignal): Promise<string | undefined> {
  if (typeof service.get !== "function") return undefined;
  const object = await service.get({ signal }) as { status?: string } | undefined;
  return object?.status;
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
 * Items a table or CSV names the references of at a time (`nameReferences` lists the
 * referenced collection once for each such batch): what a list holds of its objects.
 */
const NAMING_BATCH = 200;

/**
 * Lists `collection` and prints its items of struct `type` as they arrive, at the pace of
 * the output's reader: the same text as {@link show} of the whole list, holding one item
 * (a batch for a table or CSV, whose references get names) and the output's buffer; a table
 * holds its rows' cells until the end. Output printed before a failure stays.
 */
async function showList(
  context: Context,
  collection: Methods,
  options: Record<string, unknown>,
  type: string | undefined,
): Promise<void> {
  const text = listText(type, context.output);
  const { connection } = await context.session();
  const items = listStream(collection as unknown as ListingService<unknown, CallOptions>, options);
  const write = async (batch: unknown[]) => {
    if (batch.length === 0) return;
    if (text.columns) await nameReferences(connection, batch, type, text.columns, context.signal);
    await context.outPaced(text.items(batch));
  };
  let batch: unknown[] = [];
  for await (const item of items) {
    batch.push(item);
    if (!text.columns || batch.length === NAMING_BATCH) {
      await write(batch);
      batch = [];
    }
  }
  await write(batch);
  await context.outPaced(text.end());
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
  const body = await readObjectFile(path, "Action", signal);
  return actionOptions(`--from ${path}`, { name: verb.spec.name, params: verb.params }, body);
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
