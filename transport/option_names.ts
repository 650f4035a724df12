/**
 * Refusing names that are not options: a misspelled option (`timeOut`, `conections`) would
 * otherwise be left out without a word, and its default used instead, as the Python SDK never
 * does (it refuses an unknown keyword argument).
 *
 * @module
 */

import { OvirtError } from "./errors.ts";

/**
 * Refuses the first key of `given` (with a defined value) that `known` does not have, naming
 * the one meant where it can tell: `"timeOut" is not a connection option (did you mean
 * "timeout"?)`. `what` names the kind of option.
 */
export function checkOptionKeys(what: string, given: object, known: readonly string[]): void {
  for (const [name, value] of Object.entries(given)) {
    if (value === undefined || known.includes(name)) continue;
    const meant = meantName(name, known);
    throw new OvirtError(
      `"${name}" is not ${what}` + (meant === undefined ? "" : ` (did you mean "${meant}"?)`),
    );
  }
}

/**
 * The name of `candidates` that `name` most likely meant: the same letters but for case and
 * underscores (`detach_only` for `detachOnly`), else one or two letters apart (a letter
 * missing, added, changed or two swapped) for names of five letters or more; `undefined` when
 * none is close.
 */
export function meantName(name: string, candidates: readonly string[]): string | undefined {
  const letters = plainLetters(name);
  const same = candidates.find((candidate) => plainLetters(candidate) === letters);
  if (same !== undefined || letters.length < 5) return same;
  let best: string | undefined, bestDistance = 3;
  for (const candidate of candidates) {
    const distance = editDistance(letters, plainLetters(candidate), bestDistance);
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best;
}

/** `name` lower-cased, without underscores and dashes. */
function plainLetters(name: string): string {
  return name.replace(/[_-]/g, "").toLowerCase();
}

/**
 * The edit distance of `a` and `b` (insertions, deletions, changes and swaps of two neighbours
 * count one each), or `limit` when it is `limit` or more.
 */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) >= limit) return limit;
  let before: number[] = [], previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const change = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + change);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        row[j] = Math.min(row[j], before[j - 2] + 1);
      }
    }
    [before, previous] = [previous, row];
  }
  return Math.min(previous[b.length], limit);
}
