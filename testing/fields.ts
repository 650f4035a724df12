/**
 * Search fields: reading `name`, `status`, `cluster`, `cluster.name`, `os.type`... of a
 * stored object. A field is a member tag (dotted for nested members); a linked object
 * stands for its name. `datacenter` also works on objects that only know their cluster.
 * Some fields of the engine are not member tags or differ in meaning: `usrname` is the
 * `user_name` of users (and of an event's user), a VM's `os` is its OS type name and its
 * `memory` is in MiB, an event's `type` is its code, its `message` its description, and
 * its `severity` compares by rank (normal < warning < error < alert). Results are in the
 * engine's order unless the query sorts: by name for most types.
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
  Vm: { pool: "vm_pool", os: "os.type" },
  Template: { os: "os.type" },
  Event: { type: "code", message: "description", usrname: "user.user_name" },
};

const MIB = 1024 ** 2;

/** The rank of each event severity: the engine compares severities by it. */
const SEVERITY_RANKS: Readonly<Record<string, number>> = {
  normal: 0,
  warning: 1,
  error: 2,
  alert: 10,
};

/**
 * Fields whose value the engine keeps in another unit than the model shows, by struct
 * type: the value searched, from the value stored, and the value a query compares it to,
 * from what the query says.
 */
const CONVERTED: Readonly<
  Record<
    string,
    Readonly<Record<string, { stored(value: unknown): unknown; given(text: string): string }>>
  >
> = {
  Vm: {
    memory: {
      stored: (bytes) => typeof bytes === "number" ? Math.floor(bytes / MIB) : bytes,
      given: (text) => text,
    },
  },
  Event: {
    severity: {
      stored: (severity) => SEVERITY_RANKS[String(severity)] ?? severity,
      given: (text) => String(SEVERITY_RANKS[text.toLowerCase()] ?? text),
    },
  },
};

/** The field results of a search on a struct type are sorted by unless the query sorts. */
const DEFAULT_ORDER: Readonly<Record<string, string>> = {
  Vm: "name",
  Template: "name",
  Host: "name",
  Cluster: "name",
  DataCenter: "name",
  StorageDomain: "name",
  Network: "name",
  VmPool: "name",
  User: "name",
  Group: "name",
  Quota: "name",
  VnicProfile: "name",
  Disk: "alias",
};

/** The field a search of objects of struct `type` sorts by when the query does not say. */
export function defaultOrder(type: string): string | undefined {
  return DEFAULT_ORDER[type];
}

/** The value a condition on `field` of struct `type` compares to, from the query's text. */
export function searchedValue(type: string, field: string, text: string): string {
  return CONVERTED[type]?.[field.toLowerCase()]?.given(text) ?? text;
}

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
  const converted = CONVERTED[type]?.[lower];
  if (converted) return converted.stored(memberValue(engine, type, entity, lower, field));
  return memberValue(engine, type, entity, lower, field);
}

/** The value of the member (or alias) `lower` names; `field` as the query wrote it. */
function memberValue(
  engine: Engine,
  type: string,
  entity: Record<string, unknown>,
  lower: string,
  field: string,
): unknown {
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
