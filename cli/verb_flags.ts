/**
 * The flags of one verb, from the model: each parameter of the method (and of its
 * signatures) is a flag, and for `add` and `update` each member of the main object that a
 * flag can carry (`--name`, `--memory 2GiB`, `--cluster Default`, a list member repeated:
 * `--storage-domains data`), plus `--from FILE`.
 *
 * @module
 */

import type { MemberMeta, ParamSpec } from "./model.ts";
import { kebab } from "./names.ts";
import { GLOBAL_OPTIONS, type OptionSpec, WAIT_OPTIONS } from "./options.ts";
import { membersOf } from "./values.ts";

/** The flags of a verb and what each one sets. */
export interface VerbFlags {
  /** `parseArgs` options (global and wait flags not included). */
  readonly options: Record<string, OptionSpec>;
  /** Flags that set a parameter of the method. */
  readonly params: ReadonlyMap<string, ParamSpec>;
  /** Flags that set a member of the main object. */
  readonly members: ReadonlyMap<string, MemberMeta>;
}

const RESERVED = new Set([...Object.keys(GLOBAL_OPTIONS), ...Object.keys(WAIT_OPTIONS), "from"]);

function optionFor(spec: { kind: string; list?: boolean }): OptionSpec {
  if (spec.kind === "boolean" && !spec.list) return { type: "boolean" };
  return spec.list ? { type: "string", multiple: true } : { type: "string" };
}

/** The flags of a method with `params`, and of the main object of type `main` if given. */
export function verbFlags(params: readonly ParamSpec[], main?: string): VerbFlags {
  const options: Record<string, OptionSpec> = {};
  const byFlag = new Map<string, ParamSpec>();
  const members = new Map<string, MemberMeta>();
  for (const param of params) {
    const flag = kebab(param.name);
    if (RESERVED.has(flag) || byFlag.has(flag)) continue;
    byFlag.set(flag, param);
    options[flag] = optionFor(param);
  }
  if (main) {
    options.from = { type: "string" };
    for (const member of membersOf(main)) {
      const flag = kebab(member.name);
      if (member.name === "href" || member.name === "id") continue;
      if (RESERVED.has(flag) || byFlag.has(flag) || members.has(flag)) continue;
      members.set(flag, member);
      options[flag] = optionFor(member);
    }
  }
  return { options, params: byFlag, members };
}
