/**
 * `'` and `;`: the engine's search syntax checker refuses them anywhere in a query, quoted
 * or not, and answers an empty list. `searchQuery` puts a `*` in their place and its
 * `filter` keeps the exact matches.
 */

import assert from "node:assert/strict";
import { Connection, OvirtError, type SearchCondition, searchQuery, where } from "../mod.ts";

const NAMES = ["O'Brien vm", "O-Brien vm", "OBrien vm", "db;prod", "db-prod", "web01"];

/**
 * A server answering `GET /vms?search=name=...` as the engine does: nothing for a query
 * holding `'` or `;`, else the VMs whose name matches (`*` any run, case-insensitive).
 */
function engineLikeServer() {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (request) => {
    const search = new URL(request.url).searchParams.get("search") ?? "";
    const value = /^name=("?)(.*)\1$/.exec(search)?.[2];
    const refused = /[';]/.test(search);
    const matching = refused || value === undefined ? [] : NAMES.filter((name) => {
      const parts = value.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"));
      return new RegExp(`^${parts.join(".*")}$`, "i").test(name);
    });
    const vms = matching.map((name, i) => `<vm id="${i}"><name>${name}</name></vm>`);
    return new Response(`<vms>${vms.join("")}</vms>`, {
      headers: { "content-type": "application/xml" },
    });
  });
  return { server, url: `http://127.0.0.1:${server.addr.port}/ovirt-engine/api` };
}

Deno.test("searchQuery puts a * in place of ' and ;, and matches them in filter", () => {
  const quote = searchQuery(where.eq("name", "O'Brien vm"));
  assert.equal(quote.text, 'name="O*Brien vm"');
  assert.equal(quote.exact, false);
  const semicolon = searchQuery(where.eq("name", "db;prod"));
  assert.equal(semicolon.text, "name=db*prod");
  assert.equal(semicolon.exact, false);
  const names = NAMES.map((name) => ({ name }));
  assert.deepEqual(quote.filter(names), [{ name: "O'Brien vm" }]);
  assert.deepEqual(semicolon.filter(names), [{ name: "db;prod" }]);
  const pattern = searchQuery(where.like("description", "it's*;"));
  assert.equal(pattern.text, "description=it*s**");
  assert.ok(!/['";]/.test(pattern.text));
});

Deno.test("searchQuery finds VMs named with ' and ; through an engine that refuses them", async () => {
  const { server, url } = engineLikeServer();
  await using _server = server;
  await using connection = new Connection({ url, token: "T", retry: false });
  const vmsService = connection.systemService().vmsService();
  // The server refuses the characters as the engine does: nothing found.
  assert.deepEqual(await vmsService.list({ search: 'name="O\'Brien vm"' }), []);
  for (const name of ["O'Brien vm", "db;prod"]) {
    const query = searchQuery(where.eq("name", name));
    const found = query.filter(await vmsService.list({ search: query.text }));
    assert.deepEqual(found.map((vm) => vm.name), [name]);
  }
});

Deno.test("searchQuery: what is no condition (plain JavaScript) is an OvirtError, not a TypeError", () => {
  for (const wrong of [{ name: "web1" }, "name=web1", 5]) {
    assert.throws(
      () => searchQuery(wrong as unknown as SearchCondition),
      (error) =>
        error instanceof OvirtError && /a condition is made with where\.eq/.test(error.message),
    );
  }
});
