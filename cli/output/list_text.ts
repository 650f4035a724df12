/**
 * The text of a list written as its items arrive, batch after batch: the same text as
 * `render()` (render.ts) of the whole list, in every format. JSON, YAML, XML, CSV and ids
 * write each batch's part at once; a table holds the cells of every row (not the objects)
 * until the end, since its column widths need them all.
 *
 * @module
 */

import { toXml } from "../../mod.ts";
import { header, plain } from "./cells.ts";
import { toCsv } from "./csv.ts";
import { idLine, type OutputOptions, rowCells, rowColumns, xmlStruct } from "./render.ts";
import { renderTable } from "./table.ts";
import { toYaml } from "./yaml.ts";

/** A list's text, made batch by batch. */
export interface ListText {
  /** The columns of a table or CSV (whose references want names), else none. */
  readonly columns?: readonly string[];
  /** The text of the next items, written after that of the items before. */
  items(batch: readonly unknown[]): string;
  /** The text that ends the list. */
  end(): string;
}

/**
 * The text of a list of struct `type` (when known) in the format of `options`; refuses, as
 * `render()` does, what the format cannot show (`-o xml` of a type without a tag) before
 * anything is listed.
 */
export function listText(type: string | undefined, options: OutputOptions): ListText {
  switch (options.format) {
    case "json":
      return joined("[\n", ",\n", "\n]\n", "[]\n", (item) => {
        const text = JSON.stringify(plain(item) ?? null, null, 2);
        return "  " + text.replaceAll("\n", "\n  "); // JSON strings hold no raw line break
      });
    case "yaml":
      return joined("", "", "", "[]\n", (item) => toYaml([plain(item)]));
    case "xml": {
      const { tag, listTag } = xmlStruct(type);
      return joined(
        `<${listTag}>`,
        "",
        `</${listTag}>\n`,
        `<${listTag}/>\n`,
        (item) => toXml(tag, item as object),
      );
    }
    case "ids":
      return joined("", "", "", "", idLine);
    case "csv":
      return csvText(rowColumns(type, options), options.headers);
    case "table":
      return tableText(rowColumns(type, options), options);
  }
}

/**
 * Items written one after the other: `open` before the first, `between` each two, `close`
 * after the last; `empty` alone when there is none.
 */
function joined(
  open: string,
  between: string,
  close: string,
  empty: string,
  itemText: (item: unknown) => string,
): ListText {
  let count = 0;
  return {
    items: (batch) =>
      batch.map((item) => (count++ === 0 ? open : between) + itemText(item)).join(""),
    end: () => count === 0 ? empty : close,
  };
}

/** CSV: the header line with the first row (or alone at the end), then a line per row. */
function csvText(columns: readonly string[], headers: boolean): ListText {
  let started = false;
  const head = () => {
    if (started) return "";
    started = true;
    return toCsv(columns.map(header), [], headers);
  };
  return {
    columns,
    items: (batch) =>
      batch.length === 0
        ? ""
        : head() + toCsv([], batch.map((item) => rowCells(item, columns)), false),
    end: head,
  };
}

/** A table: the rows' cells held, the table written at the end. */
function tableText(columns: readonly string[], options: OutputOptions): ListText {
  const rows: string[][] = [];
  return {
    columns,
    items: (batch) => {
      for (const item of batch) rows.push(rowCells(item, columns));
      return "";
    },
    end: () => renderTable(columns.map(header), rows, options.width, options.headers),
  };
}
