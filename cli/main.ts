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

import { parseArgs } from "node:util";
import { findResource } from "./command_table.ts";
import type { Env } from "./config.ts";
import { Context, type GlobalValues } from "./context.ts";
import { errorLine, exitCodeOf, UsageError } from "./errors.ts";
import { nestedHelp, resourceHelp, topHelp, verbHelp } from "./help.ts";
import { checkGlobalValues, GLOBAL_OPTIONS } from "./options.ts";
import { SDK_VERSION } from "../transport/version.ts";
import { runNested, runVerb } from "./resource_command.ts";
import { SPECIAL } from "./special.ts";
import { specialVerbs } from "./special_verbs.ts";

/**
 * Runs the command line `args` (without the program name) and resolves to the exit code.
 * Results go to standard output; a failure prints one line on standard error.
 */
export async function main(
  args: readonly string[],
  env: (name: string) => string | undefined = (name) => Deno.env.get(name),
): Promise<number> {
  let context: Context | undefined;
  try {
    const first = parseArgs({
      args: [...args],
      options: GLOBAL_OPTIONS,
      strict: false,
      allowPositionals: true,
      allowNegative: true,
      tokens: true,
    });
    checkGlobalValues(first.values);
    context = new Context(env as Env, first.values as GlobalValues);
    const positionals = first.tokens.filter((token) => token.kind === "positional").slice(0, 3);
    const help = first.values.help === true || positionals[0]?.value === "help";
    if (positionals[0]?.value === "help") positionals.shift(); // `ovirt help vm start`
    if (first.values.version === true) {
      context.out(`ovirt ${SDK_VERSION} (Deno ${Deno.version.deno})\n`);
      return 0;
    }
    const words = positionals.slice(0, 2);
    const rest = (count: number) => {
      const skip = new Set(words.slice(0, count).map((token) => token.index));
      return args.filter((_, index) => !skip.has(index));
    };
    await dispatch(context, words.map((token) => token.value), rest, help);
    return 0;
  } catch (error) {
    const explained = context ? await context.explain(error) : error;
    const line = errorLine(explained);
    Deno.stderr.writeSync(new TextEncoder().encode(line + "\n"));
    return exitCodeOf(explained);
  } finally {
    await context?.close();
  }
}

async function dispatch(
  context: Context,
  words: string[],
  rest: (count: number) => string[],
  help: boolean,
): Promise<void> {
  const [noun, verbWord] = words;
  if (noun === undefined) return context.out(topHelp());
  const special = SPECIAL.get(noun);
  if (special) {
    if (help) return context.out(special.help);
    return await special.run(context, rest(1));
  }
  const resource = findResource(noun);
  if (!resource) throw new UsageError(`Unknown command "${noun}"; see ovirt --help`);
  const extra = specialVerbs(resource.singular);
  const list = resource.verbs.get("list");
  if (verbWord === undefined && !help && list) {
    return await runVerb(context, resource, list, rest(1));
  }
  if (verbWord === undefined) {
    return context.out(resourceHelp(resource, extra.map((verb) => [verb.usage, verb.summary])));
  }
  const own = extra.find((verb) => verb.word === verbWord);
  if (own) {
    if (help) return context.out(own.help);
    return await own.run(context, rest(2));
  }
  const verb = resource.verbs.get(verbWord);
  if (verb) {
    if (help) return context.out(verbHelp(resource, verb));
    return await runVerb(context, resource, verb, rest(2));
  }
  const nested = resource.nested.get(verbWord);
  if (nested) {
    if (help) return context.out(nestedHelp(resource, nested));
    return await runNested(context, resource, nested, rest(2));
  }
  throw new UsageError(
    `ovirt ${resource.singular}: unknown verb "${verbWord}"; see ovirt ${resource.singular} --help`,
  );
}

if (import.meta.main) Deno.exit(await main(Deno.args));
