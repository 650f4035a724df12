/**
 * Completion of a nested collection's command (`ovirt vm snapshots web1 <TAB>`): after the
 * owner, the collection's verbs and the names of its items (read from the engine), after an
 * item its verbs; the flags are those of the verb the words name.
 *
 * @module
 */

import { untilAborted } from "../transport/abortable.ts";
import type { Nested, Resource } from "./command_table.ts";
import type { Context } from "./context.ts";
import type { OptionSpec } from "./options.ts";
import { collectionVerbs, itemVerbs, namedItems, pickVerb } from "./nested_command.ts";
import { resolveId } from "./resolve.ts";
import { flagsOfVerb } from "./resource_command.ts";

/**
 * The flags of the verb that `words` (typed after `ovirt RESOURCE NESTED`, flags left out)
 * name; none where they name no verb.
 */
export function nestedOptions(
  resource: Resource,
  nested: Nested,
  words: readonly string[],
): Record<string, OptionSpec> {
  try {
    return { ...flagsOfVerb(pickVerb(resource, nested, words).verb).options };
  } catch {
    return {}; // no verb of this collection: no flags of its own
  }
}

/**
 * The candidates for the word after `words` (typed after `ovirt RESOURCE NESTED`, flags left
 * out); item names only when the engine answers within `limit` milliseconds.
 */
export async function nestedCandidates(
  context: Context,
  resource: Resource,
  nested: Nested,
  words: readonly string[],
  limit: number,
): Promise<string[]> {
  const own = collectionVerbs(nested).map((verb) => verb.word);
  if (words.length === 1) {
    return [...own, ...await itemNames(context, resource, nested, words[0], limit)];
  }
  if (words.length === 2 && !own.includes(words[1])) {
    return itemVerbs(nested).map((verb) => verb.word);
  }
  return [];
}

/** The words that name the items of `nested` in the entity `owner` names (see namedItems). */
async function itemNames(
  context: Context,
  resource: Resource,
  nested: Nested,
  owner: string,
  limit: number,
): Promise<string[]> {
  if (itemVerbs(nested).length === 0) return [];
  // A shell waits for completion: an engine that does not answer must not hold it.
  const signal = AbortSignal.any([context.signal, AbortSignal.timeout(limit)]);
  const listed = async () => {
    const { connection } = await context.session();
    const id = await resolveId(connection, resource, resource.segment, owner, signal);
    const path = `${resource.segment}/${encodeURIComponent(id)}/${nested.segment}`;
    return await namedItems(connection, nested, path, signal);
  };
  try {
    const { items } = await untilAborted(listed(), signal);
    return items.map((item) => item.word).filter((word): word is string => !!word);
  } catch {
    return []; // no session, no engine, no such owner, or no answer in time: nothing
  }
}
