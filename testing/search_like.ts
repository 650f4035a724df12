/**
 * Text matching as the engine's search backend does it: the value of a condition is first
 * escaped for its SQL (`SqlInjectionChecker.enforceEscapeCharacters`, on every value of a
 * query that is more than a bare collection name), then, for a text field, each `*` becomes
 * `%`, and, for `=` and free text (`LIKE`/`ILIKE`), each `_` becomes `\_`. PostgreSQL then
 * reads the SQL string as written (`standard_conforming_strings`, on by default, which the
 * engine's single `\` before `_` relies on) and its `LIKE` takes `%` as any run, `_` as any
 * one character and `\` as escaping the character after it.
 *
 * @module
 */

/** Whether a text matches a compiled pattern. */
export type Like = (text: string) => boolean;

/** How to compile a pattern. */
export interface LikeOptions {
  /** Compare as `LIKE` (`case_sensitive`) rather than `ILIKE`. */
  readonly caseSensitive: boolean;
  /** Escape each `_` (`=` and free text, not `!=`, whose `NOT ILIKE` the engine leaves). */
  readonly escapeUnderscore: boolean;
  /** Match the value anywhere in the text (free text: `%value%`). */
  readonly anywhere?: boolean;
}

/**
 * `value` as the engine's SQL string holds it: each `%` gets a `\` unless a `\` is before
 * it, and each `\` is doubled unless a `\` is before it or a `%` or `\` after it; the first
 * character's successor is never looked at, so a leading `\` is always doubled. So `50%`
 * is the literal `50%`, `a\b` the literal `a\b`, and `a\%` stays `a\%` (a literal `%`).
 * The engine refuses a value ending with `\` before it gets here (search.ts), and a `'`
 * anywhere, which it escapes too.
 */
export function engineEscaped(value: string): string {
  const chars = value.split("");
  return chars.map((c, i) => {
    const before = chars[i - 1];
    const after = i === 0 ? undefined : chars[i + 1];
    if (c === "%") return before === "\\" ? c : "\\%";
    if (c !== "\\") return c;
    return before === "\\" || after === "%" || after === "\\" ? c : "\\\\";
  }).join("");
}

/** A step of a `LIKE` pattern: any run of characters, any one character, or a literal. */
type Step = typeof ANY_RUN | typeof ANY_ONE | string;
const ANY_RUN = 0;
const ANY_ONE = 1;

/**
 * The test of a condition's `value` on text fields, as the engine's `LIKE` or `ILIKE`
 * compares. Matching takes at most (text length) x (pattern length) steps, however many
 * `%` the pattern has.
 */
export function like(value: string, options: LikeOptions): Like {
  const fold = options.caseSensitive ? (c: string) => c : (c: string) => c.toLowerCase();
  const percents = engineEscaped(value).replaceAll("*", "%");
  const escaped = options.escapeUnderscore ? percents.replaceAll("_", "\\_") : percents;
  const pattern = Array.from(options.anywhere ? `%${escaped}%` : escaped);
  const steps: Step[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "%") {
      if (steps.at(-1) !== ANY_RUN) steps.push(ANY_RUN);
    } else if (c === "_") steps.push(ANY_ONE);
    else steps.push(fold(c === "\\" ? pattern[++i] : c));
  }
  return (text) => likeMatch(Array.from(text, fold), steps);
}

/**
 * Whether the characters `text` match `steps`: a step by step walk that, on a mismatch,
 * goes back to the last `%` and lets it take one more character (no backtracking further).
 */
function likeMatch(text: readonly string[], steps: readonly Step[]): boolean {
  let t = 0, s = 0;
  let lastRun = -1, runFrom = 0;
  while (t < text.length) {
    const step = steps[s];
    if (step === ANY_RUN) {
      lastRun = s++;
      runFrom = t;
    } else if (s < steps.length && (step === ANY_ONE || step === text[t])) {
      s++;
      t++;
    } else if (lastRun >= 0) {
      s = lastRun + 1;
      t = ++runFrom;
    } else {
      return false;
    }
  }
  while (steps[s] === ANY_RUN) s++;
  return s === steps.length;
}
