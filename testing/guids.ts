/**
 * Ids a request gives for a new object, read as the engine's REST mappers read them
 * (`GuidUtils.asGuid`, Java's `UUID.fromString`): a malformed one is a 400, and the id kept
 * is the UUID's canonical text.
 *
 * @module
 */

import { Refusal } from "./answers.ts";
import { ZERO_ID } from "./model.ts";

/** The text form of a UUID, as the engine's `Guid` parses it (parts of up to 8-4-4-4-12). */
const UUID = /^([0-9a-f]{1,8})-([0-9a-f]{1,4})-([0-9a-f]{1,4})-([0-9a-f]{1,4})-([0-9a-f]{1,12})$/i;

/** The width of each part of a UUID's canonical text. */
const WIDTHS = [8, 4, 4, 4, 12];

/**
 * The id the engine gives a new object for `given`, the `id` of the request's body:
 * `undefined` (a new one is made) when none is given, or the empty or all-zero UUID;
 * otherwise its canonical text (lower case, each part zero-padded). A `given` that is no
 * UUID is refused as the engine's `MalformedIdExceptionMapper` refuses it.
 */
export function givenGuid(given: unknown): string | undefined {
  if (given === undefined || given === "") return undefined;
  const parts = typeof given === "string" ? UUID.exec(given) : null;
  if (!parts) throw new Refusal(400, "Operation failed", `Invalid UUID string: ${given}`);
  const id = parts.slice(1).map((part, n) => part.toLowerCase().padStart(WIDTHS[n], "0"))
    .join("-");
  return id === ZERO_ID ? undefined : id;
}
