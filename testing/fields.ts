/**
 * Search fields: reading `name`, `status`, `cluster`, `cluster.name`, `os.type`... of a
 * stored object. A field is a member tag (dotted for nested members); a linked object
 * stands for its name. `datacenter` also works on objects that only know their cluster;
 * `usrname` is the `user_name` of users.
 *
 * @module
 */

import { CORRELATION_ID } from "./correlation.ts";
import type { Engine } from "./engine.ts";
import { memberByTag } from "./model.ts";
import { malformed } from "./search.ts";

/** Search fields of the engine that are not member tags, by struct type. */
const ALIASES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  User: { usrname: "user_name" },
  Vm: { pool: "vm_pool" },
};

/** Search fields the engine keeps but the model does not show, by struct type. */
const HIDDEN: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  Job: { correlation_id: CORRELATION_ID },
};

/** The value of search `field` on `entity` of struct `type`; throws 400 for unknown fields. */
export function readField(
  engine: Engine,
  type: string,
  entity: Record<string, unknown>,
  field: string,
): unknown {
  const lower = field.toLowerCase();
  const hidden = HIDDEN[type]?.[lower];
  if (hidden !== undefined) return entity[hidden];
  const steps = (ALIASES[type]?.[lower] ?? lower).split(".").map((
    tag,
  ) => (tag === "datacenter" ? "data_center" : tag));
  if (
    steps[0] === "data_center" && !memberByTag(type, "data_center") && memberByTag(type, "cluster")
  ) {
    steps.unshift("cluster");
  }
  let current: unknown = entity;
  let currentType = type;
  for (let i = 0; i < steps.length; i++) {
    const member = memberByTag(currentType, steps[i]);
    if (!member) throw malformed(field, `unknown field "${field}"`);
    const value = (current as Record<string, unknown>)[member.name];
    if (value === undefined || value === null) return undefined;
    if (member.kind !== "struct") return value;
    if (member.list) return undefined;
    const object = linked(engine, member.type!, value as Record<string, unknown>);
    if (i === steps.length - 1) return object.name ?? object.id;
    current = object;
    currentType = member.type!;
  }
  return undefined;
}

/** The home object a reference points to, or the value itself. */
function linked(
  engine: Engine,
  type: string,
  value: Record<string, unknown>,
): Record<string, unknown> {
  return typeof value.id === "string" ? engine.homeObject(type, value.id) ?? value : value;
}
