/**
 * Values the engine refuses whatever the operation, as it refuses them: enum text that is
 * not one of the enum's wire values, and integers beyond their member's range. Request
 * bodies (`request_body.ts`) and query parameters (`api.ts`) are checked with them.
 *
 * @module
 */

import type { MethodMeta } from "../transport/service.ts";
import type { MemberMeta } from "../transport/xml/metadata.ts";
import { integerRange } from "../transport/xml/writer.ts";
import { ENUMS } from "../types/metadata.ts";
import { invalid, Refusal } from "./answers.ts";

/** The greatest value of an `xs:unsignedInt` the engine's parser names. */
const UNSIGNED_MAX = 2n ** 32n - 1n;

/** Whether `text` (trimmed, any case; empty means absent) is a wire value of enum `type`. */
function isEnumValue(type: string, text: string): boolean {
  const value = text.trim().toLowerCase();
  const values = ENUMS[type]?.values;
  return value === "" || values === undefined || values.includes(value);
}

/**
 * Throws what the engine answers to enum text in a body that is not a wire value of enum
 * `type`: 400 `Invalid value`, with the detail of the model's generated enum adapters.
 */
export function checkEnum(type: string, text: string): void {
  if (isEnumValue(type, text)) return;
  const values = ENUMS[type].values.map((value) => `'${value}'`).join(", ");
  throw invalid(
    `The string '${text.trim()}' isn't a valid value for the '${type}' enumerated type. ` +
      `Valid values are: ${values}.`,
  );
}

/**
 * Throws 400 `Invalid value` if `text` is an integer beyond the range of `member`, an
 * integer member, with the detail of the engine's `IntegerParser`. Below the range of an
 * `xs:int` or `xs:long` the engine keeps the value wrapped to its width, without a word (as
 * it keeps some negative values of an `xs:unsignedInt`): the simulator refuses it instead,
 * so that a test shows it. Text that is no integer is left to the reader.
 */
export function checkInteger(member: MemberMeta, text: string): void {
  const value = text.trim();
  if (!/^[+-]?\d+$/.test(value)) return;
  const number = BigInt(value);
  const { min, max, name } = integerRange(member);
  if (name === "unsigned integer") {
    if (number > UNSIGNED_MAX) {
      throw invalid(`Value ${value} is greater than maximum unsigned integer ${UNSIGNED_MAX}`);
    }
    if (number >= 0n && BigInt.asIntN(32, number) >= 0n) return;
    throw invalid(
      `Negative value ${value} not allowed for unsigned integers, valid values are between 0 ` +
        `and ${UNSIGNED_MAX}`,
    );
  }
  if (number > max) throw invalid(`Value ${value} is greater than maximum ${name} ${max}`);
  if (number < min) throw invalid(`Value ${value} is less than minimum ${name} ${min}`);
}

/** Checks the value of `member` (an enum or integer one; others pass) given as `text`. */
export function checkValue(member: MemberMeta, text: string): void {
  if (member.kind === "enum" && member.type) checkEnum(member.type, text);
  else if (member.kind === "integer") checkInteger(member, text);
}

/**
 * Checks the enum query parameters `method` declares (`auto_pinning_policy`) in `query`:
 * the engine answers one it cannot read with 400, detail `Invalid value` (its
 * `INVALID_ENUM_REASON` message, given as a fault's detail).
 */
export function checkQuery(method: MethodMeta, query: URLSearchParams): void {
  for (const param of method.params) {
    if (param.kind !== "enum" || !param.type) continue;
    for (const value of query.getAll(param.wire)) {
      if (!isEnumValue(param.type, value)) {
        throw new Refusal(400, "Operation Failed", "Invalid value");
      }
    }
  }
}
