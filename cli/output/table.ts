/**
 * A plain text table fitted to a width: columns shrink, widest first, and cells that no
 * longer fit end in `…`; control characters in cells are shown as escapes. Widths are
 * counted in terminal columns: CJK and fullwidth characters and most emoji take two,
 * combining marks none.
 *
 * @module
 */

import { printable } from "./printable.ts";

const GAP = "  ";
const MIN_WIDTH = 4;

/** Renders rows under headers in at most `width` characters per line (when it can). */
export function renderTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  width = Infinity,
  showHeaders = true,
): string {
  const all = (showHeaders ? [headers, ...rows] : rows).map((row) => row.map(printable));
  const widths = headers.map((_, column) =>
    Math.max(0, ...all.map((row) => displayWidth(row[column] ?? "")))
  );
  fit(widths, headers, width - GAP.length * (headers.length - 1));
  return all.map((row) =>
    row.map((cell, column) => pad(cell, widths[column], column === row.length - 1))
      .join(GAP).trimEnd() + "\n"
  ).join("");
}

function fit(widths: number[], headers: readonly string[], room: number): void {
  const floor = headers.map((name) => Math.max(MIN_WIDTH, Math.min([...name].length, 12)));
  let total = widths.reduce((sum, value) => sum + value, 0);
  while (total > room) {
    let widest = -1;
    for (let column = 0; column < widths.length; column++) {
      if (widths[column] > floor[column] && (widest < 0 || widths[column] > widths[widest])) {
        widest = column;
      }
    }
    if (widest < 0) return; // nothing can shrink further: let lines wrap
    widths[widest]--;
    total--;
  }
}

function pad(cell: string, width: number, last: boolean): string {
  const size = displayWidth(cell);
  if (size > width) {
    let cut = "", used = 0;
    for (const character of cell) {
      const next = charWidth(character.codePointAt(0)!);
      if (used + next > width - 1) break;
      cut += character;
      used += next;
    }
    return cut + "…" + (last ? "" : " ".repeat(width - 1 - used));
  }
  return last ? cell : cell + " ".repeat(width - size);
}

/** Ranges of code points a terminal shows two columns wide (East Asian Wide and Fullwidth). */
const WIDE: readonly (readonly [number, number])[] = [
  [0x1100, 0x115f],
  [0x231a, 0x231b],
  [0x2329, 0x232a],
  [0x23e9, 0x23ec],
  [0x2614, 0x2615],
  [0x2e80, 0x303e],
  [0x3041, 0x33ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xa000, 0xa4cf],
  [0xa960, 0xa97f],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xfe10, 0xfe19],
  [0xfe30, 0xfe6f],
  [0xff00, 0xff60],
  [0xffe0, 0xffe6],
  [0x16fe0, 0x18cff],
  [0x1b000, 0x1b2ff],
  [0x1f004, 0x1f004],
  [0x1f0cf, 0x1f0cf],
  [0x1f18e, 0x1f18e],
  [0x1f191, 0x1f19a],
  [0x1f200, 0x1f251],
  [0x1f300, 0x1f64f],
  [0x1f680, 0x1f6ff],
  [0x1f900, 0x1f9ff],
  [0x1fa70, 0x1faff],
  [0x20000, 0x3fffd],
];

/** Zero-width: combining marks, joiners, variation selectors. */
const ZERO_WIDTH = /^[\p{Mn}\p{Me}\u200b-\u200f\u2060\ufe00-\ufe0f\ufeff]$/u;

function charWidth(code: number): number {
  if (ZERO_WIDTH.test(String.fromCodePoint(code))) return 0;
  for (const [low, high] of WIDE) {
    if (code < low) return 1;
    if (code <= high) return 2;
  }
  return 1;
}

/** How many terminal columns `text` takes (CJK and fullwidth: two each; marks: none). */
export function displayWidth(text: string): number {
  let width = 0;
  for (const character of text) width += charWidth(character.codePointAt(0)!);
  return width;
}
