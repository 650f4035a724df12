/**
 * The model with the item types of {@link LINK_ITEM_TYPES} applied to their link members.
 *
 * @module
 */

import type { Model } from "./model_schema.ts";
import { LINK_ITEM_TYPES } from "./engine_facts.ts";
import { GenerateError } from "./generate_error.ts";

/**
 * A copy of `model` whose link list members named in {@link LINK_ITEM_TYPES} have the item
 * type given there (their XML tags unchanged). Refuses an entry naming no link list member of
 * the model, or a type it lacks. A model with none of the structs named (a small one, for
 * tests) is returned as it is.
 */
export function withLinkItemTypes(model: Model): Model {
  const named = Object.keys(LINK_ITEM_TYPES);
  if (!model.structs.some((struct) => named.includes(struct.name))) return model;
  const structs = model.structs.map((struct) => {
    const types = LINK_ITEM_TYPES[struct.name];
    if (types === undefined) return struct;
    for (const tag of Object.keys(types)) {
      const member = struct.members.find((candidate) => candidate.tag === tag);
      if (!member?.link || !member.list || member.kind !== "struct") {
        throw new GenerateError(`${struct.name}.${tag}: no such link list member in the model`);
      }
      if (!model.structs.some((candidate) => candidate.name === types[tag])) {
        throw new GenerateError(`${struct.name}.${tag}: no struct ${types[tag]} in the model`);
      }
    }
    const members = struct.members.map((member) =>
      types[member.tag] === undefined ? member : { ...member, type: types[member.tag] }
    );
    return { ...struct, members };
  });
  for (const name of named) {
    if (!structs.some((struct) => struct.name === name)) {
      throw new GenerateError(`${name}: no such struct in the model`);
    }
  }
  return { ...model, structs };
}
