/**
 * Search fields of the stored objects: the engine's fields of a collection, from
 * {@link SEARCH_FIELDS} (`creationdate`, `event_vm`, `status` by the engine's enum
 * names...) or, for named objects it has no table for, {@link NAMED_OBJECT_FIELDS}, and the links to other objects as the engine's cross references (`host`,
 * `host.name`, `cluster.name`: a linked object stands for its name). `datacenter` also
 * works on objects that only know their cluster. Results are in the engine's order unless the query sorts: by name
 * for most types (jobs by start time), and by it after the query's sort field.
 *
 * @module
 */

import { CORRELATION_ID } from "./correlation.ts";
import type { Engine } from "./engine.ts";
import { homeOf, memberByTag } from "./model.ts";
import { type FieldKind, type Operator, OPERATORS, type SearchSchema } from "./search.ts";
import { type FieldSpec, NAMED_OBJECT_FIELDS, SEARCH_FIELDS } from "./search_fields.ts";
import type { Entity } from "./store.ts";
import { typeLabel } from "./validation.ts";

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
  InstanceType: "name",
  GlusterVolume: "name", // the engine's vol_name
  Job: "start_time",
};

/** Search fields the engine keeps but the model does not show, by struct type. */
const HIDDEN: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  Job: { correlation_id: CORRELATION_ID },
};

/**
 * Struct types whose search the engine gives no cross references (its `EntitySearchInfo`
 * without one): a link (a job's `owner`, a pool's `template`) is no field there.
 */
const NO_CROSS_REFERENCES: ReadonlySet<string> = new Set([
  "Job",
  "VmPool",
  "ExternalHostProvider",
  "OpenStackImageProvider",
  "OpenStackNetworkProvider",
  "OpenStackVolumeProvider",
]);

/** The operators the engine takes after a field of each kind, unless its table says. */
const DEFAULT_OPERATORS: Readonly<Record<FieldKind["kind"], readonly Operator[]>> = {
  text: ["=", "!="],
  enum: ["=", "!="],
  number: OPERATORS,
  date: ["<", ">", "="],
  exact: ["=", "!="],
  uuid: ["=", "!="],
  unsupported: OPERATORS,
};

/** Bytes per MiB (unit 1) and per GiB (unit 2). */
const UNITS = { 1: 1024 ** 2, 2: 1024 ** 3 };

const TEXT: FieldKind = { kind: "text" };

type Stored = Record<string, unknown>;

/** The search fields of objects of struct `type`, as the engine reads them. */
export function searchSchema(engine: Engine, type: string): SearchSchema<Entity> {
  const table = SEARCH_FIELDS[type] ?? (memberByTag(type, "name") ? NAMED_OBJECT_FIELDS : {});
  // Own keys only: a field named like an object's built-in (`constructor`) is no field.
  const specOf = (field: string): FieldSpec | undefined => ownValue(table, field);
  const hiddenOf = (field: string) => ownValue(HIDDEN[type] ?? {}, field);
  const freeText = Object.keys(table).filter((field) => (table[field].kind ?? "text") === "text");
  return {
    label: `${typeLabel(type)} objects`,
    freeText,
    defaultOrder: DEFAULT_ORDER[type],
    isField: (field) =>
      specOf(field) !== undefined || hiddenOf(field) !== undefined ||
      (!NO_CROSS_REFERENCES.has(type) && isLinkPath(type, field)),
    kindOf: (field) => kindOf(specOf(field)),
    operators: (field) => {
      const spec = specOf(field);
      return spec ? spec.operators ?? DEFAULT_OPERATORS[kindOf(spec).kind] : OPERATORS;
    },
    afterAt: (field) => specOf(field)?.afterAt,
    read: (entity, field) => {
      const hidden = hiddenOf(field);
      if (hidden !== undefined) return entity[hidden];
      const spec = specOf(field);
      const member = (path: string) => memberValue(engine, type, entity, path);
      if (!spec) return member(field);
      if (spec.compute) return spec.compute(member, engine, entity.id);
      const value = member(spec.path!);
      return spec.unit && typeof value === "number" ? Math.floor(value / UNITS[spec.unit]) : value;
    },
  };
}

/** `record[key]` if `key` is the record's own, else `undefined`. */
function ownValue<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

function kindOf(spec: FieldSpec | undefined): FieldKind {
  const kind = spec?.kind ?? "text";
  if (typeof kind !== "string") return { kind: "enum", values: kind };
  if (kind === "word") return TEXT;
  return kind === "text" ? TEXT : { kind };
}

/** The member steps of `path` on struct `type` (`datacenter` through the cluster if needed). */
function stepsOf(type: string, path: string): string[] {
  const steps = path.split(".").map((tag) => (tag === "datacenter" ? "data_center" : tag));
  if (
    steps[0] === "data_center" && !memberByTag(type, "data_center") && memberByTag(type, "cluster")
  ) {
    steps.unshift("cluster");
  }
  return steps;
}

/**
 * Whether `path` names members of struct `type` starting at a link to another object (the
 * engine's cross references: `host`, `host.name`).
 */
function isLinkPath(type: string, path: string): boolean {
  let currentType = type;
  const steps = stepsOf(type, path);
  for (const [index, step] of steps.entries()) {
    const member = memberByTag(currentType, step);
    if (!member) return false;
    if (index === 0 && (member.kind !== "struct" || !homeOf(member.type!))) {
      return false;
    }
    if (member.kind !== "struct") return index === steps.length - 1;
    currentType = member.type!;
  }
  return true;
}

/** The value at member `path` of `entity` (a linked object's name), or `undefined`. */
function memberValue(engine: Engine, type: string, entity: Stored, path: string): unknown {
  const steps = stepsOf(type, path);
  let current: unknown = entity;
  let currentType = type;
  for (let i = 0; i < steps.length; i++) {
    const member = memberByTag(currentType, steps[i]);
    if (!member) return undefined;
    const value = (current as Stored)[member.name];
    if (value === undefined || value === null) return undefined;
    if (member.kind !== "struct") return value;
    if (member.list) return undefined;
    const object = linked(engine, member.type!, value as Stored);
    if (i === steps.length - 1) return object.name ?? object.id;
    current = object;
    currentType = member.type!;
  }
  return undefined;
}

/** The home object a reference points to, or the value itself. */
function linked(engine: Engine, type: string, value: Stored): Stored {
  return typeof value.id === "string" ? engine.homeObject(type, value.id) ?? value : value;
}
