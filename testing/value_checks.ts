/**
 * Values the engine refuses whatever the operation (protocol 3.3, 3.4, 4.6): enum text
 * that is not one of the enum's wire values (400 `Invalid Enum value`), and integers
 * beyond 32 bits outside the `xs:long` members (400 `Value out of range`). Request bodies
 * (`request_body.ts`) and query parameters (`api.ts`) are checked with them.
 *
 * @module
 */

import type { MethodMeta } from "../transport/service.ts";
import type { MemberMeta } from "../transport/xml/metadata.ts";
import { ENUMS, STRUCTS } from "../types/metadata.ts";
import { Refusal } from "./answers.ts";
import { memberByTag } from "./model.ts";

/** The `xs:long` members (protocol 3.3), by declaring struct; every other integer is 32-bit. */
const LONG_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  Disk: ["actual_size", "provisioned_size", "initial_size", "total_size"],
  GlusterClient: ["bytes_read", "bytes_written"],
  Host: ["memory", "max_scheduling_memory"],
  HostNic: ["speed"],
  Image: ["size"],
  ImageTransfer: ["transferred"],
  LogicalUnit: ["size", "discard_max_size"],
  MemoryPolicy: ["guaranteed", "max"],
  NumaNode: ["memory"],
  QuotaStorageLimit: ["limit"],
  StorageDomain: ["available", "used", "committed"],
  VmBase: ["memory"],
  Ticket: ["expiry"], // unsigned on the engine: not checked as a 32-bit value
};

/** The long members as the member tables hold them, inherited ones included. */
const LONGS: ReadonlySet<MemberMeta> = (() => {
  const longs = new Set<MemberMeta>();
  for (const struct of Object.keys(STRUCTS)) {
    for (let type: string | undefined = struct; type; type = STRUCTS[type].base) {
      for (const tag of LONG_MEMBERS[type] ?? []) {
        const member = memberByTag(struct, tag);
        if (member) longs.add(member);
      }
    }
  }
  return longs;
})();

const INT_MIN = -(2 ** 31);
const INT_MAX = 2 ** 31 - 1;

/**
 * Throws 400 `Invalid Enum value` if `text` (trimmed, any case; empty means absent) is
 * not a wire value of enum `type`.
 */
export function checkEnum(type: string, text: string): void {
  const value = text.trim().toLowerCase();
  const values = ENUMS[type]?.values;
  if (value === "" || values === undefined || values.includes(value)) return;
  throw new Refusal(
    400,
    "Invalid Enum value",
    `${text.trim()} is not a member of ${type}. Possible values for ${type} are: ${
      values.join(", ")
    }`,
  );
}

/**
 * Throws 400 `Value out of range` if `text` is an integer beyond 32 bits for `member`, a
 * 32-bit integer member. Text that is no integer is left to the reader.
 */
export function checkInteger(member: MemberMeta, text: string): void {
  const value = text.trim();
  if (LONGS.has(member) || !/^[+-]?\d+$/.test(value)) return;
  const number = Number(value);
  if (number >= INT_MIN && number <= INT_MAX) return;
  throw new Refusal(
    400,
    "Value out of range",
    `Value ${value} of ${member.tag} is out of range: ${INT_MIN} to ${INT_MAX}`,
  );
}

/** Checks the value of `member` (an enum or integer one; others pass) given as `text`. */
export function checkValue(member: MemberMeta, text: string): void {
  if (member.kind === "enum" && member.type) checkEnum(member.type, text);
  else if (member.kind === "integer") checkInteger(member, text);
}

/** Checks the enum query parameters `method` declares (`auto_pinning_policy`) in `query`. */
export function checkQuery(method: MethodMeta, query: URLSearchParams): void {
  for (const param of method.params) {
    if (param.kind !== "enum" || !param.type) continue;
    for (const value of query.getAll(param.wire)) checkEnum(param.type, value);
  }
}
