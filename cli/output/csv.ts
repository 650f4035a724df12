/**
 * Comma-separated values (RFC 4180): a header line (unless left out), then one line per row,
 * fields quoted when they hold a comma, a quote or a line break.
 *
 * @module
 */

/** Rows as CSV text with `headers` first (when `showHeaders`). */
export function toCsv(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  showHeaders = true,
): string {
  return (showHeaders ? [headers, ...rows] : rows)
    .map((row) => row.map(field).join(",") + "\r\n").join("");
}

function field(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
