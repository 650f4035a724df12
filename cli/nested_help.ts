/**
 * `--help` of a collection nested in an entity: `ovirt vm snapshots --help` says what the
 * collection and each item can do and the flags of `list`; `ovirt vm snapshots VM add --help`
 * and `ovirt vm snapshots VM SNAP restore --help` give the flags of that verb.
 *
 * @module
 */

import type { Nested, Resource, Verb } from "./command_table.ts";
import { nestedHelp, verbHelp } from "./help.ts";
import {
  collectionVerbs,
  itemNaming,
  itemPlaceholder,
  itemVerbs,
  type NestedCall,
} from "./nested_command.ts";
import { renderTable } from "./output/table.ts";

function block(rows: readonly (readonly [string, string])[]): string {
  return renderTable(["", ""], rows.map(([a, b]) => [`  ${a}`, b]), Infinity, false);
}

/** One line on what `verb` of `nested` (in an entity of `resource`) does. */
function summary(resource: Resource, nested: Nested, verb: Verb): string {
  const one = `one ${nested.singular}`;
  switch (verb.spec.kind) {
    case "list":
      return `list the ${nested.plural} of the ${resource.singular}`;
    case "add":
      return `add ${one} to the ${resource.singular} (flags or --from FILE)`;
    case "get":
      return `show ${one}`;
    case "update":
      return `change ${one}`;
    case "remove":
      return `remove ${one}`;
    default:
      return `the ${verb.method} action of ${verb.target === "entity" ? one : "the collection"}`;
  }
}

/** The rows of `verbs`, the one a missing verb word means (`implied`) said so. */
function verbRows(
  resource: Resource,
  nested: Nested,
  verbs: readonly Verb[],
  implied: string,
): [string, string][] {
  return verbs.map((verb) => [
    verb.word === implied ? `${verb.word} (the default)` : verb.word,
    summary(resource, nested, verb),
  ]);
}

/** The usage line of `verb` of `nested`, placeholders in capitals. */
function usage(resource: Resource, nested: Nested, verb: Verb): string {
  const item = verb.target === "entity" ? ` ${itemPlaceholder(nested)}` : "";
  return `ovirt ${resource.singular} ${nested.word} NAME|ID${item} ${verb.word} [flags]`;
}

/** `text` in lines of at most `width` characters, broken at spaces. */
function wrap(text: string, width = 96): string {
  const lines: string[] = [];
  for (const word of text.split(" ")) {
    const last = lines.at(-1);
    if (last !== undefined && last.length + word.length < width) {
      lines[lines.length - 1] += ` ${word}`;
    } else lines.push(word);
  }
  return lines.join("\n");
}

/** `verbs` with the one a missing verb word means first. */
function impliedFirst(verbs: readonly Verb[], implied: string): Verb[] {
  return [...verbs].sort((a, b) => Number(b.word === implied) - Number(a.word === implied));
}

/** Help of the nested collection as a whole: its verbs, its items' verbs, list's flags. */
function collectionHelp(resource: Resource, nested: Nested): string {
  const one = itemPlaceholder(nested);
  const command = `ovirt ${resource.singular} ${nested.word} NAME|ID`;
  const own = impliedFirst(collectionVerbs(nested), "list");
  const items = impliedFirst(itemVerbs(nested), "show");
  const list = nestedHelp(resource, nested);
  const listFlags = list.slice(list.indexOf("\nFlags:") + 1).replace(/^Flags:/, "Flags of list:");
  const words = own.map((verb) => verb.word).join(" or ");
  const lines = [
    `Usage: ${command} [list] [flags]`,
    `       ${command} VERB [flags]`,
    ...(items.length ? [`       ${command} ${one} [VERB] [flags]`] : []),
    "",
    wrap(
      `The ${nested.plural} of a ${resource.singular} (NAME|ID: its name or id).${
        items.length
          ? ` ${one} is one ${nested.singular}'s id or ${itemNaming(nested)}; one named ` +
            `${words} is given by its id.`
          : ""
      }`,
    ),
    "",
    `Verbs of the ${nested.plural}:`,
    block(verbRows(resource, nested, own, "list")).trimEnd(),
    ...(items.length
      ? [
        `Verbs of one ${nested.singular} (after ${one}):`,
        block(verbRows(resource, nested, items, "show")).trimEnd(),
      ]
      : []),
    "",
    listFlags.trimEnd(),
    wrap(
      `"${command} VERB --help"${
        items.length ? ` and "${command} ${one} VERB --help"` : ""
      } list the flags of a verb.`,
    ),
  ];
  return lines.join("\n") + "\n";
}

/** The `--help` of the command `call` (`ovirt vm snapshots ...`) stands for. */
export function nestedCommandHelp(resource: Resource, nested: Nested, call: NestedCall): string {
  if (!call.typed) return collectionHelp(resource, nested);
  if (call.verb.word === "list") return nestedHelp(resource, nested);
  const text = verbHelp(nested, call.verb);
  return `Usage: ${usage(resource, nested, call.verb)}${text.slice(text.indexOf("\n"))}`;
}
