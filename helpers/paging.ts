/**
 * Paging through a searchable collection with `page N` and `max`, as an async iterator.
 *
 * @example
 * ```ts
 * import { Connection, pages } from "@ovirt/sdk";
 *
 * const connection = new Connection({ url: "https://engine/ovirt-engine/api", token: "..." });
 * const vmsService = connection.systemService().vmsService();
 * for await (const page of pages(vmsService, { search: "sortby name asc", pageSize: 50 })) {
 *   for (const vm of page) console.log(vm.name);
 * }
 * ```
 *
 * @module
 */

import { abortedError, OvirtError } from "../transport/errors.ts";

/**
 * The `list` options paging uses: every searchable collection service accepts `search`,
 * `max` and `signal`; `caseSensitive` is sent only when given, and a few collections (the
 * external providers, an instance type's NICs and watchdogs) refuse it.
 */
export interface PageListOptions {
  /** The query, ending with `page N`. */
  search?: string;
  /** The page size. */
  max?: number;
  /** Whether string comparisons are case-sensitive. */
  caseSensitive?: boolean;
  /** Aborts the call. */
  signal?: AbortSignal;
}

/** A collection service whose `list` takes `search` and `max` (VMs, hosts, disks, ...). */
export interface PageableCollection<T> {
  /** Lists one page. */
  list(options?: PageListOptions): Promise<T[]>;
}

/** What to page through and how. */
export interface PageOptions {
  /**
   * Search criteria (and `sortby`), without `page`: e.g. `status=up sortby name asc`. The
   * engine takes `page` after a sort only with its direction: a `sortby` without one is sent
   * with `asc`, the engine's default.
   */
  search?: string;
  /** Items per page (default 100). */
  pageSize?: number;
  /** Page to start from, 1-based (default 1), to resume an interrupted walk. */
  firstPage?: number;
  /** Whether string comparisons are case-sensitive. */
  caseSensitive?: boolean;
  /** Stops the walk between pages and aborts the call in flight. */
  signal?: AbortSignal;
}

/**
 * Yields the collection one page (array) at a time, asking for `page 1`, `page 2`, ...
 * with `max` as the page size, until a page comes back short. Add a `sortby` to the
 * search for an order that stays stable. Pages are offsets into the current list, so
 * changes during the walk shift them: an object added before the current page makes one
 * come twice, and an object removed before it makes one that was not yet yielded be
 * skipped. Rejects with an {@link OvirtError} when a full page holds the same objects
 * (by `id`, or whole when they have none) as the page before: the server ignores `page`
 * for this collection, and the walk would never end.
 */
export async function* pages<T>(
  collection: PageableCollection<T>,
  options: PageOptions = {},
): AsyncGenerator<T[], void, undefined> {
  const { pageSize = 100, firstPage = 1, search = "", caseSensitive, signal } = options;
  if (!Number.isSafeInteger(pageSize) || pageSize < 1) {
    throw new OvirtError(`pages: pageSize must be a positive integer, not ${pageSize}`);
  }
  if (!Number.isSafeInteger(firstPage) || firstPage < 1) {
    throw new OvirtError(`pages: firstPage must be a positive integer, not ${firstPage}`);
  }
  if (typeof search !== "string") {
    throw new OvirtError(`pages: search must be a string, not ${typeof search}`);
  }
  if (/\bpage\s+\d+\s*$/i.test(search)) {
    throw new OvirtError("pages: leave `page N` out of the search, the iterator adds it");
  }
  const criteria = withSortDirection(search.trim());
  let previous: string | undefined;
  for (let page = firstPage;; page++) {
    // As a call with that signal rejects, whenever the abort comes.
    if (signal?.aborted) throw abortedError(signal.reason);
    const query = `${criteria} page ${page}`.trim();
    const items = await collection.list({
      search: query,
      max: pageSize,
      ...(caseSensitive === undefined ? {} : { caseSensitive }),
      ...(signal ? { signal } : {}),
    });
    if (items.length < pageSize) {
      if (items.length > 0) yield items;
      return;
    }
    const ids = fingerprint(items);
    if (ids === previous) {
      throw new OvirtError(
        `pages: page ${page} holds the same objects as page ${page - 1}: the server does ` +
          "not page this collection (it ignores `page` in the search); list it without paging",
      );
    }
    previous = ids;
    yield items;
  }
}

/**
 * `search` with `asc` added after a final `sortby FIELD` that has no direction: the engine's
 * parser wants `asc` or `desc` between a sort field and `page` (`sortby name page 2` is
 * refused as a query with an invalid sort direction).
 */
function withSortDirection(search: string): string {
  // Words inside quotes are a value's, never the language's.
  const words = search.replace(/"[^"]*"?/g, '""');
  return /(^|\s)sortby\s+[^\s"]+$/i.test(words) && !/\s(asc|desc)$/i.test(words)
    ? `${search} asc`
    : search;
}

/**
 * What tells a page from another: the ids of `items`, in order, as one string; the items
 * themselves (as JSON) when one has no `id`.
 */
function fingerprint(items: readonly unknown[]): string {
  const ids: (string | number)[] = [];
  for (const item of items) {
    const id = (item as { id?: unknown } | null)?.id;
    if (typeof id !== "string" && typeof id !== "number") {
      return JSON.stringify(
        items,
        (_key, value) => typeof value === "bigint" ? `${value}n` : value,
      );
    }
    ids.push(id);
  }
  return JSON.stringify(ids);
}

/** Like {@link pages}, one item at a time. */
export async function* allItems<T>(
  collection: PageableCollection<T>,
  options: PageOptions = {},
): AsyncGenerator<T, void, undefined> {
  for await (const page of pages(collection, options)) yield* page;
}
