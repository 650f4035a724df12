/**
 * Text a server wrote (fault reasons, SSO error descriptions, status reasons) made fit for an
 * error message: one line, no terminal controls, and short.
 *
 * @module
 */

/** The most characters of server text an error message quotes. */
export const SERVER_TEXT_LIMIT = 1000;

/** A run of line breaks and tabs, which becomes one space. */
const BREAKS = /[\t\n\v\f\r\u0085\u2028\u2029]+/y;

/**
 * Characters that would act on a terminal or reorder what it shows: the other C0 and C1
 * controls (escape sequences start with them) and the bidirectional formatting characters.
 */
// deno-lint-ignore no-control-regex
const CONTROL = /^[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]$/;

/**
 * `text` as an error message may quote it: line breaks folded into spaces, controls written
 * as `\u` escapes, and cut once it would pass `limit` characters (never inside an escape or
 * a character), with a note of how many characters of `text` were left out.
 *
 * @example
 * ```ts
 * serverText("Failed\n\u001b[2Jnow"); // "Failed \\u001b[2Jnow"
 * ```
 */
export function serverText(text: string, limit = SERVER_TEXT_LIMIT): string {
  let shown = "";
  let next = 0; // the first character of `text` not shown yet
  while (next < text.length) {
    let piece: string, after: number;
    BREAKS.lastIndex = next;
    const breaks = BREAKS.exec(text);
    if (breaks) {
      piece = " ";
      after = next + breaks[0].length;
    } else {
      const char = String.fromCodePoint(text.codePointAt(next)!);
      piece = CONTROL.test(char) ? `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}` : char;
      after = next + char.length;
    }
    if (shown.length + piece.length > limit) break;
    shown += piece;
    next = after;
  }
  return next < text.length ? `${shown}… (${text.length - next} more characters)` : shown;
}
