/**
 * Turns what a command got back (a list, one object, a scalar) into the text printed on
 * standard output, in the format `-o` chose.
 *
 * @module
 */

import { toXml } from "../../mod.ts";
import { STRUCTS } from "../model.ts";
import { UsageError } from "../errors.ts";
import { membersOf } from "../values.ts";
import { cellText, defaultColumns, header, plain, valueAt } from "./cells.ts";
import { toCsv } from "./csv.ts";
import { renderTable } from "./table.ts";
import { toYaml } from "./yaml.ts";

/** The output formats of `-o`. */
export const FORMATS = ["table", "json", "yaml", "xml", "csv", "ids"] as const;

/** One of {@link FORMATS}. */
export type Format = typeof FORMATS[number];

/** How to print. */
export interface OutputOptions {
  /** The format. */
  readonly format: Format;
  /** Chosen columns (`-c`), for table and CSV. */
  readonly columns?: readonly string[];
  /** Terminal width to fit tables to (Infinity: no limit). */
  readonly width: number;
  /** Whether tables and CSV start with a header line. */
  readonly headers: boolean;
}

/** Checks a `-o` value. */
export function parseFormat(text: string | undefined): Format {
  if (text === undefined) return "table";
  if (!(FORMATS as readonly string[]).includes(text)) {
    throw new UsageError(`-o ${text}: the formats are ${FORMATS.join(", ")}`);
  }
  return text as Format;
}

/** The text for `value` (of struct `type`, when known), ending in a newline unless empty. */
export function render(value: unknown, type: string | undefined, options: OutputOptions): string {
  if (value === undefined) return "";
  switch (options.format) {
    case "json":
      return JSON.stringify(plain(value), null, 2) + "\n";
    case "yaml":
      return toYaml(plain(value));
    case "xml":
      return renderXml(value, type);
    case "ids": // one line each; none at all for an empty list (xargs then runs nothing)
      return (Array.isArray(value) ? value : [value]).map(idLine).join("");
    case "csv":
    case "table":
      break;
  }
  if (value === null || typeof value !== "object") return `${cellText(value)}\n`;
  if (!Array.isArray(value) && options.format === "table" && !options.columns) {
    return renderDetails(value, type, options.width);
  }
  const items = Array.isArray(value) ? value : [value];
  const columns = rowColumns(type, options);
  const rows = items.map((item) => rowCells(item, columns));
  const headers = columns.map(header);
  return options.format === "csv"
    ? toCsv(headers, rows, options.headers)
    : renderTable(headers, rows, options.width, options.headers);
}

/** The line of `-o ids` for one item: its id (or the value itself), none when empty. */
export function idLine(item: unknown): string {
  const id = cellText((item as { id?: unknown })?.id ?? item);
  return id === "" ? "" : `${id}\n`;
}

/** The columns of the rows of a table or CSV of items of struct `type`: `-c`, else its defaults. */
export function rowColumns(type: string | undefined, options: OutputOptions): string[] {
  return options.columns ? [...options.columns] : defaultColumns(type);
}

/** The cells of `item`'s row under `columns`. */
export function rowCells(item: unknown, columns: readonly string[]): string[] {
  return columns.map((column) => cellText(valueAt(item, column)));
}

/** One object as `member value` lines, the members in the model's order. */
function renderDetails(value: object, type: string | undefined, width: number): string {
  const record = value as Record<string, unknown>;
  const members = type ? membersOf(type) : [];
  const names = members.length > 0
    ? members.map((member) => [member.name, member.tag] as const)
    : Object.keys(record).map((key) => [key, key] as const);
  const rows = names
    .filter(([name]) => name !== "href")
    .map(([name, tag]) => [tag, cellText(record[name])])
    .filter(([, text]) => text !== "");
  return renderTable(["", ""], rows, width, false);
}

function renderXml(value: unknown, type: string | undefined): string {
  if (value === null || typeof value !== "object") throw notOfTheModel();
  const struct = xmlStruct(type);
  return toXml(Array.isArray(value) ? struct.listTag : struct.tag, value) + "\n";
}

/** The XML tags of struct `type`, one object's and a list's; refused for a type without. */
export function xmlStruct(type: string | undefined): { tag: string; listTag: string } {
  const struct = type ? STRUCTS[type] : undefined;
  if (!struct) throw notOfTheModel();
  return struct;
}

function notOfTheModel(): UsageError {
  return new UsageError("-o xml: this result is not an object of the model");
}
