/**
 * The JavaScript value of a leaf element's content for each value kind of the schema,
 * shared by both readers: from plain ASCII bytes in the usual form, or from decoded text.
 *
 * @module
 */

import { BOOLEAN, DATE, DECIMAL, ENUM, INTEGER, STRING } from "./schema.ts";
import {
  booleanFromBytes,
  dateFromBytes,
  integerFromBytes,
  parseBoolean,
  parseDate,
  parseDecimal,
  parseInteger,
  xmlTrim,
} from "./values.ts";

/** What {@link valueFromText} returns for text that is not a value of its kind. */
export const INVALID_VALUE: unique symbol = Symbol("invalid XML value");

/**
 * The value of `text` for a member of value kind `kind`: `undefined` for an empty or blank
 * non-string, {@link INVALID_VALUE} for text that is not a value of the kind.
 */
export function valueFromText(kind: number, text: string): unknown {
  if (kind === STRING) return text;
  if (kind === ENUM) {
    const value = xmlTrim(text).toLowerCase();
    return value === "" ? undefined : value;
  }
  let value: unknown;
  if (kind === INTEGER) value = parseInteger(text);
  else if (kind === BOOLEAN) value = parseBoolean(text);
  else if (kind === DATE) value = parseDate(text);
  else if (kind === DECIMAL) value = parseDecimal(text);
  if (value !== undefined || xmlTrim(text) === "") return value;
  return INVALID_VALUE;
}

/**
 * The value of the plain ASCII bytes `buf[start, end)` when they spell an integer, boolean
 * or date in its usual form, read without a string; `undefined` otherwise (then decode the
 * text and use {@link valueFromText}).
 */
export function valueFromPlainBytes(
  kind: number,
  buf: Uint8Array,
  start: number,
  end: number,
): unknown {
  if (kind === INTEGER) {
    const value = integerFromBytes(buf, start, end);
    if (value === value) return value;
  } else if (kind === BOOLEAN) {
    const value = booleanFromBytes(buf, start, end);
    if (value >= 0) return value === 1;
  } else if (kind === DATE) {
    const time = dateFromBytes(buf, start, end);
    if (time === time) return new Date(time);
  }
  return undefined;
}
