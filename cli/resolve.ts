/**
 * Finding the one entity a command names, by id or by name: an id-shaped word is taken as
 * the id; any other word is looked up by name (with the collection's search where it has
 * one), and an ambiguous name is refused with the ids to choose from.
 *
 * @module
 */

import { type Connection, NotFoundError, OvirtError, searchQuery, where } from "../mod.ts";
import type { Resource } from "./command_table.ts";
import { UsageError } from "./errors.ts";
import { looksLikeId } from "./values.ts";

interface Named {
  id?: string;
  name?: string;
}

type Lister = { list(options?: object): Promise<Named[]> };
type Getter = { get(options?: object): Promise<Named> };

/**
 * The id of the entity of `resource` (below `parentPath`) that `word` names; `signal`
 * aborts the lookup.
 */
export async function resolveId(
  connection: Connection,
  resource: Pick<Resource, "singular" | "verbs">,
  collectionPath: string,
  word: string,
  signal?: AbortSignal,
): Promise<string> {
  if (word.trim() === "") throw new UsageError(`give the ${resource.singular}'s name or id`);
  if (looksLikeId(word)) return word;
  const list = resource.verbs.get("list");
  if (!list) return word; // nothing to search: the word is the id
  const collection = connection.service(collectionPath) as unknown as Lister;
  // What the engine's search cannot say exactly (a quote, `'`, `;`, a literal `*`) is a
  // wildcard in the search text: the exact name is matched here, case and all.
  const searchable = list.params.some((param) => param.name === "search");
  const found = searchable
    ? await collection.list({ search: searchQuery(where.eq("name", word)).text, signal }).catch(
      (error) => {
        // A search without a `name` field (the engine's jobs) fails: the word is no name.
        if (error instanceof OvirtError && error.code === 400) return [];
        throw error;
      },
    )
    : await collection.list({ signal });
  const matches = found.filter((item) => item.name === word);
  if (matches.length === 1) return matches[0].id!;
  if (matches.length > 1) {
    throw new UsageError(
      `${resource.singular} name "${word}" is ambiguous: ${matches.length} match ` +
        `(ids ${matches.map((item) => item.id).join(", ")}); give an id`,
    );
  }
  // Not a name: it may still be an id that is not a UUID (events, cluster levels, ...).
  if (resource.verbs.has("show")) {
    const entity = connection.service(`${collectionPath}/${encodeURIComponent(word)}`);
    try {
      const got = await (entity as unknown as Getter).get({ signal });
      if (got.id !== undefined) return got.id;
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
    }
  }
  throw new NotFoundError(`No ${resource.singular} named or with id "${word}"`, { code: 404 });
}
