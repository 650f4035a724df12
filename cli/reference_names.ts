/**
 * Names for the references a table shows: the engine sends `<host id="..."/>` without the
 * host's name, so for each referenced type in the chosen columns (`host`, or `host.name`)
 * the CLI lists that collection once and shows names instead of ids.
 *
 * @module
 */

import type { Connection } from "../mod.ts";
import { RESOURCES } from "./command_table.ts";
import { camel } from "./names.ts";
import { memberOf } from "./values.ts";

type Ref = { id?: string; name?: string };

/**
 * Sets `name` on the references in `columns` of `items` (of struct `type`) that lack one: a
 * column that is a reference (`host`), or its name (`host.name`).
 */
export async function nameReferences(
  connection: Connection,
  items: readonly unknown[],
  type: string | undefined,
  columns: readonly string[],
  signal?: AbortSignal,
): Promise<void> {
  if (!type) return;
  const named = new Set<string>();
  for (const column of columns) {
    const [first, ...rest] = column.split(".");
    if (rest.length > 1 || (rest.length === 1 && camel(rest[0]) !== "name")) continue;
    const member = memberOf(type, first);
    if (!member || member.kind !== "struct" || member.list || named.has(member.name)) continue;
    named.add(member.name);
    const refs = items
      .map((item) => (item as Record<string, unknown> | null)?.[member.name] as Ref | undefined)
      .filter((ref): ref is Ref => !!ref && typeof ref === "object" && !ref.name && !!ref.id);
    if (refs.length === 0) continue;
    const resource = RESOURCES.find((candidate) =>
      candidate.type === member.type && candidate.verbs.has("list")
    );
    if (!resource) continue;
    const service = connection.service(resource.segment) as unknown as {
      list(options: { signal?: AbortSignal }): Promise<Ref[]>;
    };
    const names = new Map<string, string>();
    try {
      for (const item of await service.list({ signal })) {
        if (item.id && item.name) names.set(item.id, item.name);
      }
    } catch {
      signal?.throwIfAborted();
      continue; // not allowed to list them: the ids stay
    }
    for (const ref of refs) {
      const name = names.get(ref.id!);
      if (name) ref.name = name;
    }
  }
}
