/**
 * Finding the one object of a collection with a given name: searched for with the name
 * quoted (`name="web 1"`, never `name=web 1`, which the engine reads as `name=web` and the
 * free-text word `1`), and then matched exactly here, case and all (the engine's search
 * ignores case: `name=web-1` finds `WEB-1` too).
 *
 * @example
 * ```ts
 * import { Connection, findByName } from "@ovirt/sdk";
 *
 * const connection = new Connection({ url: "https://engine/ovirt-engine/api", token: "..." });
 * const vmsService = connection.systemService().vmsService();
 * const vm = await findByName(vmsService, "web-1");
 * if (vm === undefined) throw new Error("No VM named web-1");
 * ```
 *
 * @module
 */

import { OvirtError } from "../transport/errors.ts";
import { searchQuery, where } from "./search.ts";

/**
 * A collection service whose `list` takes a `search` (VMs, hosts, disks, templates, ...).
 * `findByName` refuses, when type-checked, a collection whose `list` options have no `search`
 * (roles, a cluster's networks), which this shape alone would let through.
 */
export interface SearchableCollection<T> {
  /** Lists the objects the search finds. */
  list(options?: { search?: string; signal?: AbortSignal }): Promise<T[]>;
}

/**
 * The object of `collection` whose `name` is exactly `name`, or `undefined` when none is.
 * The engine's search compares names without regard to case and with wildcards where a
 * name holds what its language cannot say (`"`, `'`, `;`, `\`): what it answers is checked
 * here, so `Web` never stands for `web`. Rejects with an {@link OvirtError} naming their ids
 * when several objects have that name (disks, networks of several data centers): pick one
 * by id then.
 */
export async function findByName<
  T extends { id?: string; name?: string } = { id?: string; name?: string },
  C extends SearchableCollection<T> = SearchableCollection<T>,
>(
  // With a `list` that takes no search, a member no collection has, named to say why.
  collection:
    & C
    & (
      "search" extends keyof NonNullable<Parameters<C["list"]>[0]> ? unknown
        : { "findByName: this collection's list takes no search": never }
    ),
  name: string,
  options: { signal?: AbortSignal } = {},
): Promise<Awaited<ReturnType<C["list"]>>[number] | undefined> {
  if (typeof name !== "string" || name === "") {
    throw new OvirtError(
      `findByName: the name must be a non-empty string, not ${JSON.stringify(name)}`,
    );
  }
  const search = searchQuery(where.eq("name", name)).text;
  const found = await collection.list({
    search,
    ...(options.signal ? { signal: options.signal } : {}),
  }).catch((error) => {
    // A collection whose `list` takes no search (roles, a cluster's networks), passed
    // where types are not checked.
    if (!(error instanceof OvirtError && /"search" is not an option/.test(error.message))) {
      throw error;
    }
    throw new OvirtError(
      `findByName: ${error.message.replace(/^"search" is not an option of /, "the ")} ` +
        "takes no search: list it and compare the names (`(await list()).filter(...)`)",
      { cause: error },
    );
  });
  const named = found.filter((item) => item.name === name);
  if (named.length > 1) {
    throw new OvirtError(
      `findByName: ${named.length} objects are named "${name}" (ids ${
        named.map((item) => item.id).join(", ")
      }): choose one by id`,
    );
  }
  return named[0];
}
