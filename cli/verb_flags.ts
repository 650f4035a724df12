/**
 * The flags of one verb, from the model: each parameter of the method (and of its
 * signatures) is a flag, and for `add` and `update` each member of the main object that a
 * flag can carry (`--name`, `--memory 2GiB`, `--cluster Default`, a list member repeated:
 * `--storage-domains data`), plus `--from FILE`, which actions have too (their parameters in
 * one file, read from standard input with `-`). A flag may have the name of a global flag
 * (`--url` of a provider, `--version` of a cluster, `--from` of `events list`): after the
 * verb it is the verb's, and the global one goes before the resource.
 *
 * @module
 */

import type { MemberMeta, ParamSpec } from "./model.ts";
import { kebab } from "./names.ts";
import { type OptionSpec, WAIT_OPTIONS } from "./options.ts";
import { membersOf } from "./values.ts";

/** The flags of a verb and what each one sets. */
export interface VerbFlags {
  /** `parseArgs` options (global and wait flags not included; they may share a name). */
  readonly options: Record<string, OptionSpec>;
  /** Flags that set a parameter of the method. */
  readonly params: ReadonlyMap<string, ParamSpec>;
  /** Flags that set a member of the main object. */
  readonly members: ReadonlyMap<string, MemberMeta>;
}

/**
 * Flags the CLI gives verbs of its own. The importer refuses a model whose parameter or main
 * object member would take one of them, or `--help`, or `--from` where it is given
 * (`scripts/cli_flags.ts`), so none is skipped here.
 */
const RESERVED = new Set(Object.keys(WAIT_OPTIONS));

function optionFor(spec: { kind: string; list?: boolean }): OptionSpec {
  if (spec.kind === "boolean" && !spec.list) return { type: "boolean" };
  return spec.list ? { type: "string", multiple: true } : { type: "string" };
}

/**
 * The flags of a method with `params`, and of the main object of type `main` if given;
 * `--from` (no parameter's flag then) when `from` is set, as it is by default with `main`.
 */
export function verbFlags(
  params: readonly ParamSpec[],
  main?: string,
  from: boolean = main !== undefined,
): VerbFlags {
  const options: Record<string, OptionSpec> = {};
  const byFlag = new Map<string, ParamSpec>();
  const members = new Map<string, MemberMeta>();
  for (const param of params) {
    // Named as the engine reads it: the SDK renames one parameter that has a call option's
    // name (cluster upgrade's `correlation_id`, its `upgradeCorrelationId`), not the CLI.
    const flag = param.wire.replaceAll("_", "-");
    if (RESERVED.has(flag) || (from && flag === "from") || byFlag.has(flag)) continue;
    byFlag.set(flag, param);
    options[flag] = optionFor(param);
  }
  if (from) options.from = { type: "string" };
  if (main) {
    for (const member of membersOf(main)) {
      const flag = kebab(member.name);
      if (member.name === "href" || member.name === "id") continue;
      if (RESERVED.has(flag) || flag === "from" || byFlag.has(flag) || members.has(flag)) continue;
      members.set(flag, member);
      options[flag] = optionFor(member);
    }
  }
  return { options, params: byFlag, members };
}
