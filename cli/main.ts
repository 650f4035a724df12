/**
 * `ovirt`: the oVirt engine from a shell, on top of the SDK. Its commands come from the
 * API model: `ovirt vms list`, `ovirt vm show NAME`, `ovirt vm start NAME --wait`,
 * `ovirt vm add --from vm.json`, `ovirt vm nics NAME`, and `ovirt api GET /vms/123`.
 *
 * Install it with `deno install -g -A -n ovirt jsr:@ovirt/sdk/cli`, or run it with
 * `deno run -A jsr:@ovirt/sdk/cli vms list`.
 *
 * @example
 * ```ts
 * import { main } from "@ovirt/sdk/cli";
 *
 * // The same as running `ovirt vms list -o json` in a shell.
 * const exitCode = await main(["vms", "list", "-o", "json"]);
 * ```
 *
 * @module
 */

import { findResource, type Nested, type Resource } from "./command_table.ts";
import { Context } from "./context.ts";
import { errorLine, exitCodeOf, OutputClosedError, UsageError } from "./errors.ts";
import { resourceHelp, topHelp, verbHelp } from "./help.ts";
import { Interrupt } from "./interrupt.ts";
import { globalFlagsEnd, type OptionSpec, type ParsedFlags, parseFlags } from "./options.ts";
import { SDK_VERSION } from "../transport/version.ts";
import { OvirtError } from "../transport/errors.ts";
import { envValue } from "../transport/env_value.ts";
import { flagsOfVerb, runVerb } from "./resource_command.ts";
import { callWords, nestedCall } from "./nested_command.ts";
import { nestedCommandHelp } from "./nested_help.ts";
import { SPECIAL } from "./special.ts";
import { specialVerbs } from "./special_verbs.ts";

/**
 * Environment variable `name`; one that is not valid UTF-8 is a bad setting (exit 2), named
 * without its value (it may be `OVIRT_PASSWORD`).
 */
function settingFromEnv(name: string): string | undefined {
  try {
    return envValue(name);
  } catch (error) {
    throw error instanceof OvirtError ? new UsageError(error.message) : error;
  }
}

/**
 * Runs the command line `args` (without the program name) and resolves to the exit code.
 * Results go to standard output; a failure prints one line on standard error. Ctrl-C,
 * SIGTERM or SIGHUP stops the command, which cleans up, and resolves to 130, 143 or 129 (see
 * interrupt.ts).
 *
 * Global flags (`-o`, `--url`...) may come anywhere, but after `RESOURCE VERB` a flag that
 * the verb has itself is the verb's (`openstack-image-provider add --url`, `cluster add
 * --version`): the global flag of that name then goes before the resource.
 */
export async function main(
  args: readonly string[],
  env: (name: string) => string | undefined = settingFromEnv,
): Promise<number> {
  // Ctrl-C, SIGTERM or SIGHUP aborts the command's calls; the connection is still closed (logout).
  using interrupt = new Interrupt();
  // An empty variable (`OVIRT_URL=`) counts as unset.
  const context = new Context(
    (name) => env(name) || undefined,
    {},
    interrupt.signal,
    interrupt.leftovers,
  );
  try {
    await run(context, args);
    await context.flush(); // output waiting for a slow reader; a signal does not wait for it
    return interrupt.exitCode ?? 0;
  } catch (error) {
    // Interrupted: the command has cleaned up what it began; the exit code says why it ended,
    // and an error with more to say than the abort (what a clean-up left behind) is shown.
    if (interrupt.exitCode !== undefined) {
      if (saysMoreThan(error, interrupt.signal.reason)) context.err(errorLine(error) + "\n");
      return interrupt.exitCode;
    }
    if (error instanceof OutputClosedError) return 0; // nobody reads any more
    // Explaining must not fail in turn (a session file that cannot be removed): main()
    // resolves to an exit code, whatever happens.
    const explained = await context.explain(error).catch(() => error);
    context.err(errorLine(explained) + "\n"); // nothing if stderr's reader has gone
    return exitCodeOf(explained);
  } finally {
    await context.close().catch(() => {}); // a logout's failure is only logged (--debug)
    await context.flush().catch(() => {}); // the error line; a signal does not wait for it
  }
}

/**
 * Whether `error`, which ended an interrupted command, says more than that it was aborted
 * for `reason`: an SDK error wrapping the abort with what its clean-up left behind.
 */
function saysMoreThan(error: unknown, reason: unknown): boolean {
  return error instanceof OvirtError && error.cause === reason &&
    error.message !== "The request was aborted";
}

/** The version line of `ovirt --version`. */
function version(context: Context): void {
  context.out(`ovirt ${SDK_VERSION} (Deno ${Deno.version.deno})\n`);
}

/**
 * Reads the global flags from `args[start]` up to the next word or other flag, into the
 * context; the index where they end. Before the resource (`before`), another flag is
 * refused (`ovirt --colour vms`); after it, it is the verb's (`ovirt vms --max 2`).
 */
function leadingGlobals(
  context: Context,
  args: readonly string[],
  start: number,
  before = true,
): number {
  const end = globalFlagsEnd(args, start);
  const stray = before && end < args.length && args[end].startsWith("-") &&
    args[end] !== "-" && args[end] !== "--";
  const { globals } = parseFlags(args.slice(start, stray ? end + 1 : end));
  context.useGlobals(globals);
  return end;
}

/**
 * The global flags before the command word, from `start`, into the context; the index of
 * the command word. A `--` ends them: the word after it is the command (`ovirt -- vms`).
 */
function globalsBeforeCommand(context: Context, args: readonly string[], start: number): number {
  const at = leadingGlobals(context, args, start);
  return args[at] === "--" ? at + 1 : at;
}

async function run(context: Context, args: readonly string[]): Promise<void> {
  let at = globalsBeforeCommand(context, args, 0);
  if (context.globals.version) return version(context);
  let help = context.globals.help === true;
  if (args[at] === "help") { // `ovirt help vm start`
    help = true;
    at = globalsBeforeCommand(context, args, at + 1);
  }
  const noun = args[at];
  if (noun === undefined) return context.out(topHelp());
  const special = SPECIAL.get(noun);
  if (special) {
    if (special.raw) return await special.run(context, rawFlags(args.slice(at + 1)));
    const parsed = commandFlags(context, args.slice(at + 1), special.options);
    if (help || context.globals.help) return context.out(special.help);
    if (context.globals.version) return version(context);
    return await special.run(context, parsed);
  }
  const resource = findResource(noun);
  if (!resource) throw new UsageError(`Unknown command "${noun}"; see ovirt --help`);
  // Global flags may come between the resource and the verb; a flag of the verb ends them
  // (`ovirt vms --search status=down` is `list`).
  const verbAt = leadingGlobals(context, args, at + 1, false);
  const verbWord = verbAt < args.length && !args[verbAt].startsWith("-") ? args[verbAt] : undefined;
  const rest = args.slice(verbWord === undefined ? verbAt : verbAt + 1);
  await dispatch(context, resource, verbWord, rest, help);
}

function rawFlags(args: readonly string[]): ParsedFlags {
  return { values: {}, globals: {}, positionals: [...args] };
}

/** Reads the flags after the command word(s); the global ones go into the context. */
function commandFlags(
  context: Context,
  args: readonly string[],
  own: Readonly<Record<string, OptionSpec>> = {},
): ParsedFlags {
  const parsed = parseFlags(args, own);
  context.useGlobals(parsed.globals);
  return parsed;
}

async function dispatch(
  context: Context,
  resource: Resource,
  verbWord: string | undefined,
  rest: readonly string[],
  help: boolean,
): Promise<void> {
  const asked = () => help || context.globals.help === true;
  const extra = specialVerbs(resource.singular);
  const list = resource.verbs.get("list");
  if (verbWord === undefined) {
    // `ovirt vms` and `ovirt vms --max 2` list; `ovirt vm --help` is the resource's help.
    const parsed = commandFlags(context, rest, list ? flagsOfVerb(list).options : {});
    if (asked() || !list) {
      return context.out(resourceHelp(resource, extra.map((verb) => [verb.usage, verb.summary])));
    }
    if (context.globals.version) return version(context);
    return await runVerb(context, resource, list, parsed);
  }
  const own = extra.find((verb) => verb.word === verbWord);
  const verb = own ? undefined : resource.verbs.get(verbWord);
  const nested = own || verb ? undefined : resource.nested.get(verbWord);
  if (nested) return await dispatchNested(context, resource, nested, rest, asked);
  if (!own && !verb) {
    throw new UsageError(
      `ovirt ${resource.singular}: unknown verb "${verbWord}"; see ovirt ${resource.singular} --help`,
    );
  }
  const parsed = commandFlags(context, rest, own?.options ?? flagsOfVerb(verb!).options);
  if (asked()) return context.out(own ? own.help : verbHelp(resource, verb!));
  if (context.globals.version) return version(context);
  if (own) return await own.run(context, parsed);
  return await runVerb(context, resource, verb!, parsed);
}

/**
 * Runs a command of a collection nested in an entity of `resource`, `rest` the words after
 * its word: `ovirt vm snapshots web1 [list]`, `... web1 add ...`, `... web1 SNAP restore`.
 */
async function dispatchNested(
  context: Context,
  resource: Resource,
  nested: Nested,
  rest: readonly string[],
  asked: () => boolean,
): Promise<void> {
  const call = nestedCall(resource, nested, rest);
  const parsed = commandFlags(context, call.args, flagsOfVerb(call.verb).options);
  if (asked()) return context.out(nestedCommandHelp(resource, nested, call));
  if (context.globals.version) return version(context);
  const { owner, item } = callWords(resource, nested, call, parsed.positionals);
  const words = { ...parsed, positionals: item === undefined ? [] : [item] };
  return await runVerb(context, nested, call.verb, words, { resource, word: owner });
}

if (import.meta.main) Deno.exit(await main(Deno.args));
