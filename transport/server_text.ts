/**
 * Text a server wrote (fault reasons, SSO error descriptions, status reasons) made fit for an
 * error message: one line, no terminal controls, and short.
 *
 * @module
 */

/** The most characters of server text an error message quotes. */
export const SERVER_TEXT_LIMIT = 1000;

/** Line breaks and tabs, which become one space. */
const BREAKS = /[\t\n\v\f\r\u0085\u2028\u2029]+/g;

/**
 * Characters that would act on a terminal or reorder what it shows: the other C0 and C1
 * controls (escape sequences start with them) and the bidirectional formatting characters.
 */
// deno-lint-ignore no-control-regex
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * `text` as an error message may quote it: line breaks folded into spaces, controls written
 * as `\u` escapes, and cut after `limit` characters with a note of how many were left out.
 *
 * @example
 * ```ts
 * serverText("Failed\n\u001b[2Jnow"); // "Failed \\u001b[2Jnow"
 * ```
 */
export function serverText(text: string, limit = SERVER_TEXT_LIMIT): string {
  // Escapes make the text longer: it is cut after escaping, never inside an escape or a pair.
  const cleaned = text.slice(0, limit + 1).replace(BREAKS, " ").replace(
    CONTROLS,
    (control) => `\\u${control.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
  if (cleaned.length <= limit && text.length <= limit) return cleaned;
  const shown = cleaned.slice(0, limit).replace(/\\(u[0-9a-f]{0,3})?$|[\ud800-\udbff]$/, "");
  const kept = shown.replace(/\\u[0-9a-f]{4}/g, "x").length; // characters of `text` shown
  return `${shown}… (${text.length - kept} more characters)`;
}
