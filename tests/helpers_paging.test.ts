/**
 * `pages()` and `allItems()` against a server that ignores `page N` (it answers the same
 * full page every time): the walk stops with an error instead of never ending.
 */

import assert from "node:assert/strict";
import { allItems, Connection, OvirtError, pages } from "../mod.ts";

/**
 * A server answering every request with the same page of 10 VMs (with ids, or without);
 * counts the requests.
 */
function samePageServer(withIds = true) {
  const vms = Array.from(
    { length: 10 },
    (_, i) => `<vm${withIds ? ` id="${i}"` : ""}><name>vm${i}</name></vm>`,
  );
  const searches: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (request) => {
    searches.push(new URL(request.url).searchParams.get("search") ?? "");
    return new Response(`<vms>${vms.join("")}</vms>`, {
      headers: { "content-type": "application/xml" },
    });
  });
  return { server, searches, url: `http://127.0.0.1:${server.addr.port}/ovirt-engine/api` };
}

Deno.test("allItems stops with an error when the server answers every page the same", async () => {
  const { server, searches, url } = samePageServer();
  await using _server = server;
  await using connection = new Connection({ url, token: "T", retry: false });
  const seen: string[] = [];
  const error = await (async () => {
    for await (const vm of allItems(connection.systemService().vmsService(), { pageSize: 10 })) {
      seen.push(vm.id!);
      if (seen.length > 100) return "never ends";
    }
    return "ended";
  })().catch((error) => error);
  assert.ok(error instanceof OvirtError, String(error));
  assert.match(error.message, /page 2 holds the same objects as page 1/);
  assert.match(error.message, /does not page this collection/);
  assert.deepEqual(seen, ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"], "page 1 once");
  assert.deepEqual(searches, ["page 1", "page 2"]);
});

Deno.test("pages yields full pages that differ, and ends at a short one", async () => {
  let page = 0;
  const collection = {
    list: (options?: { search?: string }) => {
      page = Number(/page (\d+)/.exec(options?.search ?? "")![1]);
      const ids = page < 3 ? [`${page}a`, `${page}b`] : [`${page}a`];
      return Promise.resolve(ids.map((id) => ({ id })));
    },
  };
  const walked: string[][] = [];
  for await (const items of pages(collection, { pageSize: 2 })) {
    walked.push(items.map((item) => item.id));
  }
  assert.deepEqual(walked, [["1a", "1b"], ["2a", "2b"], ["3a"]]);
});

Deno.test("pages stops too when the same page's items have no ids", async () => {
  const { server, searches, url } = samePageServer(false);
  await using _server = server;
  await using connection = new Connection({ url, token: "T", retry: false });
  let pagesSeen = 0;
  await assert.rejects(async () => {
    for await (const _page of pages(connection.systemService().vmsService(), { pageSize: 10 })) {
      if (++pagesSeen > 10) throw new Error("never ends");
    }
  }, /page 2 holds the same objects as page 1/);
  assert.equal(searches.length, 2);
});

Deno.test("pages sends a sort without a direction with asc, which the engine needs before page", async () => {
  const { server, searches, url } = samePageServer();
  await using _server = server;
  await using connection = new Connection({ url, token: "T", retry: false });
  const vmsService = connection.systemService().vmsService();
  const quoted = 'description="nightly sortby disk"';
  for (
    const search of ["status=up sortby name", "sortby name DESC", "name=a*", "SortBy  name", quoted]
  ) {
    for await (const _page of pages(vmsService, { search, pageSize: 20 })) {
      // one short page
    }
  }
  assert.deepEqual(searches, [
    "status=up sortby name asc page 1",
    "sortby name DESC page 1",
    "name=a* page 1",
    "SortBy  name asc page 1",
    `${quoted} page 1`,
  ]);
});
