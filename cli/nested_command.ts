/**
 * The words of a nested collection's command, `ovirt RESOURCE NESTED OWNER ...`:
 *
 * - `ovirt vm snapshots web1 [list]` lists the snapshots of VM web1;
 * - `ovirt vm snapshots web1 add --description x` runs a verb of the collection;
 * - `ovirt vm snapshots web1 ITEM [show|update|remove|ACTION]` a verb of one item (`show`
 *   when none is given), the item named by its id or its name within that collection (where
 *   items have no name: a snapshot by its description, a disk attachment by its disk's name).
 *
 * Global flags may come between these words; the first other flag ends them, and the verb
 * they name decides the flags read after them.
 *
 * @module
 */

import type { Connection } from "../mod.ts";
import type { Nested, Resource, Verb } from "./command_table.ts";
import { UsageError } from "./errors.ts";
import { globalFlagsEnd } from "./options.ts";
import { resolveId } from "./resolve.ts";
import { looksLikeId } from "./values.ts";

/** Whether `verb` is one of an item (`show`, `restore`), not of the collection (`add`). */
function takesEntity(verb: Verb): boolean {
  return verb.target === "entity";
}

/** What the words after `ovirt vm snapshots` ask for. */
export interface NestedCall {
  /** The verb: the collection's (`list`, `add`) or an item's (`show`, `restore`). */
  readonly verb: Verb;
  /** Whether its word was typed (`ovirt vm nics web1 list`), not implied. */
  readonly typed: boolean;
  /** The words before the first flag: the owner's name or id, the verb's or item's... */
  readonly words: readonly string[];
  /** Everything else: flags, their values, words after a flag. */
  readonly args: readonly string[];
}

/**
 * The leading words of `args` (those before the first flag that is not a global one; all
 * after a `--`), and the other arguments.
 */
function leadingWords(args: readonly string[]): { words: string[]; rest: string[] } {
  const words: string[] = [], rest: string[] = [];
  let at = 0;
  while (at < args.length) {
    const end = globalFlagsEnd(args, at);
    rest.push(...args.slice(at, end));
    if (end >= args.length) break;
    if (args[end] === "--") {
      words.push(...args.slice(end + 1));
      break;
    }
    if (args[end].startsWith("-") && args[end] !== "-") {
      rest.push(...args.slice(end));
      break;
    }
    words.push(args[end]);
    at = end + 1;
  }
  return { words, rest };
}

/** The verbs of one item of `nested`: `show`, `update`, `remove`, its actions. */
export function itemVerbs(nested: Nested): Verb[] {
  return [...nested.verbs.values()].filter(takesEntity);
}

/** The verbs of `nested` itself: `list`, `add`, actions of the collection. */
export function collectionVerbs(nested: Nested): Verb[] {
  return [...nested.verbs.values()].filter((verb) => !takesEntity(verb));
}

/** `SNAPSHOT`, `DISK-ATTACHMENT`: the placeholder of one item in usage lines. */
export function itemPlaceholder(nested: Nested): string {
  return nested.singular.toUpperCase();
}

/**
 * The verb that `words` (the owner, then a verb of the collection, or an item and maybe one
 * of its verbs) name in `nested` of `resource`, and whether its word was typed.
 */
export function pickVerb(
  resource: Resource,
  nested: Nested,
  words: readonly string[],
): { verb: Verb; typed: boolean } {
  const command = `ovirt ${resource.singular} ${nested.word}`;
  const [, second, third] = words;
  const list = nested.verbs.get("list")!;
  if (second === undefined) return { verb: list, typed: false };
  const own = nested.verbs.get(second);
  if (own && !takesEntity(own)) return { verb: own, typed: true };
  const items = itemVerbs(nested);
  if (items.length === 0) {
    const words = collectionVerbs(nested).map((verb) => verb.word).join(", ");
    throw new UsageError(
      `${command}: unexpected argument "${second}" (after the ${resource.singular}, only ${words})`,
    );
  }
  const one = itemPlaceholder(nested);
  if (own) {
    throw new UsageError(
      `${command}: unexpected argument "${second}": a verb of one ${nested.singular} comes ` +
        `after it (${command} NAME|ID ${one} ${second})`,
    );
  }
  if (third === undefined) {
    const show = nested.verbs.get("show");
    if (show) return { verb: show, typed: false };
    throw new UsageError(
      `${command}: give a verb of one ${nested.singular}; see ${command} --help`,
    );
  }
  const verb = nested.verbs.get(third);
  if (!verb || !takesEntity(verb)) {
    throw new UsageError(
      `${command}: unknown verb "${third}" of one ${nested.singular}; see ${command} --help`,
    );
  }
  return { verb, typed: true };
}

/** Reads the words after `ovirt RESOURCE NESTED`: the verb, its words, and what is left. */
export function nestedCall(
  resource: Resource,
  nested: Nested,
  args: readonly string[],
): NestedCall {
  const { words, rest } = leadingWords(args);
  const { verb, typed } = pickVerb(resource, nested, words);
  return { verb, typed, words, args: rest };
}

/**
 * The owner's and the item's words of `call`, with the words found among the flags
 * (`ovirt vm nics --max 2 web1`; an implied `list` typed after them); more are refused.
 */
export function callWords(
  resource: Resource,
  nested: Nested,
  call: NestedCall,
  positionals: readonly string[],
): { owner: string; item?: string } {
  const command = `ovirt ${resource.singular} ${nested.word}`;
  const words = [...call.words, ...positionals];
  const item = takesEntity(call.verb);
  // `ovirt vm nics --max 2 web1 list`: the list that was implied.
  if (!call.typed && !item && words[1] === "list") words.splice(1, 1);
  const [owner] = words;
  if (owner === undefined) {
    throw new UsageError(`${command}: give the name or id of one ${resource.singular}`);
  }
  const expected = (item ? 2 : 1) + (call.typed ? 1 : 0);
  if (words.length > expected) {
    throw new UsageError(`${command}: unexpected argument "${words[expected]}"`);
  }
  return item ? { owner, item: words[1] } : { owner };
}

/** One item of a nested collection, as listed. */
interface Item {
  id?: string;
  name?: string;
  description?: string;
  [reference: string]: unknown;
}

/**
 * Items that have neither name nor description, named by the object they refer to (which
 * the list follows): a disk attachment by its disk's name.
 */
const NAMED_BY: Readonly<Record<string, string>> = { DiskAttachment: "disk" };

/** How an item of `nested` is named, for help: `its name (...)`, `its disk's name`. */
export function itemNaming(nested: Nested): string {
  const via = nested.type ? NAMED_BY[nested.type] : undefined;
  return via
    ? `its ${via}'s name`
    : "its name (or, where they have none, as snapshots, its description)";
}

/** The items of a nested collection, each with the word that names it, and what that is. */
export interface NamedItems {
  /** What names them: `name`, `description` (snapshots), `disk` (disk attachments). */
  readonly by: string;
  /** The items' ids and the words that name them. */
  readonly items: readonly { readonly id?: string; readonly word?: string }[];
}

/**
 * The items of `nested` listed at `path`, with what names each: its `name`; where none has
 * one (snapshots), its `description`; a disk attachment its disk's name.
 */
export async function namedItems(
  connection: Connection,
  nested: Resource,
  path: string,
  signal: AbortSignal,
): Promise<NamedItems> {
  const via = nested.type ? NAMED_BY[nested.type] : undefined;
  const collection = connection.service(path) as unknown as {
    list(options: object): Promise<Item[]>;
  };
  const items = await collection.list(via ? { follow: via, signal } : { signal });
  const by = via ?? (items.some((item) => item.name !== undefined) ? "name" : "description");
  const wordOf = (item: Item) =>
    via ? (item[via] as { name?: string } | undefined)?.name : item[by] as string | undefined;
  return { by, items: items.map((item) => ({ id: item.id, word: wordOf(item) })) };
}

/**
 * The id of the item of `nested` (listed at `path`) that `word` names: an id-shaped word is
 * the id; else the item of that name (or description..., see {@link namedItems}); a word
 * that several share is refused with their ids. A word that names none may still be an id
 * that is not a UUID (see `resolveId`).
 */
export async function itemId(
  connection: Connection,
  nested: Resource,
  path: string,
  word: string,
  signal: AbortSignal,
): Promise<string> {
  if (word.trim() === "") throw new UsageError(`give the ${nested.singular}'s name or id`);
  if (looksLikeId(word)) return word;
  const { by, items } = await namedItems(connection, nested, path, signal);
  const matches = items.filter((item) => item.word === word);
  if (matches.length === 1) return matches[0].id!;
  if (matches.length > 1) {
    throw new UsageError(
      `${nested.singular} ${by} "${word}" is ambiguous: ${matches.length} match ` +
        `(ids ${matches.map((item) => item.id).join(", ")}); give an id`,
    );
  }
  return await resolveId(connection, nested, path, word, signal);
}
