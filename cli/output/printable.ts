/**
 * Text from the engine made safe for a terminal: what could move the cursor, clear the
 * screen, start a control sequence or reorder the text around it is written as an escape.
 * Tables, lines of events and error lines show text this way.
 *
 * @module
 */

/**
 * The control characters of C0 and C1 and DEL; the bidirectional marks, embeddings,
 * overrides and isolates (U+061C, U+200E, U+200F, U+202A to U+202E, U+2066 to U+2069);
 * and the line and paragraph separators U+2028 and U+2029.
 */
const UNSAFE =
  // deno-lint-ignore no-control-regex -- control characters are what is looked for
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
/** How {@link printable} writes the usual control characters. */
const ESCAPES: Readonly<Record<string, string>> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/**
 * `text` safe to show on a terminal: its control characters (a line break in a description,
 * or an escape sequence the engine's data could carry to the terminal) and its bidirectional
 * controls written as escapes, `\n`, `\t`, `\u001b`, `\u202e`. JSON, YAML, XML and CSV
 * output keep values exact instead.
 */
export function printable(text: string): string {
  return text.replace(
    UNSAFE,
    (character) =>
      ESCAPES[character] ?? `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
