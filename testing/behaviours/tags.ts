/**
 * Tags: a new tag hangs below the root tag unless it names a parent; removing a tag
 * removes the tags below it too (and so their assignments, which show only tags that
 * exist); assigning a tag to an object (`vms/{id}/tags`) names an existing tag, by id or
 * name (the engine answers 404 for a name it does not know rather than making a new tag).
 *
 * @module
 */

import { conflict, notFound } from "../answers.ts";
import type { Behaviour } from "../behaviour.ts";
import type { Engine, Reference } from "../engine.ts";
import { addObject } from "../generic.ts";
import { ZERO_ID } from "../model.ts";

/** The ids of tag `id` and of every tag below it. */
function withDescendants(engine: Engine, id: string): string[] {
  const ids = [id];
  for (let i = 0; i < ids.length; i++) {
    for (const tag of engine.store.items("tags")) {
      if ((tag.parent as Reference | undefined)?.id === ids[i]) ids.push(tag.id);
    }
  }
  return ids;
}

const tags: Behaviour = {
  add(call, body) {
    return addObject(call, { parent: { id: ZERO_ID }, ...body });
  },
};

const tag: Behaviour = {
  remove({ engine }, entity) {
    if (entity.id === ZERO_ID) throw conflict("Cannot remove Tag. The root tag cannot be removed.");
    for (const id of withDescendants(engine, entity.id)) engine.store.delete("tags", id);
    return true;
  },
};

const assignedTags: Behaviour = {
  add(call, body) {
    const { engine } = call;
    if (typeof body.id !== "string") {
      const named = engine.store.find("tags", (item) => item.name === body.name);
      if (!named) throw notFound(`Tag: name=${body.name}`);
      return addObject(call, { ...body, id: named.id });
    }
    return addObject(call, body);
  },
};

/** Behaviours of the tag services, by service name. */
export const TAG_BEHAVIOURS: Record<string, Behaviour> = {
  TagsService: tags,
  TagService: tag,
  AssignedTagsService: assignedTags,
};
