/**
 * The names the simulator (and the CLI's wait tables) spell in plain strings are names of the
 * model: the members its seed fills, the member paths of its search field tables, the `xs:long`
 * members of `testing/value_checks.ts`, the statuses and phases its behaviours set or compare
 * (enum values), the actions behaviours answer, and `cli/lifecycles.ts`'s statuses and actions.
 * After a regeneration that renames one, nothing else notices: the simulator silently stops
 * filling a member, matches nothing in a search or keys a behaviour on an action no client
 * calls. Each test names every stale name it finds.
 */

import assert from "node:assert/strict";
import { LIFECYCLES } from "../cli/lifecycles.ts";
import { WIDE_INTEGERS } from "../scripts/engine_facts.ts";
import { SERVICES } from "../services/metadata.ts";
import type { Behaviour } from "../testing/behaviour.ts";
import { BEHAVIOURS } from "../testing/behaviours/mod.ts";
import { Engine } from "../testing/engine.ts";
import { actionOf, collectionType, memberByTag, membersOf } from "../testing/model.ts";
import { SEARCH_FIELDS } from "../testing/search_fields.ts";
import { seed } from "../testing/seed.ts";
import { Store } from "../testing/store.ts";
import { resolvePath, typeAt } from "../testing/tree.ts";
import type { MemberMeta } from "../transport/xml/metadata.ts";
import { ENUMS, STRUCTS } from "../types/metadata.ts";

/** Asserts that `stale` is empty, listing every stale name in the message. */
function noneStale(stale: string[], what: string): void {
  assert.deepEqual(stale, [], `${what} that the model does not have:\n  ${stale.join("\n  ")}`);
}

/** Whether `value` is a wire value of enum `type`. */
function isEnumValue(type: string, value: unknown): boolean {
  return typeof value === "string" && (ENUMS[type]?.values ?? []).includes(value);
}

/**
 * The stale names of `value`, an object of struct `type` as the simulator stores it: keys that
 * are no member (the simulator's own keys start with `$`) and enum values the enum lacks.
 */
function staleIn(type: string, value: Record<string, unknown>, where: string): string[] {
  const stale: string[] = [];
  const members = new Map(membersOf(type).map((member) => [member.name, member]));
  for (const [key, member_value] of Object.entries(value)) {
    if (key.startsWith("$")) continue;
    const member = members.get(key);
    if (!member) {
      stale.push(`${where}: member ${type}.${key}`);
      continue;
    }
    const items = Array.isArray(member_value) ? member_value : [member_value];
    for (const item of items) {
      if (item === undefined || item === null) continue;
      if (member.kind === "enum" && !isEnumValue(member.type!, item)) {
        stale.push(`${where}: ${type}.${key} = "${item}" (no ${member.type} value)`);
      } else if (member.kind === "struct" && typeof item === "object") {
        stale.push(...staleIn(member.type!, item as Record<string, unknown>, `${where}.${key}`));
      }
    }
  }
  return stale;
}

/** A seeded engine, and every object its seed stored, with the collection it went into. */
function seeded(): { engine: Engine; stored: [string, Record<string, unknown>][] } {
  const stored: [string, Record<string, unknown>][] = [];
  const put = Store.prototype.put;
  Store.prototype.put = function (collection, entity) {
    stored.push([collection, entity]);
    return put.call(this, collection, entity);
  };
  try {
    const engine = new Engine(0, 1);
    seed(engine, { empty: false, vms: 20 });
    return { engine, stored };
  } finally {
    Store.prototype.put = put;
  }
}

Deno.test("simulator model names: the seed fills only members of the model, with enum values it has", () => {
  const { stored } = seeded();
  assert.ok(stored.length > 100, "the seed stores objects");
  const stale: string[] = [];
  for (const [collection, entity] of stored) {
    if (collection.startsWith("$")) continue; // the simulator's own records
    // The object's own service, or the collection's (of objects reached only in a list).
    const at = resolvePath(`${collection}/${encodeURIComponent(String(entity.id))}`);
    const list = resolvePath(collection);
    const type = (at && typeAt(at)) ?? (list && collectionType(list.service));
    if (type === undefined) {
      stale.push(`collection ${collection}`);
      continue;
    }
    stale.push(
      ...staleIn(type, entity, `${collection.replace(/\/[^/]*-[^/]*(?=\/|$)/g, "/{id}")}`),
    );
  }
  noneStale([...new Set(stale)], "The seed uses names");
});

/** The member steps of a search field path on `type` (`datacenter` through the cluster). */
function steps(type: string, path: string): string[] {
  const tags = path.split(".").map((tag) => (tag === "datacenter" ? "data_center" : tag));
  if (tags[0] === "data_center" && !memberByTag(type, "data_center")) tags.unshift("cluster");
  return tags;
}

/** The member at the end of `path` on `type`, or the first step the model lacks. */
function memberAt(type: string, path: string): MemberMeta | string {
  let current = type;
  let member: MemberMeta | undefined;
  for (const tag of steps(type, path)) {
    member = memberByTag(current, tag);
    if (!member) return `${current}.${tag}`;
    current = member.type ?? "";
  }
  return member!;
}

/**
 * API enum values the engine's own enums lack, so that its search cannot name them either: the
 * architectures its `ArchitectureType` does not have, a storage domain status its REST layer
 * never gives.
 */
const API_ONLY: Readonly<Record<string, readonly string[]>> = {
  Architecture: ["aarch64", "loongarch64"],
  StorageDomainStatus: ["mixed"],
};

Deno.test("simulator model names: the search field tables read members of the model, enum fields its values", () => {
  const { engine } = seeded();
  const stale: string[] = [];
  for (const [type, table] of Object.entries(SEARCH_FIELDS)) {
    if (!STRUCTS[type]) {
      stale.push(`search table of ${type}`);
      continue;
    }
    for (const [field, spec] of Object.entries(table)) {
      // The paths a computed field reads, recorded by asking it for its value.
      const read: string[] = spec.path === undefined ? [] : [spec.path];
      spec.compute?.(
        (path) => void read.push(path),
        engine,
        "00000000-0000-0000-0000-000000000000",
      );
      for (const path of read) {
        const member = memberAt(type, path);
        if (typeof member === "string") {
          stale.push(`${type} field ${field}: ${member}`);
        } else if (Array.isArray(spec.kind) && member.kind === "enum" && !member.list) {
          // The engine's own enum has values the API lacks; every API value must be one of
          // them, or a search by it finds nothing (a renamed value).
          const wires = new Set(spec.kind.map((value) => value.wire));
          for (const value of ENUMS[member.type!].values) {
            if (!wires.has(value) && !API_ONLY[member.type!]?.includes(value)) {
              stale.push(`${type} field ${field}: ${member.type} "${value}" is no value it reads`);
            }
          }
        }
      }
    }
  }
  noneStale(stale, "The search tables use names");
});

Deno.test("the engine's wide integer members are members of the model, with their range", () => {
  // The writer and the simulator read each one's range from its metadata (`integerRange`).
  const stale: string[] = [];
  let count = 0;
  for (const [type, members] of Object.entries(WIDE_INTEGERS)) {
    for (const [tag, range] of Object.entries(members)) {
      count++;
      const member = STRUCTS[type]?.members.find((candidate) => candidate.tag === tag);
      if (member?.kind !== "integer" || member.range !== range) stale.push(`${type}.${tag}`);
    }
  }
  assert.ok(count > 10, "the table was read");
  noneStale(stale, "scripts/engine_facts.ts names wide integer members");
});

/** Every `.ts` file below `dir`. */
async function sourcesOf(dir: URL): Promise<URL[]> {
  const files: URL[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const url = new URL(entry.name + (entry.isDirectory ? "/" : ""), dir);
    if (entry.isDirectory) files.push(...await sourcesOf(url));
    else if (entry.name.endsWith(".ts")) files.push(url);
  }
  return files;
}

/** Member names whose values the simulator spells as literals. */
const STATUS_MEMBERS = ["status", "phase", "externalStatus", "state", "snapshotStatus"];

/** Keys of the simulator's own tables that hold a status it sets (exports.ts's `locked`). */
const STATUS_KEYS: Readonly<Record<string, string>> = { locked: "status" };

Deno.test("simulator model names: the statuses and phases the simulator sets or compares are enum values", async () => {
  // The values of the enums of every member so named, in any struct.
  const known = new Map(STATUS_MEMBERS.map((name) => [name, new Set<string>()]));
  for (const type of Object.keys(STRUCTS)) {
    for (const member of membersOf(type)) {
      if (member.kind !== "enum") continue;
      for (const value of ENUMS[member.type!].values) known.get(member.name)?.add(value);
    }
  }
  // An action's `status`, a string in the model, holds the engine's creation statuses.
  for (const value of ENUMS.CreationStatus.values) known.get("status")!.add(value);
  // `status: "up"`, `status === "up"`, `status: wasUp ? "up" : "down"`.
  const names = [...STATUS_MEMBERS, ...Object.keys(STATUS_KEYS)].join("|");
  const pattern = new RegExp(
    `\\b(${names})(?:: | === | !== )(?:\\w+ \\? "([^"]*)" : )?"([^"]*)"`,
    "g",
  );
  const root = new URL("../", import.meta.url);
  const stale: string[] = [];
  let count = 0;
  for (const file of await sourcesOf(new URL("../testing/", import.meta.url))) {
    const lines = (await Deno.readTextFile(file)).split("\n");
    for (const [index, line] of lines.entries()) {
      for (const [, name, ...values] of line.matchAll(pattern)) {
        const member = STATUS_KEYS[name] ?? name;
        for (const value of values) {
          if (value === undefined) continue;
          count++;
          if (!known.get(member)!.has(value)) {
            stale.push(`${file.href.slice(root.href.length)}:${index + 1}: ${name} "${value}"`);
          }
        }
      }
    }
  }
  assert.ok(count > 100, "the simulator's statuses were found");
  noneStale(stale, "The simulator spells statuses");
});

Deno.test("simulator model names: behaviours answer services and actions of the model", () => {
  const stale: string[] = [];
  // One behaviour may serve several services (a disk's, reached from several places), and
  // each of its actions must be an action of one of them at least.
  const servedBy = new Map<Behaviour, string[]>();
  for (const [name, behaviour] of Object.entries(BEHAVIOURS)) {
    if (!SERVICES[name]) stale.push(`service ${name}`);
    else servedBy.set(behaviour, [...servedBy.get(behaviour) ?? [], name]);
  }
  for (const [behaviour, names] of servedBy) {
    for (const segment of Object.keys(behaviour.actions ?? {})) {
      if (!names.some((name) => actionOf(SERVICES[name], segment))) {
        stale.push(`action ${segment} of ${names.join(", ")}`);
      }
    }
  }
  noneStale(stale, "Behaviours are keyed on names");
});

/** The names of the actions of the services an object of struct `type` is reached through. */
function actionsOf(type: string): Set<string> {
  const names = new Set<string>();
  for (const collection of Object.values(SERVICES)) {
    if (collectionType(collection) !== type) continue;
    for (const locator of collection.locators) {
      if (locator.parameter === undefined) continue;
      for (const method of SERVICES[locator.service].methods) {
        if (method.kind === "action") names.add(method.name);
      }
    }
  }
  return names;
}

Deno.test("simulator model names: the CLI's wait tables name statuses and actions of the model", () => {
  const stale: string[] = [];
  for (const [type, lifecycle] of Object.entries(LIFECYCLES)) {
    const status = STRUCTS[type] ? memberByTag(type, "status") : undefined;
    if (status?.kind !== "enum") {
      stale.push(`${type}.status`);
      continue;
    }
    const goals = Object.values(lifecycle.goals);
    const statuses = [
      ...lifecycle.passing,
      ...lifecycle.failed,
      ...goals.flatMap((goal) => [...goal.reach, ...goal.failed ?? []]),
    ];
    for (const value of new Set(statuses)) {
      if (!isEnumValue(status.type!, value)) stale.push(`${type} status "${value}"`);
    }
    const actions = actionsOf(type);
    for (const method of Object.keys(lifecycle.goals)) {
      if (method !== "add" && !actions.has(method)) stale.push(`${type} action ${method}`);
    }
  }
  noneStale(stale, "cli/lifecycles.ts names");
});
