/**
 * A `DELETE` of a whole collection whose `<action>` body names the items to remove: the
 * engine's way for the bricks of a Gluster volume (`GlusterBricksService.remove`, whose
 * list of bricks no query string could carry).
 *
 * @module
 */

import type { MethodMeta } from "../transport/service.ts";
import { writeStruct } from "../transport/xml/writer.ts";
import { incomplete, notFound, xmlAnswer } from "./answers.ts";
import type { Call } from "./behaviour.ts";
import { itemsOf } from "./collections.ts";
import { removeObject } from "./generic.ts";
import { readBody } from "./request_body.ts";
import { checkRequired } from "./validation.ts";

/**
 * Removes the items of the collection at `call.location` that the `<action>` `body` names
 * (by id or name) in the list parameter of `method`; all of them, or none when one is not
 * there (404).
 */
export function answerCollectionRemove(
  call: Call,
  method: MethodMeta,
  body: Uint8Array,
): Response {
  const { engine, location } = call;
  const list = method.params.find((param) => param.kind === "struct" && param.list);
  const values = body.length ? readBody(body, { type: "Action" }) : {};
  const named = list ? values[list.name] as Record<string, unknown>[] | undefined : undefined;
  if (!list || !named?.length) {
    throw incomplete("Action", [`${list?.name ?? "items"}[].id|name`], "remove");
  }
  const items = itemsOf(engine, location);
  for (const wanted of named) checkRequired(location.service.name, "remove", list.type!, wanted);
  const removed = named.map((wanted) => {
    const found = items.find((item) =>
      (wanted.id !== undefined && item.id === wanted.id) ||
      (wanted.name !== undefined && item.name === wanted.name)
    );
    if (!found) throw notFound(`${list.type}: ${wanted.id ?? wanted.name}`);
    return found;
  });
  for (const item of removed) removeObject(engine, location, item.id);
  return xmlAnswer(200, writeStruct("Action", { status: "complete" }));
}
