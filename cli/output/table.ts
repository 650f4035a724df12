/**
 * A plain text table fitted to a width: columns shrink, widest first, and cells that no
 * longer fit end in `…`; control characters in cells are shown as escapes.
 *
 * @module
 */

import { printable } from "./cells.ts";

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
    Math.max(0, ...all.map((row) => [...(row[column] ?? "")].length))
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
  const characters = [...cell];
  if (characters.length > width) return characters.slice(0, width - 1).join("") + "…";
  return last ? cell : cell + " ".repeat(width - characters.length);
}
