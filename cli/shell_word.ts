/**
 * The word a user means by what they typed on a shell's command line, for completion: the
 * shells hand the word being completed over as typed (`my\ v`, `"my v`, `'my v`), while the
 * names it is matched with have no shell quoting.
 *
 * @module
 */

/** Characters a backslash escapes inside double quotes (POSIX shells). */
const DOUBLE_QUOTED_ESCAPES = new Set(['"', "\\", "$", "`"]);

/**
 * `typed` without its shell quoting: backslash escapes and single or double quotes removed,
 * as the shell would when running the command (a quote left open counts to the end).
 */
export function unquotedWord(typed: string): string {
  let word = "";
  let quote: string | undefined;
  for (let index = 0; index < typed.length; index++) {
    const char = typed[index];
    const next = typed[index + 1];
    if (quote === "'") {
      if (char === "'") quote = undefined;
      else word += char;
    } else if (quote === '"') {
      if (char === '"') quote = undefined;
      else if (char === "\\" && next !== undefined && DOUBLE_QUOTED_ESCAPES.has(next)) {
        word += next;
        index++;
      } else word += char;
    } else if (char === "'" || char === '"') {
      quote = char;
    } else if (char === "\\") {
      if (next !== undefined) word += next;
      index++;
    } else {
      word += char;
    }
  }
  return word;
}
