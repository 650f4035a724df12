/**
 * Columns of the table, CSV and `show` outputs: which members each type shows by default,
 * how a column path (`host`, `cpu.topology.cores`, `provisioned_size`) reads a value, and
 * how a value becomes one cell of text.
 *
 * @module
 */

import { UsageError } from "../errors.ts";
import { STRUCTS } from "../model.ts";
import { camel } from "../names.ts";
import { memberOf, membersOf } from "../values.ts";

const DEFAULT_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  Vm: ["name", "status", "host", "memory", "id"],
  Host: ["name", "status", "address", "cluster", "id"],
  Disk: ["name", "status", "provisionedSize", "format", "id"],
  Event: ["id", "time", "severity", "description"],
  StorageDomain: ["name", "type", "status", "available", "used", "id"],
  Snapshot: ["description", "snapshotStatus", "date", "id"],
  Nic: ["name", "mac", "interface", "plugged", "id"],
  DiskAttachment: ["disk", "interface", "bootable", "active", "id"],
  ImageTransfer: ["id", "phase", "direction", "disk", "transferred"],
  Job: ["id", "description", "status", "startTime"],
};

/** The columns shown for `type` when none are chosen. */
export function defaultColumns(type: string | undefined): string[] {
  const preset = type ? DEFAULT_COLUMNS[type] : undefined;
  if (preset) return [...preset];
  const names = new Set(type ? membersOf(type).map((member) => member.name) : []);
  const wanted = ["name", "status", "description", "id"].filter((name) => names.has(name));
  return wanted.length > 0 ? wanted : ["id"];
}

/**
 * Refuses a column chosen for a table or CSV (`-c`) that names no member of `type`, the
 * struct each row is: each step of a path must be a member of the struct the step before
 * names (a typo would otherwise print an empty column). Columns of a type the model does
 * not have are not checked.
 */
export function checkColumns(
  output: { readonly format: string; readonly columns?: readonly string[] },
  type: string | undefined,
): void {
  const { format, columns } = output;
  if (format !== "table" && format !== "csv") return;
  if (columns === undefined || type === undefined || !Object.hasOwn(STRUCTS, type)) return;
  for (const column of columns) {
    const steps = column.split(".");
    let struct = type, owner = STRUCTS[type].tag;
    for (const [index, step] of steps.entries()) {
      const member = memberOf(struct, step);
      if (member === undefined) {
        throw new UsageError(`-c ${column}: ${owner} has no member "${step}"`);
      }
      if (index === steps.length - 1) break;
      if (member.list || member.kind !== "struct" || member.type === undefined) {
        const what = member.list ? "is a list" : "is a value";
        throw new UsageError(`-c ${column}: ${member.tag} ${what}, with no members to choose`);
      }
      struct = member.type;
      owner = member.tag;
    }
  }
}

/** The value at a column path: `cpu.topology.cores`; each step camelCase or snake_case. */
export function valueAt(item: unknown, column: string): unknown {
  let value = item;
  for (const step of column.split(".")) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string, unknown>)[camel(step)];
  }
  return value;
}

/** One value as cell text: an object by its name (or id), a list joined, a date in ISO. */
export function cellText(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (value instanceof Date) return value.toISOString().replace(/\.000Z$/, "Z");
  if (Array.isArray(value)) return value.map(cellText).filter((text) => text).join(",");
  if (typeof value === "object") {
    const { name, id } = value as { name?: unknown; id?: unknown };
    if (typeof name === "string" && name !== "") return name;
    if (typeof id === "string") return id;
    const members = Object.values(value).filter((member) => member !== undefined);
    if (members.length === 1 && (members[0] === null || typeof members[0] !== "object")) {
      return cellText(members[0]); // a wrapper such as a MAC's { address }
    }
    return JSON.stringify(plain(value));
  }
  return String(value);
}

/**
 * `value` with dates as ISO strings, big integers as strings and link-only lists as their
 * `href`: ready for JSON or YAML.
 */
export function plain(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "bigint") return value.toString();
  if (Array.isArray(value)) {
    // A list the engine sent only as a link: its href, not an empty list that looks final.
    const href = (value as { href?: unknown }).href;
    return value.length === 0 && typeof href === "string" ? { href } : value.map(plain);
  }
  if (value !== null && typeof value === "object") {
    const result: Record<string, unknown> = {};
    for (const [key, member] of Object.entries(value)) {
      if (member !== undefined) result[key] = plain(member);
    }
    return result;
  }
  return value;
}

/** The header of a column: `provisionedSize` → `PROVISIONED_SIZE`. */
export function header(column: string): string {
  return camel(column).replace(/[A-Z]/g, (letter) => `_${letter}`).replace(/\./g, "_")
    .toUpperCase();
}
